package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/sandbox"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

var testSecret = []byte("test-secret-test-secret-test-secret-0123")

// env is a whole Cadre in-process: a migrated database, the embedded NATS
// server, the relay, the workers and the HTTP API on a real listener.
type env struct {
	t     *testing.T
	db    storetest.DB
	srv   *httptest.Server
	nc    *nats.Conn
	bus   *events.Bus
	limit api.Limits
	// emb is the embedded NATS server (fault tests stop and restart it).
	emb *events.Embedded
	// logs keeps the server's log records at Info and above.
	logs *logRecords
}

// maxDoc is the document size limit of the test servers.
const maxDoc = 64 << 10

// newEnv starts Cadre on db with workers.All() and the extra workers (test
// workers), and stops it when the test ends. Uploads are extracted in
// process (the same extract code, without the child process, whose start
// under a burst of uploads would slow every test that uploads);
// newSandboxedEnv extracts as production does.
func newEnv(t *testing.T, db storetest.DB, extra ...workers.Worker) *env {
	t.Helper()
	return startEnv(t, db, nil, extra...)
}

// newSandboxedEnv is newEnv with uploads extracted as in production, by
// child processes: this test binary re-executed (TestMain calls
// sandbox.ServeIfChild).
func newSandboxedEnv(t *testing.T, db storetest.DB) *env {
	t.Helper()
	extractor, err := sandbox.New(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return startEnv(t, db, extractor)
}

// startEnv is newEnv with the given extractor (nil: in process).
func startEnv(t *testing.T, db storetest.DB, extractor app.Extractor, extra ...workers.Worker) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &logRecords{min: slog.LevelInfo}
	log := slog.New(logs)
	emb, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := emb.Connect()
	if err != nil {
		t.Fatal(err)
	}
	bus, err := events.NewBus(ctx, nc, events.StreamConfig{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	relay, err := events.NewRelay(events.RelayConfig{Outbox: db.Store.Outbox(), Publisher: bus, Logger: log, Poll: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	db.Store.OnCommit(relay.Wake)
	var wg sync.WaitGroup
	wg.Go(func() { _ = relay.Run(ctx) })
	ws := append(workers.All(), extra...)
	reg := prometheus.NewRegistry()
	reg.MustRegister(workers.NewLagCollector(bus, workers.ConsumerNames(ws, bus.Partitions())...))
	runner := workers.NewRunner(bus, db.Store, log, reg)
	wg.Go(func() { _ = runner.Run(ctx, ws...) })
	wg.Go(func() { _ = workers.RunJanitor(ctx, bus, db.Store, log) })
	wg.Go(func() { _ = workers.RunPlanFanouts(ctx, db.Store, log) })

	verifier, err := auth.New(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	lim := api.Limits{Extract: extract.DefaultLimits(), MaxValues: 100, RatePerSecond: -1}
	lim.Extract.MaxBytes = maxDoc
	lim.Stream.IDSecret = testSecret
	// Bursts of concurrent uploads (TestBurstCoalesces) pass; TestUploadShare
	// tests the upload limits on a server of its own.
	lim.Share = api.ShareLimits{UploadsPerTenant: 32, Uploads: 32}
	srv := httptest.NewServer(api.New(api.Config{Store: db.Store, Verifier: verifier, Ready: bus.Ready, Bus: bus, Limits: lim, Logger: log, Extractor: extractor, MetricsOnAPI: true,
		Replay: workers.Replay(ws), Registerer: reg, Gatherer: reg}).Handler())
	t.Cleanup(func() {
		srv.Close()
		cancel()
		wg.Wait()
		nc.Close()
		emb.Shutdown()
	})
	return &env{t: t, db: db, srv: srv, nc: nc, bus: bus, limit: lim, emb: emb, logs: logs}
}

// token mints a token for roles in tenant (zero for the platform).
func (e *env) token(tenant tenants.ID, subject string, roles ...tenants.Role) string {
	e.t.Helper()
	tok, err := auth.Mint(testSecret, tenants.Principal{Subject: subject, Tenant: tenant, Roles: roles}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *env) platform() string { return e.token(tenants.ID{}, "ops", tenants.RolePlatformAdmin) }

// resp is an HTTP answer.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
	return m
}

// do sends a request; body may be nil, a []byte, a string or a value to
// marshal as JSON.
func (e *env) do(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
		ct = "application/json"
	case string:
		rd = strings.NewReader(b)
		ct = "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
		ct = "application/json"
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// expect checks a status and, for errors, the problem content type.
func expect(t *testing.T, r resp, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: got %d %s, want %d", what, r.Status, r.Body, status)
	}
	if status >= 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("%s: content type %q, want application/problem+json", what, r.Header.Get("Content-Type"))
	}
}

// createTenant creates a tenant through the API and returns its id and an
// admin token.
func (e *env) createTenant(slug string) (tenants.ID, string) {
	e.t.Helper()
	r := e.do("POST", "/v1/tenants", e.platform(), map[string]any{"name": "Company " + slug, "slug": slug, "industry": "finance"})
	expect(e.t, r, 201, "create tenant")
	id, err := tenants.ParseID(r.json(e.t)["id"].(string))
	if err != nil {
		e.t.Fatal(err)
	}
	return id, e.token(id, "admin-"+slug, tenants.RoleAdmin)
}

// upload sends a JSON upload.
func (e *env) upload(token, title, content string) resp {
	e.t.Helper()
	return e.do("POST", "/v1/documents", token, map[string]any{"title": title, "content": content, "content_type": "text/plain"})
}

// counts returns the tenant's documents, values and audit entries (only
// API writes add these; workers write concurrently elsewhere).
func (e *env) counts(tenant tenants.ID) (docs, values, audit int) {
	e.t.Helper()
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		d, err := tx.AllDocuments()
		if err != nil {
			return err
		}
		v, err := tx.Values()
		if err != nil {
			return err
		}
		docs, values = len(d), len(v)
		a, err := tx.AuditLog(100000)
		audit = len(a)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return docs, values, audit
}
