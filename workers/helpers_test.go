package workers_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 20 * time.Second

var quiet = slog.New(slog.DiscardHandler)

// appliedAction is the audit action test handlers write as their effect.
const appliedAction = "test.applied"

// rig is a migrated database with two tenants, an embedded NATS server and
// a bus; run starts a runner on them.
type rig struct {
	db     storetest.DB
	emb    *events.Embedded
	bus    *events.Bus
	reg    *prometheus.Registry
	a, b   tenants.ID // two tenants: effects of A's events must stay in A
	runner *workers.Runner
}

func newRig(t *testing.T, db storetest.DB) *rig {
	t.Helper()
	emb, bus := startNATS(t, 0)
	r := &rig{db: db, emb: emb, bus: bus, reg: prometheus.NewRegistry(), a: createTenant(t, db, "acme"), b: createTenant(t, db, "globex")}
	r.runner = workers.NewRunner(bus, db.Store, quiet, r.reg)
	return r
}

// startNATS starts an embedded server and a bus on it whose stream has the
// given partitions (0: the default).
func startNATS(tb testing.TB, partitions int) (*events.Embedded, *events.Bus) {
	tb.Helper()
	emb, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("StartEmbedded: %v", err)
	}
	tb.Cleanup(emb.Shutdown)
	nc, err := emb.Connect()
	if err != nil {
		tb.Fatalf("Connect: %v", err)
	}
	tb.Cleanup(nc.Close)
	bus, err := events.NewBus(context.Background(), nc, events.StreamConfig{Partitions: partitions, Logger: quiet})
	if err != nil {
		tb.Fatalf("NewBus: %v", err)
	}
	return emb, bus
}

func createTenant(t *testing.T, db storetest.DB, slug string) tenants.ID {
	t.Helper()
	id := tenants.NewID()
	err := db.Store.CreateTenant(t.Context(), store.Tenant{ID: id, Name: "Company " + slug, Slug: slug, Industry: "finance", CreatedAt: time.Now()}, nil)
	if err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	return id
}

// run runs the workers until stop is called or the test ends.
func (r *rig) run(t *testing.T, ws ...workers.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.runner.Run(ctx, ws...) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run returned %v, want nil", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// event returns a document.uploaded event of the tenant about resource.
func event(t *testing.T, tenant tenants.ID, resource string) events.Event {
	t.Helper()
	ev, err := events.New(tenant, events.TypeDocumentUploaded, resource, events.DocumentUploaded{
		DocumentID: tenants.NewID().String(), Title: resource, ContentType: "text/plain", SizeBytes: 1,
		SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ContextRevision: 1,
	}, time.Now())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return ev
}

// publish publishes a new event of the tenant about resource and returns it.
func (r *rig) publish(t *testing.T, tenant tenants.ID, resource string) events.Event {
	t.Helper()
	ev := event(t, tenant, resource)
	if _, err := r.bus.PublishEvent(t.Context(), ev); err != nil {
		t.Fatalf("PublishEvent: %v", err)
	}
	return ev
}

// waitSettled waits until every partition's durable consumer of the worker
// has settled (acked or terminated) every message of its partition the
// stream held when it was called. (The consumer's num_pending alone can lag
// a publish that just returned.)
func (r *rig) waitSettled(t *testing.T, worker string) {
	t.Helper()
	r.waitDurablesSettled(t, events.PartitionDurables(worker, r.bus.Partitions())...)
}

// waitDurablesSettled waits until each named durable consumer has
// acknowledged the last message of its subjects.
func (r *rig) waitDurablesSettled(t *testing.T, durables ...string) {
	t.Helper()
	ctx := context.Background()
	stream, err := r.bus.JetStream().Stream(ctx, r.bus.StreamName())
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	for _, durable := range durables {
		var last uint64 // the partition's last message of the worker's types
		testwait.Until(t, waitTimeout, "consumer "+durable+" settled", func() (bool, error) {
			c, err := r.bus.JetStream().Consumer(ctx, r.bus.StreamName(), durable)
			if err != nil {
				return false, err
			}
			info := c.CachedInfo()
			if last == 0 {
				for _, f := range info.Config.FilterSubjects {
					m, err := stream.GetLastMsgForSubject(ctx, f)
					if errors.Is(err, jetstream.ErrMsgNotFound) {
						continue
					}
					if err != nil {
						return false, err
					}
					last = max(last, m.Sequence)
				}
			}
			return info.AckFloor.Stream >= last && info.NumPending == 0 && info.NumAckPending == 0,
				fmt.Errorf("ack floor %d of %d, pending %d, ack pending %d", info.AckFloor.Stream, last, info.NumPending, info.NumAckPending)
		})
	}
}

// effects counts the test handlers' effects in the tenant by resource.
func (r *rig) effects(t *testing.T, tenant tenants.ID) map[string]int {
	t.Helper()
	got := map[string]int{}
	err := r.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		log, err := tx.AuditLog(100000)
		for _, e := range log {
			if e.Action == appliedAction {
				got[e.Resource]++
			}
		}
		return err
	})
	if err != nil {
		t.Fatalf("audit log: %v", err)
	}
	return got
}

// deadLetters lists the tenant's dead letters.
func (r *rig) deadLetters(t *testing.T, tenant tenants.ID) []store.DeadLetter {
	t.Helper()
	var list []store.DeadLetter
	err := r.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
		list, err = tx.DeadLetters([16]byte{}, 1000)
		return err
	})
	if err != nil {
		t.Fatalf("dead letters: %v", err)
	}
	return list
}

// metric returns the value of the counter or gauge name with the labels in
// the rig's registry (0 when absent).
func metric(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// calls counts handler calls per resource; it is safe for concurrent use.
type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func newCalls() *calls { return &calls{n: map[string]int{}} }

// add counts a call and returns how many there were so far, this one
// included.
func (c *calls) add(resource string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[resource]++
	return c.n[resource]
}

func (c *calls) get(resource string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[resource]
}

// applyEffect writes the test handlers' effect: an audit entry about the
// event's resource.
func applyEffect(tx *store.Tx, ev events.Event) error {
	return tx.Audit("worker-test", appliedAction, ev.Resource, map[string]any{"event_id": ev.ID})
}
