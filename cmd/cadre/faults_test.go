//go:build faults

// Fault tests (issue 13): `cadre serve` built with go build and run as a
// child process on PostgreSQL and nats-server processes built from the
// pinned module, with the faults made from outside: kill -9 of cadre
// mid-burst and mid-fan-out, nats-server killed and restarted, the
// database cut off for longer than the redelivery bound, the stream leader
// of a 3-node cluster killed. Run with
//
//	CADRE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres go test -tags faults -count=1 -run Fault -v ./cmd/cadre/
//
// (.ci/run does). Every case checks the same things afterwards (checkAfterFault).

package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// faultSecret signs the tokens of the fault tests.
const faultSecret = "fault-test-secret-fault-test-secret-0123"

// blockBound is the longest a worker's transaction may hold a tenant write
// (issue 13: "tenant writes never blocked longer than 5 s by a worker").
const blockBound = 5 * time.Second

// redeliveryBound is how long the consumers' redelivery delays add up to
// over the poison budget: the outage past which the code before issue 13
// dropped derived work (about 66 s with the defaults).
func redeliveryBound() time.Duration {
	var d time.Duration
	for i := range events.DefaultMaxDeliver - 1 {
		d += events.DefaultBackOff[min(i, len(events.DefaultBackOff)-1)]
	}
	return d
}

// buildNATSServer builds nats-server from the module version go.mod pins.
func buildNATSServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nats-server")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/nats-io/nats-server/v2").CombinedOutput(); err != nil {
		t.Fatalf("go build nats-server: %v\n%s", err, out)
	}
	return bin
}

// natsNode is one nats-server process with JetStream, alone or in a
// loopback cluster; it keeps its address and store across restarts.
type natsNode struct {
	t          *testing.T
	bin, name  string
	addr       string // client address
	cluster    string // cluster address; empty when alone
	routes     []string
	dir        string
	proc       *process
	generation int
}

func newNATSNodes(t *testing.T, bin string, n int) []*natsNode {
	t.Helper()
	nodes := make([]*natsNode, n)
	var routes []string
	for i := range nodes {
		nodes[i] = &natsNode{t: t, bin: bin, name: fmt.Sprintf("n%d", i+1), addr: freeAddr(t), dir: t.TempDir()}
		if n > 1 {
			nodes[i].cluster = freeAddr(t)
			routes = append(routes, "nats://"+nodes[i].cluster)
		}
	}
	for _, node := range nodes {
		node.routes = routes
		node.start()
	}
	return nodes
}

func (n *natsNode) url() string { return "nats://" + n.addr }

func (n *natsNode) start() {
	n.t.Helper()
	host, port, _ := strings.Cut(n.addr, ":")
	args := []string{"-a", host, "-p", port, "-js", "-sd", n.dir, "-n", n.name}
	if n.cluster != "" {
		args = append(args, "--cluster_name", "cadre", "--cluster", "nats://"+n.cluster, "--routes", strings.Join(n.routes, ","))
	}
	n.generation++
	n.proc = startProcess(n.t, n.bin, fmt.Sprintf("nats-%s-%d", n.name, n.generation), nil, args...)
}

// kill sends SIGKILL and waits for the process to be gone.
func (n *natsNode) kill() {
	n.t.Helper()
	kill9(n.t, n.proc)
}

func kill9(t *testing.T, p *process) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %s: %v", p.name, err)
	}
	<-p.exited
}

// faultRig is cadre serve on a fresh PostgreSQL database and the given
// NATS URLs, with a lock watcher on the database.
type faultRig struct {
	t        *testing.T
	db       storetest.DB
	bin      string
	env      []string
	base     string
	cadre    *process
	starts   int
	platform string
	natsURL  string
	watch    *lockWatch
}

func newFaultRig(t *testing.T, natsURL string, env ...string) *faultRig {
	t.Helper()
	if os.Getenv(storetest.EnvURL) == "" {
		t.Skip(storetest.EnvURL + " is not set")
	}
	db := storetest.Postgres(t)
	addr := freeAddr(t)
	r := &faultRig{t: t, db: db, bin: buildCadre(t), base: "http://" + addr, natsURL: natsURL,
		platform: mint(t, []byte(faultSecret), tenants.ID{}, tenants.RolePlatformAdmin)}
	r.env = append([]string{"CADRE_DATABASE_URL=" + db.AppURL, "CADRE_NATS_URL=" + natsURL, "CADRE_MIGRATE=false",
		"CADRE_HTTP_ADDR=" + addr, "CADRE_JWT_SECRET=" + faultSecret, "CADRE_RATE_LIMIT=0", "CADRE_LOG_LEVEL=info",
		"CADRE_DATA_DIR=" + t.TempDir(), "CADRE_KEK=" + storetest.KEK}, env...)
	r.watch = watchLocks(t, db)
	r.startCadre()
	return r
}

// startCadre starts cadre serve and waits until it answers.
func (r *faultRig) startCadre() {
	r.t.Helper()
	r.starts++
	r.cadre = startProcess(r.t, r.bin, fmt.Sprintf("cadre-%d", r.starts), r.env, "serve")
	testwait.Until(r.t, processWait, "cadre serve answering", func() (bool, error) {
		status, err := call("GET", r.base+"/healthz", "", nil, nil)
		return status == http.StatusOK, err
	})
}

func (r *faultRig) killCadre() { r.t.Helper(); kill9(r.t, r.cadre) }

// tenant creates a tenant and returns its id and an admin token.
func (r *faultRig) tenant(slug string) (tenants.ID, string) {
	r.t.Helper()
	var tn struct {
		ID string `json:"id"`
	}
	if status, err := call("POST", r.base+"/v1/tenants", r.platform, map[string]any{"name": slug, "slug": slug, "industry": "finance"}, &tn); err != nil || status != http.StatusCreated {
		r.t.Fatalf("create tenant: %d %v", status, err)
	}
	id, err := tenants.ParseID(tn.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return id, mint(r.t, []byte(faultSecret), id, tenants.RoleAdmin)
}

// hire creates n employees through the API (each an employee.created and
// a first plan).
func (r *faultRig) hire(admin string, n int) {
	r.t.Helper()
	for i := range n {
		body := map[string]any{"subject": fmt.Sprintf("e%d-%s", i, uuid.NewString()[:8]), "name": fmt.Sprint("Employee ", i),
			"role": "devops-engineer", "tier": "mid", "team": "ops"}
		if status, err := call("POST", r.base+"/v1/employees", admin, body, nil); err != nil || status != http.StatusCreated {
			r.t.Fatalf("create employee: %d %v", status, err)
		}
	}
}

// burst is clients uploading to one tenant until stopped; it records the
// documents whose upload was acknowledged (202) and the slowest of those.
type burst struct {
	stop  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	acked []string
	tries int
	worst time.Duration
}

func (r *faultRig) startBurst(admin string, clients int) *burst {
	b := &burst{stop: make(chan struct{})}
	for c := range clients {
		b.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-b.stop:
					return
				default:
				}
				var doc struct {
					ID string `json:"id"`
				}
				start := time.Now()
				status, err := call("POST", r.base+"/v1/documents", admin, map[string]any{"title": fmt.Sprintf("Doc %d-%d", c, i), "content_type": "text/plain",
					"content": fmt.Sprintf("Client %d, part %d: we deploy services with Kubernetes, review every change and pair on incidents.", c, i)}, &doc)
				took := time.Since(start)
				b.mu.Lock()
				b.tries++
				if err == nil && status == http.StatusAccepted {
					b.acked = append(b.acked, doc.ID)
					b.worst = max(b.worst, took)
				}
				b.mu.Unlock()
				if err != nil || status >= 500 {
					// Down or unavailable: the client retries a little later.
					select {
					case <-b.stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
			}
		})
	}
	return b
}

// waitAcked waits until the burst has n more acknowledged uploads than now.
func (b *burst) waitAcked(t *testing.T, n int) {
	t.Helper()
	b.mu.Lock()
	want := len(b.acked) + n
	b.mu.Unlock()
	testwait.Until(t, processWait, fmt.Sprintf("%d more acknowledged uploads", n), func() (bool, error) {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.acked) >= want, fmt.Errorf("%d acknowledged of %d tries", len(b.acked), b.tries)
	})
}

// end stops the clients and returns the acknowledged documents.
func (b *burst) end(t *testing.T) []string {
	t.Helper()
	close(b.stop)
	b.wg.Wait()
	t.Logf("burst: %d uploads acknowledged of %d tries; slowest acknowledged %v", len(b.acked), b.tries, b.worst)
	return b.acked
}

// lockWatch samples, while the test runs, the backends of the test
// database that wait on a lock and the transactions that hold it.
type lockWatch struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	// waits counts samples of a tenant write waiting on a lock; long the
	// ones whose holder's transaction was older than blockBound.
	waits int
	long  []string
}

// tenantWrite matches the statements of the API's tenant writes (uploads,
// employees, plan edits) as pg_stat_activity shows them.
func tenantWrite(query string) bool {
	q := strings.ToLower(query)
	return strings.Contains(q, "context_revision = context_revision") || strings.Contains(q, `insert into "documents"`) ||
		strings.Contains(q, `insert into "employees"`) || strings.Contains(q, "update plans set items")
}

func watchLocks(t *testing.T, db storetest.DB) *lockWatch {
	t.Helper()
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(db.AppURL[strings.LastIndex(db.AppURL, "/"):], "/")
	name, _, _ = strings.Cut(name, "?")
	w := &lockWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
			rows, err := admin.Query(`SELECT w.query, h.query, COALESCE(EXTRACT(EPOCH FROM now() - h.xact_start), 0)
				FROM pg_stat_activity w
				CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS b(pid)
				JOIN pg_stat_activity h ON h.pid = b.pid
				WHERE w.datname = $1 AND w.wait_event_type = 'Lock'`, name)
			if err != nil {
				continue // the watcher's own connection may fail during an outage
			}
			for rows.Next() {
				var waiter, holder string
				var age float64
				if rows.Scan(&waiter, &holder, &age) != nil || !tenantWrite(waiter) {
					continue
				}
				w.mu.Lock()
				w.waits++
				if time.Duration(age*float64(time.Second)) > blockBound {
					w.long = append(w.long, fmt.Sprintf("%q waited on a transaction open %.1fs, last running %q", waiter, age, holder))
				}
				w.mu.Unlock()
			}
			_ = rows.Close()
		}
	}()
	t.Cleanup(func() { w.end(); _ = admin.Close() })
	return w
}

func (w *lockWatch) end() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

// check fails the test if a tenant write was seen waiting on a transaction
// open longer than blockBound.
func (w *lockWatch) check(t *testing.T) {
	t.Helper()
	w.end()
	w.mu.Lock()
	defer w.mu.Unlock()
	t.Logf("lock watch: %d samples of a tenant write waiting on a lock, %d on a transaction older than %v", w.waits, len(w.long), blockBound)
	for _, l := range w.long {
		t.Errorf("tenant write blocked: %s", l)
	}
}

// checkAfterFault waits until the system is quiet and checks what every
// fault must leave: every acknowledged upload present; the outbox and the
// stream alike (each event once, unique Nats-Msg-Id); every consumer's
// processed marks equal to the events of its types (none lost, none
// applied twice) and nothing parked; library versions gapless, one per
// context revision, the builder's mark covering the final revision; no plan fan-out
// left; every employee's plan versions 1..n with one plan.updated each; no
// tenant write blocked by a long transaction.
func (r *faultRig) checkAfterFault(ids []tenants.ID, acked map[tenants.ID][]string) {
	t := r.t
	t.Helper()
	connect := func() (*nats.Conn, error) { return nats.Connect(r.natsURL) }
	for _, id := range ids {
		// The library builder has examined the last upload (a build whose
		// inputs did not change makes no new version, so the mark, not
		// the latest version, says so).
		testwait.Until(t, processWait, "library build covering the last upload", func() (bool, error) {
			var built, tenant int64
			err := r.db.Store.InTenant(context.Background(), id, func(tx *store.Tx) error {
				tn, err := tx.LoadTenant()
				if err != nil {
					return err
				}
				tenant = tn.ContextRevision
				m, err := tx.LibraryBuildMark()
				built = m.ContextRevision
				return err
			})
			return err == nil && built == tenant, fmt.Errorf("library built for revision %d of %d (%v)", built, tenant, err)
		})
		testwait.Until(t, processWait, "plan fan-outs finished", func() (bool, error) {
			rows := r.db.ScopedRows(t, id, fmt.Sprintf("SELECT count(*) FROM plan_fanouts WHERE tenant_id = '%s'", id))
			return rows[0][0] == "0", fmt.Errorf("%s fan-outs in progress", rows[0][0])
		})
	}
	waitQuiet(t, r.db, ids, connect)
	for _, id := range ids {
		docs := map[string]bool{}
		for _, row := range r.db.ScopedRows(t, id, fmt.Sprintf("SELECT id FROM documents WHERE tenant_id = '%s'", id)) {
			docs[row[0]] = true
		}
		for _, d := range acked[id] {
			if !docs[d] {
				t.Errorf("tenant %s: acknowledged document %s is missing", id, d)
			}
		}
		checkVersions(t, r.db, id)
		checkProcessedOnce(t, r.db, id)
		checkPlans(t, r.db, id)
	}
	checkStream(t, r.db, ids, connect)
	r.watch.check(t)
}

// checkPlans checks that every employee has a plan, its versions 1..n with
// the head at n, each version with exactly one plan.updated in the outbox.
func checkPlans(t *testing.T, db storetest.DB, id tenants.ID) {
	t.Helper()
	updates := map[string]int{}
	for _, row := range db.ScopedRows(t, id, fmt.Sprintf("SELECT convert_from(payload, 'UTF8') FROM outbox WHERE tenant_id = '%s' AND type = '%s'", id, events.TypePlanUpdated)) {
		ev, err := events.Parse([]byte(row[0]))
		if err != nil {
			t.Fatalf("plan.updated payload: %v", err)
		}
		var p events.PlanUpdated
		if err := ev.DecodeData(&p); err != nil {
			t.Fatal(err)
		}
		updates[fmt.Sprintf("%s/%d", p.EmployeeID, p.Version)]++
	}
	employees := db.ScopedRows(t, id, fmt.Sprintf(`SELECT e.id, coalesce(max(p.version), 0), count(p.version), coalesce(max(h.version), 0)
		FROM employees e LEFT JOIN plans p ON p.tenant_id = e.tenant_id AND p.employee_id = e.id
		LEFT JOIN plan_heads h ON h.tenant_id = e.tenant_id AND h.employee_id = e.id
		WHERE e.tenant_id = '%s' GROUP BY e.id`, id))
	for _, e := range employees {
		n, _ := strconv.Atoi(e[2])
		if e[1] != e[2] || e[3] != e[1] || n == 0 {
			t.Errorf("tenant %s, employee %s: plan versions up to %s, %s rows, head at %s; want 1..n with the head at n", id, e[0], e[1], e[2], e[3])
			continue
		}
		for v := 1; v <= n; v++ {
			if got := updates[fmt.Sprintf("%s/%d", e[0], v)]; got != 1 {
				t.Errorf("tenant %s, employee %s: %d plan.updated for version %d, want 1", id, e[0], got, v)
			}
		}
	}
	t.Logf("tenant %s: plans of %d employees checked, %d plan.updated events", id, len(employees), len(updates))
}

// checkStream reads every message of the stream: each Nats-Msg-Id once,
// and every outbox event of the tenants in the stream.
func checkStream(t *testing.T, db storetest.DB, ids []tenants.ID, connect func() (*nats.Conn, error)) {
	t.Helper()
	js := jetStreamOf(t, connect)
	ctx := context.Background()
	s, err := js.Stream(ctx, events.DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for seq := s.CachedInfo().State.FirstSeq; seq <= s.CachedInfo().State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("stream message %d: %v", seq, err)
		}
		seen[m.Header.Get(nats.MsgIdHdr)]++
	}
	for msgID, n := range seen {
		if n != 1 {
			t.Errorf("Nats-Msg-Id %q %d times in the stream, want once", msgID, n)
		}
	}
	outbox := 0
	for _, id := range ids {
		for _, row := range db.ScopedRows(t, id, fmt.Sprintf("SELECT id FROM outbox WHERE tenant_id = '%s'", id)) {
			outbox++
			if seen[row[0]] != 1 {
				t.Errorf("tenant %s: outbox event %s is not in the stream", id, row[0])
			}
		}
	}
	t.Logf("stream: %d messages, %d outbox events of the tenants", len(seen), outbox)
}

// metricSum sums a counter of cadre's /metrics whose labels contain the
// given fragment.
func (r *faultRig) metricSum(name, fragment string) float64 {
	r.t.Helper()
	res, err := http.Get(r.base + "/metrics")
	if err != nil {
		r.t.Fatal(err)
	}
	defer res.Body.Close()
	var body strings.Builder
	if _, err := io.Copy(&body, res.Body); err != nil {
		r.t.Fatal(err)
	}
	sum := 0.0
	for line := range strings.Lines(body.String()) {
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, fragment) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err == nil {
			sum += v
		}
	}
	return sum
}

// underBurst runs fault while eight clients upload to a tenant of five
// employees, after 40 of their uploads were acknowledged, waits for 40 more
// after it, and checks what the fault left (checkAfterFault).
func underBurst(t *testing.T, natsURL string, env []string, fault func(r *faultRig, b *burst)) {
	t.Helper()
	r := newFaultRig(t, natsURL, env...)
	id, admin := r.tenant("acme")
	r.hire(admin, 5)
	b := r.startBurst(admin, 8)
	b.waitAcked(t, 40)
	fault(r, b)
	b.waitAcked(t, 40)
	acked := b.end(t)
	r.checkAfterFault([]tenants.ID{id}, map[tenants.ID][]string{id: acked})
}

// TestFaultKillCadreMidBurst: cadre serve is killed with SIGKILL while
// eight clients upload, and started again; the clients go on.
func TestFaultKillCadreMidBurst(t *testing.T) {
	nodes := newNATSNodes(t, buildNATSServer(t), 1)
	underBurst(t, nodes[0].url(), nil, func(r *faultRig, _ *burst) {
		r.killCadre()
		r.startCadre()
	})
}

// TestFaultNATSKilledAndRestarted: nats-server is killed with SIGKILL
// mid-burst and started again on its store after uploads went on without
// it (they are acknowledged: the outbox holds their events).
func TestFaultNATSKilledAndRestarted(t *testing.T) {
	nodes := newNATSNodes(t, buildNATSServer(t), 1)
	underBurst(t, nodes[0].url(), nil, func(_ *faultRig, b *burst) {
		nodes[0].kill()
		b.waitAcked(t, 40) // uploads while NATS is down
		nodes[0].start()
	})
}

// TestFaultDatabaseDownPastRedelivery: the database refuses connections
// for longer than the consumers' redelivery delays add up to, with events
// in flight; the workers retry it without spending the poison budget, so
// nothing is dropped or parked, and everything is applied once it is back.
func TestFaultDatabaseDownPastRedelivery(t *testing.T) {
	nodes := newNATSNodes(t, buildNATSServer(t), 1)
	underBurst(t, nodes[0].url(), nil, func(r *faultRig, _ *burst) {
		restore := storetest.Cut(t, r.db)
		outage := redeliveryBound() + 5*time.Second
		t.Logf("database down for %v (redelivery bound %v)", outage, redeliveryBound())
		// The fault lasts this long by design: waiting out the outage is
		// the test, not a guess at how long something takes.
		over := time.Now().Add(outage)
		unavailable := 0.0
		testwait.Until(t, outage+processWait, "the outage lasting past the redelivery bound", func() (bool, error) {
			unavailable = r.metricSum("cadre_worker_events_total", `outcome="unavailable"`)
			return time.Now().After(over), nil
		})
		restore()
		if unavailable == 0 {
			t.Error("no worker delivery failed as unavailable during the outage: no event was in flight")
		}
	})
}

// TestFaultStreamLeaderKilled: in a 3-node cluster with the stream on 3
// replicas, the stream leader is killed with SIGKILL mid-burst; a new
// leader takes over, and the node stays down.
func TestFaultStreamLeaderKilled(t *testing.T) {
	nodes := newNATSNodes(t, buildNATSServer(t), 3)
	urls := make([]string, len(nodes))
	for i, n := range nodes {
		urls[i] = n.url()
	}
	underBurst(t, strings.Join(urls, ","), []string{"CADRE_STREAM_REPLICAS=3"}, func(r *faultRig, _ *burst) {
		leader := streamLeader(t, r.natsURL)
		var alive []string
		for _, n := range nodes {
			if n.name == leader {
				n.kill()
			} else {
				alive = append(alive, n.url())
			}
		}
		if len(alive) != 2 {
			t.Fatalf("stream leader %q is none of the nodes", leader)
		}
		r.natsURL = strings.Join(alive, ",")
		testwait.Until(t, processWait, "a new stream leader", func() (bool, error) {
			l := streamLeader(t, r.natsURL)
			return l != "" && l != leader, fmt.Errorf("leader %q", l)
		})
	})
}

// streamLeader names the server leading the stream ("" while none does).
func streamLeader(t *testing.T, url string) string {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		return ""
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, events.DefaultStreamName)
	if err != nil || s.CachedInfo().Cluster == nil {
		return ""
	}
	return s.CachedInfo().Cluster.Leader
}

// TestFaultKillCadreMidFanout: cadre serve is killed with SIGKILL while it
// rebuilds the plans of a tenant of 2,500 employees (three chunks), after
// the first chunk committed; started again, it resumes the fan-out where it
// stopped: every plan built once, with one event.
func TestFaultKillCadreMidFanout(t *testing.T) {
	nodes := newNATSNodes(t, buildNATSServer(t), 1)
	r := newFaultRig(t, nodes[0].url())
	id, admin := r.tenant("acme")
	// Employees written directly (no events): the library change is what
	// builds their plans.
	now := time.Now().UTC()
	err := r.db.Store.InTenant(context.Background(), id, func(tx *store.Tx) error {
		for i := range 2500 {
			e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: fmt.Sprint("f", i), Name: "F", RoleSlug: "devops-engineer",
				Tier: competency.TierMid, CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertEmployee(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b := r.startBurst(admin, 1)
	b.waitAcked(t, 1)
	acked := b.end(t)
	testwait.Until(t, processWait, "a fan-out past its first chunk", func() (bool, error) {
		rows := r.db.ScopedRows(t, id, fmt.Sprintf("SELECT count(*) FROM plan_fanouts WHERE tenant_id = '%s' AND after_employee IS NOT NULL", id))
		return rows[0][0] == "1", nil
	})
	r.killCadre()
	done := r.db.ScopedRows(t, id, fmt.Sprintf("SELECT count(*) FROM plan_heads WHERE tenant_id = '%s'", id))[0][0]
	t.Logf("killed with %s of 2500 plans built", done)
	if done == "2500" {
		t.Fatal("the fan-out was over when cadre was killed")
	}
	r.startCadre()
	r.checkAfterFault([]tenants.ID{id}, map[tenants.ID][]string{id: acked})
}
