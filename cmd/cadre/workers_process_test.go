package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// buildCadre builds the cadre binary into a temporary folder.
func buildCadre(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cadre")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a running cadre subcommand.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	// exited is closed when the process has exited; err is then what Wait
	// returned.
	exited chan struct{}
	err    error
}

// startProcess runs `cadre args...` with env (and PATH and HOME only, so
// that no CADRE_* variable of the test's environment leaks in); it is
// killed at the end of the test unless stopped before.
func startProcess(t *testing.T, bin, name string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
	return p
}

// stop sends SIGTERM and checks that the process exits cleanly in time.
func (p *process) stop(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
		t.Fatalf("%s exited before it was stopped: %v\n%s", p.name, p.err, p.out.String())
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("signal %s: %v", p.name, err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("%s exited with %v after SIGTERM, want 0\n%s", p.name, p.err, p.out.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%s still running 30s after SIGTERM", p.name)
	}
}

// TestTwoWorkerProcesses runs two `cadre worker` processes on one stream
// and one PostgreSQL database while an in-test API (no workers, no relay)
// takes uploads for several tenants concurrently. The processes relay the
// outbox and build the libraries between them: every tenant's latest
// version covers its final context revision, versions are numbered 1..n
// with no gap, no two versions share a context revision (none was built
// twice), and every consumer has processed every event of its types once,
// with nothing parked.
func TestTwoWorkerProcesses(t *testing.T) {
	if os.Getenv(storetest.EnvURL) == "" {
		t.Skip(storetest.EnvURL + " is not set")
	}
	db := storetest.Postgres(t)
	bin := buildCadre(t)
	emb, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: "127.0.0.1:0", User: "cadre", Password: "broker-secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Shutdown)

	env := []string{"CADRE_DATABASE_URL=" + db.AppURL, "CADRE_NATS_URL=" + emb.CredentialsURL(), "CADRE_MIGRATE=false", "CADRE_LOG_LEVEL=warn",
		"CADRE_KEK=" + storetest.KEK}
	// The first worker serves its operations endpoints, the second none.
	opsAddr := freeAddr(t)
	var procs []*process
	for i := range 2 {
		name := fmt.Sprintf("worker-%d", i+1)
		penv := append(slices.Clone(env), "CADRE_DATA_DIR="+t.TempDir())
		if i == 0 {
			penv = append(penv, "CADRE_METRICS_ADDR="+opsAddr)
		}
		procs = append(procs, startProcess(t, bin, name, penv, "worker"))
	}

	secret := []byte("process-test-secret-process-test-secret")
	verifier, err := auth.New(t.Context(), auth.Config{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Store: db.Store, Verifier: verifier, Limits: api.Limits{RatePerSecond: -1}}).Handler())
	t.Cleanup(srv.Close)

	// Several tenants, uploads to all of them at once.
	const tenantCount, waves, perWave = 4, 4, 4
	platform := mint(t, secret, tenants.ID{}, tenants.RolePlatformAdmin)
	ids := make([]tenants.ID, tenantCount)
	for i := range ids {
		var tn struct {
			ID string `json:"id"`
		}
		status, err := call("POST", srv.URL+"/v1/tenants", platform, map[string]any{"name": fmt.Sprintf("Company %d", i), "slug": fmt.Sprintf("company-%d", i), "industry": "finance"}, &tn)
		if err != nil || status != http.StatusCreated {
			t.Fatalf("create tenant: %d %v", status, err)
		}
		if ids[i], err = tenants.ParseID(tn.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Waves of concurrent uploads (two clients per tenant), each followed
	// by a wait until every library covers it, so that both processes
	// build versions of the same tenants again and again.
	final := map[tenants.ID]int64{}
	waitCovered := func(wave int) {
		testwait.Until(t, processWait, fmt.Sprintf("libraries covering wave %d", wave), func() (bool, error) {
			for _, id := range ids {
				var got int64
				err := db.Store.InTenant(context.Background(), id, func(tx *store.Tx) error {
					v, err := tx.LatestLibrary()
					got = v.ContextRevision
					return err
				})
				if err != nil || got < final[id] {
					return false, fmt.Errorf("tenant %s: library at revision %d of %d (%v)", id, got, final[id], err)
				}
			}
			return true, nil
		})
	}
	waitCovered(0) // the first version of each tenant
	doc := 0
	for wave := 1; wave <= waves; wave++ {
		var wg sync.WaitGroup
		errs := make(chan error, tenantCount*perWave)
		for _, id := range ids {
			admin := mint(t, secret, id, tenants.RoleAdmin)
			for c := range 2 {
				wg.Go(func() {
					for i := doc + c; i < doc+perWave; i += 2 {
						body := map[string]any{"title": fmt.Sprintf("Doc %d", i), "content_type": "text/plain",
							"content": fmt.Sprintf("Part %d of the handbook of %s. We deploy services with Kubernetes and review every change.", i, id)}
						if status, err := call("POST", srv.URL+"/v1/documents", admin, body, nil); err != nil || status != http.StatusAccepted {
							errs <- fmt.Errorf("upload %d to %s: %d %v", i, id, status, err)
						}
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		doc += perWave
		for _, id := range ids {
			final[id] = int64(doc) // one context revision per upload
		}
		waitCovered(wave)
	}
	for _, id := range ids {
		err := db.Store.InTenant(t.Context(), id, func(tx *store.Tx) error {
			tn, err := tx.LoadTenant()
			if err == nil && tn.ContextRevision != final[id] {
				t.Errorf("tenant %s at context revision %d after %d uploads", id, tn.ContextRevision, final[id])
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	waitQuiet(t, db, ids, func() (*nats.Conn, error) { return emb.Connect() })

	for _, id := range ids {
		checkVersions(t, db, id)
		checkProcessedOnce(t, db, id)
	}
	checkWorkerOps(t, "http://"+opsAddr)
	for _, p := range procs {
		p.stop(t)
		if strings.Contains(p.out.String(), `"level":"ERROR"`) {
			t.Errorf("%s logged errors:\n%s", p.name, p.out.String())
		}
	}
}

// waitQuiet waits until every outbox row is published and every durable
// consumer has nothing pending or unacknowledged, twice in a row (handlers
// emit events of their own, e.g. library.rebuilt).
func waitQuiet(t *testing.T, db storetest.DB, ids []tenants.ID, connect func() (*nats.Conn, error)) {
	t.Helper()
	js := jetStreamOf(t, connect)
	quiet := func() (bool, error) {
		for _, id := range ids {
			rows := db.ScopedRows(t, id, fmt.Sprintf("SELECT count(*) FROM outbox WHERE tenant_id = '%s' AND published_at IS NULL", id))
			if rows[0][0] != "0" {
				return false, fmt.Errorf("tenant %s: %s outbox rows pending", id, rows[0][0])
			}
		}
		for _, name := range workers.ConsumerNames(workers.All(), events.DefaultPartitions) {
			c, err := js.Consumer(context.Background(), events.DefaultStreamName, name)
			if err != nil {
				return false, fmt.Errorf("consumer %s: %w", name, err)
			}
			if info := c.CachedInfo(); info.NumPending != 0 || info.NumAckPending != 0 {
				return false, fmt.Errorf("consumer %s: %d pending, %d ack pending", name, info.NumPending, info.NumAckPending)
			}
		}
		return true, nil
	}
	testwait.Until(t, processWait, "outbox and consumers quiet", func() (bool, error) {
		if ok, err := quiet(); !ok {
			return false, err
		}
		return quiet()
	})
}

// jetStreamOf connects with connect and returns JetStream on that
// connection, which is closed when the test ends.
func jetStreamOf(t *testing.T, connect func() (*nats.Conn, error)) jetstream.JetStream {
	t.Helper()
	nc, err := connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// checkVersions checks that the tenant's library versions are 1..n and
// that no two share a context revision.
func checkVersions(t *testing.T, db storetest.DB, id tenants.ID) {
	t.Helper()
	rows := db.ScopedRows(t, id, fmt.Sprintf("SELECT version, context_revision FROM library_versions WHERE tenant_id = '%s' ORDER BY version", id))
	seen := map[string]int{}
	for i, r := range rows {
		if r[0] != strconv.Itoa(i+1) {
			t.Errorf("tenant %s: version %d is numbered %s, want %d (1..n without gaps)", id, i+1, r[0], i+1)
		}
		if prev, dup := seen[r[1]]; dup {
			t.Errorf("tenant %s: versions %d and %s both built for context revision %s", id, prev, r[0], r[1])
		}
		seen[r[1]] = i + 1
	}
	t.Logf("tenant %s: %d library versions", id, len(rows))
}

// checkProcessedOnce checks, for every worker, that the tenant's processed
// marks of that consumer are exactly the tenant's outbox events of the
// worker's types (none lost; the key makes each mark unique), and that
// nothing was parked.
func checkProcessedOnce(t *testing.T, db storetest.DB, id tenants.ID) {
	t.Helper()
	outbox := db.ScopedRows(t, id, fmt.Sprintf("SELECT id, type FROM outbox WHERE tenant_id = '%s'", id))
	for _, w := range workers.All() {
		var want []string
		for _, r := range outbox {
			if slices.Contains(w.Types, events.Type(r[1])) {
				want = append(want, r[0])
			}
		}
		var got []string
		for _, r := range db.ScopedRows(t, id, fmt.Sprintf("SELECT event_id FROM processed_events WHERE tenant_id = '%s' AND consumer = '%s'", id, w.Name)) {
			got = append(got, r[0])
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("tenant %s, consumer %s: processed %d events, outbox has %d of its types; processed ≠ outbox", id, w.Name, len(got), len(want))
		}
	}
	if rows := db.ScopedRows(t, id, fmt.Sprintf("SELECT consumer, event_type, error FROM dead_letters WHERE tenant_id = '%s'", id)); len(rows) != 0 {
		t.Errorf("tenant %s: dead letters %v, want none", id, rows)
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// checkWorkerOps checks a worker's operations endpoints: ready, and its
// runner's counters (it handled some of the dozens of events the two
// processes shared), consumer lag and relay counters among the metrics.
func checkWorkerOps(t *testing.T, base string) {
	t.Helper()
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if status, err := call("GET", base+"/readyz", "", nil, &ready); err != nil || status != http.StatusOK || ready.Status != "ok" ||
		ready.Checks["database"] != "ok" || ready.Checks["events"] != "ok" {
		t.Errorf("worker /readyz: %d %+v %v, want 200 ok for the database and events", status, ready, err)
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatalf("worker /metrics: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("worker /metrics: %d %v", res.StatusCode, err)
	}
	for _, want := range []string{"cadre_worker_events_total{", "cadre_consumer_pending{", "cadre_events_published_total"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("worker /metrics lacks %s", want)
		}
	}
	if res, err := http.Get(base + "/v1/documents"); err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("worker GET /v1/documents: %d, want 404 (no API on the operations address)", res.StatusCode)
		}
	}
}
