package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// backboneWait bounds the waits of the backbone tests.
const backboneWait = 60 * time.Second

// outboxRows returns the ids of the tenant's outbox rows and how many of them
// are not published yet.
func outboxRows(t testing.TB, db storetest.DB, tenant tenants.ID) (ids []string, pending int) {
	t.Helper()
	for _, r := range db.ScopedRows(t, tenant, fmt.Sprintf("SELECT id, published_at FROM outbox WHERE tenant_id = '%s'", tenant)) {
		ids = append(ids, r[0])
		if r[1] == "" {
			pending++
		}
	}
	return ids, pending
}

// tenantStreamCopies counts the tenant's messages in the stream per Nats-Msg-Id,
// checking that each carries the event of that id.
func tenantStreamCopies(t testing.TB, bus *events.Bus, tenant tenants.ID) map[string]int {
	t.Helper()
	ctx := context.Background()
	s, err := bus.JetStream().Stream(ctx, bus.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	state := s.CachedInfo().State
	prefix := strings.TrimSuffix(events.TenantFilter(tenant), ">")
	copies := map[string]int{}
	for seq := state.FirstSeq; state.Msgs > 0 && seq <= state.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("get message %d: %v", seq, err)
		}
		if !strings.HasPrefix(m.Subject, prefix) {
			continue
		}
		id := m.Header.Get(jetstream.MsgIDHeader)
		if ev, err := events.Parse(m.Data); err != nil || ev.ID != id {
			t.Errorf("message %d: Nats-Msg-Id %s carries event %q (%v)", seq, id, ev.ID, err)
		}
		copies[id]++
	}
	return copies
}

// contextRevision returns the tenant's context revision.
func contextRevision(t testing.TB, db storetest.DB, tenant tenants.ID) int64 {
	t.Helper()
	var rev int64
	err := db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		tn, err := tx.LoadTenant()
		rev = tn.ContextRevision
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// libraryView is what these tests read of GET /v1/library.
type libraryView struct {
	Version         int   `json:"version"`
	ContextRevision int64 `json:"context_revision"`
	Inputs          *struct {
		Documents []struct {
			ID string `json:"id"`
		} `json:"documents"`
	} `json:"inputs"`
}

// waitLibrary waits until GET /v1/library serves a version built for
// context revision rev or later, and returns it.
func (e *env) waitLibrary(token string, rev int64) libraryView {
	e.t.Helper()
	var lib libraryView
	err := testwait.For(backboneWait, func() (bool, error) {
		r := e.do("GET", "/v1/library", token, nil)
		if r.Status != http.StatusOK {
			return false, fmt.Errorf("%d %s", r.Status, r.Body)
		}
		lib = libraryView{} // this answer only
		if err := json.Unmarshal(r.Body, &lib); err != nil {
			e.t.Fatalf("library: %v", err)
		}
		return lib.ContextRevision >= rev, fmt.Errorf("context revision %d", lib.ContextRevision)
	})
	if err != nil {
		e.dumpBackbone()
		e.t.Fatalf("no library for context revision %d: %v", rev, err)
	}
	return lib
}

// TestUploadsWhileNATSIsDown: with NATS stopped, uploads still answer 202
// (and /readyz 200, reporting the bus down); their events wait in the outbox; after NATS is back,
// every event of the outbox is in the stream exactly once and the library
// covers every upload.
func TestUploadsWhileNATSIsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		expect(t, e.upload(admin, "Before", "Written before the outage: we review every change."), 202, "upload before")

		e.emb.Shutdown()
		// The API stays ready (its events wait in the outbox) and says that
		// the bus is down.
		r := e.do("GET", "/readyz", "", nil)
		expect(t, r, 200, "readyz while NATS is down")
		var ready struct {
			Status string            `json:"status"`
			Checks map[string]string `json:"checks"`
		}
		if err := json.Unmarshal(r.Body, &ready); err != nil {
			t.Fatalf("readyz body %s: %v", r.Body, err)
		}
		if ready.Status != "degraded" || ready.Checks["events"] != "unavailable" || ready.Checks["database"] != "ok" {
			t.Errorf("readyz while NATS is down: got %+v, want status degraded, events unavailable, database ok", ready)
		}
		const down = 10
		for i := range down {
			expect(t, e.upload(admin, fmt.Sprintf("Outage %d", i), fmt.Sprintf("Written during the outage, part %d: we deploy with care.", i)), 202, "upload while NATS is down")
		}
		if _, pending := outboxRows(t, db, tenant); pending < down {
			t.Fatalf("outbox pending while NATS is down = %d, want at least %d", pending, down)
		}
		if err := e.emb.Restart(); err != nil {
			t.Fatalf("restart NATS: %v", err)
		}

		rev := contextRevision(t, db, tenant)
		if rev != down+1 {
			t.Errorf("context revision = %d, want %d (one per upload)", rev, down+1)
		}
		lib := e.waitLibrary(admin, rev)
		if lib.Inputs != nil && len(lib.Inputs.Documents) != down+1 {
			t.Errorf("library built from %d documents, want %d", len(lib.Inputs.Documents), down+1)
		}
		var ids []string
		testwait.Until(t, backboneWait, "outbox drained", func() (bool, error) {
			var pending int
			ids, pending = outboxRows(t, db, tenant)
			return pending == 0, fmt.Errorf("%d pending", pending)
		})
		copies := tenantStreamCopies(t, e.bus, tenant)
		for _, id := range ids {
			if copies[id] != 1 {
				t.Errorf("event %s: %d copies in the stream, want 1", id, copies[id])
			}
		}
		if len(copies) != len(ids) {
			t.Errorf("stream holds %d events of the tenant, outbox %d", len(copies), len(ids))
		}
		t.Logf("%d outbox events, each once in the stream; library version %d covers revision %d", len(ids), lib.Version, lib.ContextRevision)
		expect(t, e.do("GET", "/readyz", "", nil), 200, "readyz after NATS is back")
	})
}

// TestBurstCoalesces: 200 uploads to one tenant from 16 concurrent clients;
// the final library version covers all of them, and far fewer versions are
// built than uploads.
func TestBurstCoalesces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		const uploads, clients = 200, 16
		next := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for range clients {
			wg.Go(func() {
				for i := range next {
					status, body, err := postJSON(e.srv.URL+"/v1/documents", admin, map[string]any{"title": fmt.Sprintf("Doc %03d", i), "content_type": "text/plain",
						"content": fmt.Sprintf("Part %d of the handbook. Team %d deploys services with Kubernetes and reviews every change.", i, i)})
					if err != nil || status != http.StatusAccepted {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("upload %d: %d %s %v", i, status, body, err))
						mu.Unlock()
					}
				}
			})
		}
		for i := range uploads {
			next <- i
		}
		close(next)
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("%d uploads failed, first: %s", len(failures), failures[0])
		}
		rev := contextRevision(t, db, tenant)
		if rev != uploads {
			t.Fatalf("context revision after the burst = %d, want %d", rev, uploads)
		}
		lib := e.waitLibrary(admin, rev)
		if lib.Inputs != nil && len(lib.Inputs.Documents) != uploads {
			t.Errorf("final library built from %d documents, want %d", len(lib.Inputs.Documents), uploads)
		}
		rows := db.ScopedRows(t, tenant, fmt.Sprintf("SELECT count(*), count(DISTINCT context_revision), max(version) FROM library_versions WHERE tenant_id = '%s'", tenant))
		versions, revisions, latest := rows[0][0], rows[0][1], rows[0][2]
		var n int
		fmt.Sscan(versions, &n)
		t.Logf("%d uploads from %d clients: %d library versions built (target ≤ 10), the last (version %s) for context revision %d", uploads, clients, n, latest, lib.ContextRevision)
		if n >= uploads/4 {
			t.Errorf("%d library versions for %d uploads, want fewer than %d (coalesced)", n, uploads, uploads/4)
		}
		if revisions != versions || latest != versions {
			t.Errorf("versions %s, distinct context revisions %s, latest version %s: want all equal (numbered 1..n, one per revision)", versions, revisions, latest)
		}
	})
}

// postJSON sends a JSON POST from any goroutine.
func postJSON(url, token string, body any) (int, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest("POST", url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	rb, err := io.ReadAll(res.Body)
	return res.StatusCode, rb, err
}

// replayTestWorker fails permanently while broken is set, so that its
// events are parked at once; its effect is an audit entry.
func replayTestWorker(broken *atomic.Bool) workers.Worker {
	return workers.Worker{
		Name:  "replay-test",
		Types: []events.Type{events.TypeDocumentUploaded},
		Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
			if err := tx.Audit("replay-test", "test.applied", ev.Resource, nil); err != nil {
				return err
			}
			if broken.Load() {
				return fmt.Errorf("cannot apply %s: %w", ev.Resource, workers.ErrPermanent)
			}
			return nil
		},
	}
}

// applied counts the replay test worker's effects in the tenant by resource.
func (e *env) applied(tenant tenants.ID) map[string]int {
	e.t.Helper()
	got := map[string]int{}
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		log, err := tx.AuditLog(100000)
		for _, a := range log {
			if a.Action == "test.applied" {
				got[a.Resource]++
			}
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

// deadLetterItem is what these tests read of a dead letter.
type deadLetterItem struct {
	ID         string     `json:"id"`
	Consumer   string     `json:"consumer"`
	EventID    string     `json:"event_id"`
	EventType  string     `json:"event_type"`
	Deliveries int        `json:"deliveries"`
	ReplayedAt *time.Time `json:"replayed_at"`
}

func (e *env) deadLetters(token string) []deadLetterItem {
	e.t.Helper()
	r := e.do("GET", "/v1/admin/dead-letters", token, nil)
	expect(e.t, r, 200, "list dead letters")
	var page struct {
		Items []deadLetterItem `json:"items"`
	}
	if err := json.Unmarshal(r.Body, &page); err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

// TestDeadLetterReplay: a poison event is parked and listed to its tenant's
// admin only; replaying it while the cause persists is 409 and changes
// nothing; another tenant's admin gets 404; after the cause is fixed, the
// replay applies the event once, and a second replay applies nothing more.
func TestDeadLetterReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		var broken atomic.Bool
		broken.Store(true)
		e := newEnv(t, db, replayTestWorker(&broken))
		tenant, admin := e.createTenant("acme")
		other, adminB := e.createTenant("globex")
		r := e.upload(admin, "Poison", "This upload's event cannot be applied by the test worker.")
		expect(t, r, 202, "upload")
		docID := r.json(t)["id"].(string)

		var parked []deadLetterItem
		testwait.Until(t, backboneWait, "event parked", func() (bool, error) {
			parked = e.deadLetters(admin)
			return len(parked) == 1, fmt.Errorf("%d dead letters", len(parked))
		})
		d := parked[0]
		if d.Consumer != "replay-test" || d.EventType != string(events.TypeDocumentUploaded) || d.Deliveries != 1 || d.ReplayedAt != nil {
			t.Errorf("dead letter = %+v, want replay-test's document.uploaded after 1 delivery, not replayed", d)
		}
		if got := e.deadLetters(adminB); len(got) != 0 {
			t.Errorf("B lists A's dead letters: %+v", got)
		}
		path := "/v1/admin/dead-letters/" + d.ID + "/replay"
		_, _, auditBefore := e.counts(tenant)

		expect(t, e.do("POST", path, adminB, nil), 404, "B replays A's dead letter")
		expect(t, e.do("POST", path, e.token(tenant, "emp", tenants.RoleEmployee), nil), 403, "employee replays")
		expect(t, e.do("POST", "/v1/admin/dead-letters/not-a-uuid/replay", admin, nil), 404, "malformed id")
		expect(t, e.do("POST", "/v1/admin/dead-letters/"+tenants.NewID().String()+"/replay", admin, nil), 404, "unknown id")
		r = e.do("POST", path, admin, nil)
		expect(t, r, 409, "replay while the cause persists")
		if p := r.json(t); p["type"] != api409ReplayFailed {
			t.Errorf("problem type = %v, want %s", p["type"], api409ReplayFailed)
		}
		if got := e.deadLetters(admin); len(got) != 1 || got[0].ReplayedAt != nil {
			t.Errorf("dead letters after failed replays = %+v, want it unchanged", got)
		}
		if _, _, audit := e.counts(tenant); audit != auditBefore {
			t.Errorf("audit entries %d → %d after failed replays, want unchanged", auditBefore, audit)
		}
		if got := e.applied(tenant); len(got) != 0 {
			t.Errorf("effects before the fix = %v, want none", got)
		}

		broken.Store(false)
		r = e.do("POST", path, admin, nil)
		expect(t, r, 202, "replay after the fix")
		if r.json(t)["replayed_at"] == nil {
			t.Errorf("replay answer %s has no replayed_at", r.Body)
		}
		expect(t, e.do("POST", path, admin, nil), 202, "second replay")
		if got := e.applied(tenant); len(got) != 1 || got[docID] != 1 {
			t.Errorf("effects after two replays = %v, want {%s: 1}", got, docID)
		}
		if got := e.applied(other); len(got) != 0 {
			t.Errorf("effects in B = %v, want none", got)
		}
		if got := e.deadLetters(admin); len(got) != 1 || got[0].ReplayedAt == nil {
			t.Errorf("dead letters after the replay = %+v, want it marked replayed", got)
		}
		if rows := db.ScopedRows(t, tenant, fmt.Sprintf("SELECT count(*) FROM processed_events WHERE tenant_id = '%s' AND consumer = 'replay-test' AND event_id = '%s'", tenant, d.EventID)); rows[0][0] != "1" {
			t.Errorf("processed marks of the replayed event = %s, want 1", rows[0][0])
		}

		// Later events flow through the worker as usual.
		r = e.upload(admin, "Healthy", "This upload's event is applied by the fixed worker.")
		expect(t, r, 202, "upload after the fix")
		later := r.json(t)["id"].(string)
		testwait.Until(t, backboneWait, "later event applied", func() (bool, error) {
			got := e.applied(tenant)
			return got[later] == 1, fmt.Errorf("effects %v", got)
		})
	})
}

// api409ReplayFailed is the problem type of a replay whose consumer fails
// again.
const api409ReplayFailed = "https://cadre.dev/problems/replay-failed"

// TestMetricsShowConsumerLag: after events have flowed, /metrics shows the
// pending and ack-pending gauges of every durable consumer, at 0 once the
// workers have caught up.
func TestMetricsShowConsumerLag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		expect(t, e.upload(admin, "Handbook", "We deploy with Kubernetes and review every change."), 202, "upload")
		e.waitLibrary(admin, contextRevision(t, db, tenant))
		var body string
		testwait.Until(t, backboneWait, "lag gauges at 0", func() (bool, error) {
			r := e.do("GET", "/metrics", "", nil)
			body = string(r.Body)
			for _, name := range workers.ConsumerNames(workers.All(), events.DefaultPartitions) {
				for _, series := range []string{"cadre_consumer_pending", "cadre_consumer_ack_pending"} {
					if want := fmt.Sprintf("%s{consumer=%q} 0\n", series, name); !strings.Contains(body, want) {
						return false, fmt.Errorf("no %q", strings.TrimSpace(want))
					}
				}
			}
			return true, nil
		})
		if !strings.Contains(body, "# TYPE cadre_consumer_pending gauge") {
			t.Errorf("/metrics: cadre_consumer_pending is not a gauge")
		}
	})
}

// dumpBackbone logs the state of the stream, its consumers and the outbox,
// to explain a wait that timed out.
func (e *env) dumpBackbone() {
	e.t.Helper()
	ctx := context.Background()
	si, err := e.bus.StreamInfo(ctx)
	if err != nil {
		e.t.Logf("stream: %v", err)
		return
	}
	e.t.Logf("stream: %d messages, last sequence %d", si.State.Msgs, si.State.LastSeq)
	if s, err := e.bus.JetStream().Stream(ctx, e.bus.StreamName()); err == nil {
		for ci := range s.ListConsumers(ctx).Info() {
			e.t.Logf("consumer %s: %d pending, %d ack pending, delivered up to %d, ack floor %d", ci.Name, ci.NumPending, ci.NumAckPending, ci.Delivered.Stream, ci.AckFloor.Stream)
		}
	}
	n, age, err := e.db.Store.Outbox().Pending(ctx)
	e.t.Logf("outbox: %d pending, oldest %s (%v); nats connected %v", n, age, err, e.nc.IsConnected())
}
