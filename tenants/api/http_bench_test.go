package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// benchConcurrency is the number of concurrent clients of BenchmarkHTTP
// (DESIGN §9: concurrency 32).
const benchConcurrency = 32

// benchPoolSize bounds the database connections of both the API's store
// (storetest.Postgres opens it with 10) and the floor's pgx pool, so both
// sides queue on the same number of connections.
const benchPoolSize = 10

// loadStats summarises one load run.
type loadStats struct {
	n       int
	elapsed time.Duration
	p50     time.Duration
	p99     time.Duration
}

// rps is the throughput of the run in requests per second.
func (s loadStats) rps() float64 { return float64(s.n) / s.elapsed.Seconds() }

// report adds req/s, p50 and p99 (in milliseconds) to the benchmark's line.
func (s loadStats) report(b *testing.B) {
	b.Helper()
	b.ReportMetric(s.rps(), "req/s")
	b.ReportMetric(float64(s.p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(s.p99.Microseconds())/1000, "p99-ms")
}

// load calls do n times in total from concurrency goroutines, timing each
// call, and returns the throughput and latency percentiles. The benchmark
// timer covers exactly the run. The first error stops the run and fails the
// benchmark, so a run that reports figures answered every request.
func load(b *testing.B, concurrency, n int, do func() error) loadStats {
	b.Helper()
	lat := make([]time.Duration, n)
	var (
		next    atomic.Int64
		failed  atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	b.StartTimer() // a previous load call stopped it
	b.ResetTimer()
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				err := do()
				lat[i] = time.Since(t0)
				if err != nil {
					errOnce.Do(func() { first = err })
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if first != nil {
		b.Fatalf("load: %v", first)
	}
	slices.Sort(lat)
	return loadStats{n: n, elapsed: elapsed, p50: percentile(lat, 0.50), p99: percentile(lat, 0.99)}
}

// percentile is the nearest-rank percentile p (0 < p ≤ 1) of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(len(sorted))*p - 1e-9)) // 1-based; 1e-9 absorbs float error in n*p
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// newBenchHTTPClient is a keep-alive HTTP client holding enough idle
// connections for every load goroutine.
func newBenchHTTPClient(b testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConns: 2 * benchConcurrency, MaxIdleConnsPerHost: 2 * benchConcurrency, IdleConnTimeout: time.Minute}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// benchClient sends requests to one server, with a bearer token if set.
type benchClient struct {
	hc    *http.Client
	base  string
	token string
}

// do sends one request and reads the whole answer; an answer other than
// want is an error carrying its body.
func (c benchClient) do(method, path string, body []byte, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != want {
		return nil, fmt.Errorf("%s %s: got %d %s, want %d", method, path, res.StatusCode, out, want)
	}
	return out, nil
}

// uploadBody is a JSON upload of about 1 KB whose content is unique to n and
// prefix, so that every upload is a new document.
func uploadBody(prefix string, n int64) []byte {
	content := fmt.Sprintf("%s document %d. ", prefix, n) + strings.Repeat("Engineers review code, mentor peers and own the reliability of their services. ", 12)
	b, _ := json.Marshal(map[string]string{"title": fmt.Sprintf("%s %d", prefix, n), "content": content, "content_type": "text/plain"})
	return b
}

// benchEnv is the API on PostgreSQL and the floor server, each on its own
// loopback listener in this process.
type benchEnv struct {
	api, floor benchClient // the floor client has no token
	platform   benchClient
	seq        atomic.Int64 // makes every uploaded document unique
}

func newBenchEnv(b testing.TB) *benchEnv {
	db := storetest.Postgres(b)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	verifier, err := auth.New(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	serve := func(h http.Handler) string {
		srv := httptest.NewUnstartedServer(nil)
		srv.Config = api.NewHTTPServer("", h)
		srv.Start()
		b.Cleanup(srv.Close)
		return srv.URL
	}
	apiURL := serve(api.New(api.Config{Store: db.Store, Verifier: verifier, Logger: quiet,
		Limits: api.Limits{RatePerSecond: -1}}).Handler())
	floorURL := serve(newFloor(b, db.AppURL).handler())
	e := &benchEnv{
		api:   benchClient{hc: newBenchHTTPClient(b), base: apiURL},
		floor: benchClient{hc: newBenchHTTPClient(b), base: floorURL},
	}
	e.platform = e.api
	e.platform.token = mintBench(b, tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}})
	return e
}

func mintBench(b testing.TB, p tenants.Principal) string {
	b.Helper()
	tok, err := auth.Mint(testSecret, p, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return tok
}

// newTenant creates a tenant through the API and returns its id and an
// admin's client.
func (e *benchEnv) newTenant(b testing.TB) (tenants.ID, benchClient) {
	b.Helper()
	n := e.seq.Add(1)
	body := fmt.Sprintf(`{"name":"Bench Co %d","slug":"bench-%d","industry":"finance"}`, n, n)
	out, err := e.platform.do("POST", "/v1/tenants", []byte(body), http.StatusCreated)
	if err != nil {
		b.Fatal(err)
	}
	var created struct{ ID string }
	if err := json.Unmarshal(out, &created); err != nil {
		b.Fatal(err)
	}
	id, err := tenants.ParseID(created.ID)
	if err != nil {
		b.Fatal(err)
	}
	admin := e.api
	admin.token = mintBench(b, tenants.Principal{Subject: "bench-admin", Tenant: id, Roles: []tenants.Role{tenants.RoleAdmin}})
	return id, admin
}

// run warms the connections (HTTP and statement caches) with a short
// untimed run, then measures b.N calls of do at concurrency 32.
func run(b *testing.B, do func() error) {
	b.ReportAllocs()
	load(b, benchConcurrency, 4*benchConcurrency, do)
	load(b, benchConcurrency, b.N, do).report(b)
}

// BenchmarkHTTP measures GET /v1/documents/{id} and POST /v1/documents
// through the real API (huma, middleware, gorm store with row-level
// security) on PostgreSQL at concurrency 32, beside floors: a bare net/http
// handler over pgxpool doing the same tenant-scoped work in one round trip
// to PostgreSQL, on its own listener in the same process. Every run of a
// write sub-benchmark uses a fresh tenant, so runs do not depend on order.
func BenchmarkHTTP(b *testing.B) {
	e := newBenchEnv(b)

	// The documents read by the GET sub-benchmarks.
	tenant, admin := e.newTenant(b)
	ids := make([]string, 16)
	for i := range ids {
		out, err := admin.do("POST", "/v1/documents", uploadBody("seed", e.seq.Add(1)), http.StatusAccepted)
		if err != nil {
			b.Fatal(err)
		}
		var d api.DocumentBody
		if err := json.Unmarshal(out, &d); err != nil {
			b.Fatal(err)
		}
		ids[i] = d.ID
	}
	var pick atomic.Int64
	nextID := func() string { return ids[int(pick.Add(1))%len(ids)] }
	floorDocs := "/tenants/" + tenant.String() + "/documents/"
	floorTxDocs := "/tenants/" + tenant.String() + "/tx/documents/"

	b.Run("get_document", func(b *testing.B) {
		run(b, func() error {
			_, err := admin.do("GET", "/v1/documents/"+nextID(), nil, http.StatusOK)
			return err
		})
	})
	b.Run("floor_get", func(b *testing.B) {
		run(b, func() error {
			_, err := e.floor.do("GET", floorDocs+nextID(), nil, http.StatusOK)
			return err
		})
	})
	b.Run("floor_get_tx", func(b *testing.B) {
		run(b, func() error {
			_, err := e.floor.do("GET", floorTxDocs+nextID(), nil, http.StatusOK)
			return err
		})
	})
	b.Run("post_document", func(b *testing.B) {
		_, admin := e.newTenant(b)
		run(b, func() error {
			_, err := admin.do("POST", "/v1/documents", uploadBody("api", e.seq.Add(1)), http.StatusAccepted)
			return err
		})
	})
	b.Run("floor_insert", func(b *testing.B) {
		tenant, _ := e.newTenant(b)
		path := "/tenants/" + tenant.String() + "/documents"
		run(b, func() error {
			_, err := e.floor.do("POST", path, uploadBody("floor", e.seq.Add(1)), http.StatusAccepted)
			return err
		})
	})
}

// floor is the bare net/http + pgx baseline. It connects as the app role
// (row-level security applies) and scopes every request like the store
// does, with set_config('app.tenant_id', …, true) and tenant_id in WHERE,
// but sends the statements of a request as one pgx batch: one round trip,
// run by PostgreSQL as one implicit transaction. It has no authentication
// (the tenant is in the path), no validation framework and no ORM.
type floor struct {
	pool *pgxpool.Pool
}

func newFloor(b testing.TB, url string) *floor {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = benchPoolSize
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return &floor{pool: pool}
}

func (f *floor) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tenants/{tenant}/documents/{id}", f.get)
	mux.HandleFunc("GET /tenants/{tenant}/tx/documents/{id}", f.getTx)
	mux.HandleFunc("POST /tenants/{tenant}/documents", f.insert)
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// pathIDs reads the tenant and, if want, the document id of the path.
func pathIDs(w http.ResponseWriter, r *http.Request, wantID bool) (tenant, id string, ok bool) {
	t, err := tenants.ParseID(r.PathValue("tenant"))
	if err != nil {
		http.Error(w, "bad tenant", http.StatusBadRequest)
		return "", "", false
	}
	if wantID {
		d, err := uuid.Parse(r.PathValue("id"))
		if err != nil {
			http.Error(w, "bad id", http.StatusBadRequest)
			return "", "", false
		}
		id = d.String()
	}
	return t.String(), id, true
}

const floorSelect = `SELECT id::text, title, content_type, size_bytes, sha256, created_at, visibility FROM documents
	WHERE tenant_id = $1::uuid AND id = $2::uuid`

// writeDocument answers with the document read by a floor handler.
func writeDocument(w http.ResponseWriter, d api.DocumentBody, err error) {
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		http.Error(w, "not found", http.StatusNotFound)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		d.CreatedAt = d.CreatedAt.UTC()
		writeJSON(w, http.StatusOK, d)
	}
}

// get reads one document's metadata: set_config and SELECT in one batch.
func (f *floor) get(w http.ResponseWriter, r *http.Request) {
	tenant, id, ok := pathIDs(w, r, true)
	if !ok {
		return
	}
	var batch pgx.Batch
	batch.Queue("SELECT set_config('app.tenant_id', $1, true)", tenant)
	batch.Queue(floorSelect, tenant, id)
	res := f.pool.SendBatch(r.Context(), &batch)
	var d api.DocumentBody
	_, err := res.Exec()
	if err == nil {
		err = res.QueryRow().Scan(&d.ID, &d.Title, &d.ContentType, &d.SizeBytes, &d.SHA256, &d.CreatedAt, &d.Visibility)
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	writeDocument(w, d, err)
}

// getTx reads like get but in the store's shape: an explicit transaction
// with BEGIN, set_config, SELECT and COMMIT each a round trip. Beside get
// and get_document it splits the API's cost into round trips and the rest.
func (f *floor) getTx(w http.ResponseWriter, r *http.Request) {
	tenant, id, ok := pathIDs(w, r, true)
	if !ok {
		return
	}
	var d api.DocumentBody
	err := pgx.BeginFunc(r.Context(), f.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(r.Context(), "SELECT set_config('app.tenant_id', $1, true)", tenant); err != nil {
			return err
		}
		return tx.QueryRow(r.Context(), floorSelect, tenant, id).Scan(&d.ID, &d.Title, &d.ContentType, &d.SizeBytes, &d.SHA256, &d.CreatedAt, &d.Visibility)
	})
	writeDocument(w, d, err)
}

// insert writes what POST /v1/documents writes (the document, the tenant's
// context revision, the audit entry and the outbox row) in one batch.
func (f *floor) insert(w http.ResponseWriter, r *http.Request) {
	tenant, _, ok := pathIDs(w, r, false)
	if !ok {
		return
	}
	var in struct {
		Title       string `json:"title"`
		Content     string `json:"content"`
		ContentType string `json:"content_type"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.Title == "" || in.Content == "" {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	sum := sha256.Sum256([]byte(in.Content))
	now := time.Now().UTC().Truncate(time.Microsecond)
	d := api.DocumentBody{ID: uuid.Must(uuid.NewV7()).String(), Title: in.Title, ContentType: in.ContentType,
		SizeBytes: int64(len(in.Content)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: now, Visibility: "admins"}
	tid, _ := tenants.ParseID(tenant)
	ev, err := events.New(tid, events.TypeDocumentUploaded, d.ID, events.DocumentUploaded{DocumentID: d.ID, Title: d.Title,
		ContentType: d.ContentType, SizeBytes: d.SizeBytes, SHA256: d.SHA256}, now)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	payload, _ := json.Marshal(ev)
	detail, _ := json.Marshal(map[string]any{"title": d.Title, "sha256": d.SHA256})
	var batch pgx.Batch
	batch.Queue("SELECT set_config('app.tenant_id', $1, true)", tenant)
	batch.Queue(`INSERT INTO documents (tenant_id, id, title, content_type, size_bytes, sha256, body_text, created_by, created_at, visibility)
		VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tenant, d.ID, d.Title, d.ContentType, d.SizeBytes, d.SHA256, in.Content, "floor", now, d.Visibility)
	batch.Queue("UPDATE tenants SET context_revision = context_revision + 1 WHERE id = $1::uuid RETURNING context_revision", tenant)
	batch.Queue(`INSERT INTO audit_log (tenant_id, id, actor, action, resource, detail, created_at)
		VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb, $7)`,
		tenant, uuid.Must(uuid.NewV7()).String(), "floor", "document.upload", "document/"+d.ID, string(detail), now)
	batch.Queue(`INSERT INTO outbox (tenant_id, id, subject, type, payload, created_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6)`,
		tenant, ev.ID, ev.Subject(), string(ev.Type), payload, now)
	res := f.pool.SendBatch(r.Context(), &batch)
	var rev int64
	_, err = res.Exec()
	if err == nil {
		_, err = res.Exec()
	}
	if err == nil {
		err = res.QueryRow().Scan(&rev) // no row: the tenant is not visible
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}

// TestHTTPBenchFloor checks that the floor of BenchmarkHTTP does the API's
// work: it reads what the API wrote, field for field; it is scoped to the
// tenant in its path, so another tenant's document is 404 there as in the
// API; and a document it inserts is a whole document of its tenant, read
// back through the API, and invisible to another tenant.
func TestHTTPBenchFloor(t *testing.T) {
	e := newBenchEnv(t)
	a, adminA := e.newTenant(t)
	b, adminB := e.newTenant(t)
	decode := func(out []byte, err error) api.DocumentBody {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var d api.DocumentBody
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatalf("body %q: %v", out, err)
		}
		return d
	}

	want := decode(adminA.do("POST", "/v1/documents", uploadBody("check", e.seq.Add(1)), http.StatusAccepted))
	for _, shape := range []string{"/documents/", "/tx/documents/"} {
		got := decode(e.floor.do("GET", "/tenants/"+a.String()+shape+want.ID, nil, http.StatusOK))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("floor GET %s: document differs from the API's (-api +floor):\n%s", shape, diff)
		}
		if _, err := e.floor.do("GET", "/tenants/"+b.String()+shape+want.ID, nil, http.StatusNotFound); err != nil {
			t.Errorf("floor GET %s of another tenant's document: %v", shape, err)
		}
	}

	ins := decode(e.floor.do("POST", "/tenants/"+b.String()+"/documents", uploadBody("floor-check", e.seq.Add(1)), http.StatusAccepted))
	got := decode(adminB.do("GET", "/v1/documents/"+ins.ID, nil, http.StatusOK))
	if diff := cmp.Diff(ins, got); diff != "" {
		t.Errorf("document inserted by the floor, read through the API (-floor +api):\n%s", diff)
	}
	if _, err := adminA.do("GET", "/v1/documents/"+ins.ID, nil, http.StatusNotFound); err != nil {
		t.Errorf("another tenant reads the floor's document: %v", err)
	}
}

func TestPercentile(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms(i + 1)
	}
	for _, c := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", []time.Duration{ms(7)}, 0.99, ms(7)},
		{"p50 of 100", hundred, 0.50, ms(50)},
		{"p99 of 100", hundred, 0.99, ms(99)},
		{"p100 of 100", hundred, 1, ms(100)},
		{"p99 of 3", []time.Duration{ms(1), ms(2), ms(3)}, 0.99, ms(3)},
		{"p50 of 3", []time.Duration{ms(1), ms(2), ms(3)}, 0.50, ms(2)},
	} {
		if got := percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
