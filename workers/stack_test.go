package workers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// stack is the whole write path below HTTP: the use cases over a migrated
// database, an outbox relay to an embedded NATS server whose stream has
// the given partitions, and worker processes started with process.
type stack struct {
	db         storetest.DB
	emb        *events.Embedded
	bus        *events.Bus
	app        *app.App
	relay      *events.Relay
	partitions int
}

func newStack(tb testing.TB, db storetest.DB, partitions int) *stack {
	tb.Helper()
	emb, bus := startNATS(tb, partitions)
	relay, err := events.NewRelay(events.RelayConfig{Outbox: db.Store.Outbox(), Publisher: bus, Logger: quiet, Poll: 200 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	db.Store.OnCommit(relay.Wake)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = relay.Run(ctx) })
	tb.Cleanup(func() { cancel(); wg.Wait() })
	return &stack{db: db, emb: emb, bus: bus, app: app.New(app.Config{Store: db.Store}), relay: relay, partitions: partitions}
}

// tenant creates a tenant with the use case (tenant.created included).
func (s *stack) tenant(tb testing.TB, slug string) tenants.ID {
	tb.Helper()
	op := tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}}
	t, err := s.app.CreateTenant(context.Background(), op, app.NewTenant{Name: "Company " + slug, Slug: slug, Industry: "finance"})
	if err != nil {
		tb.Fatalf("CreateTenant: %v", err)
	}
	return t.ID
}

// upload uploads the tenant's i-th document and returns the tenant's
// context revision read after its commit: the upload's own revision or a
// later one.
func (s *stack) upload(ctx context.Context, tenant tenants.ID, i int) (int64, error) {
	admin := tenants.Principal{Subject: "admin", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAdmin}}
	_, _, err := s.app.UploadDocument(ctx, admin, app.Upload{Title: fmt.Sprintf("Handbook part %d", i), ContentType: "text/plain",
		Data: fmt.Appendf(nil, "Part %d of the handbook. Team %d deploys services with Kubernetes, reviews every change and mentors new colleagues.", i, i)})
	if err != nil {
		return 0, fmt.Errorf("upload %d: %w", i, err)
	}
	var rev int64
	err = s.db.Store.InTenant(ctx, tenant, func(tx *store.Tx) error {
		t, err := tx.LoadTenant()
		rev = t.ContextRevision
		return err
	})
	return rev, err
}

// process starts the workers ws in a worker process of its own: a runner
// on a NATS connection and bus of its own. kill ends it as a crash would:
// the connection closes first, so the event it holds is neither acked nor
// handed back. The returned registry holds its metrics.
func (s *stack) process(tb testing.TB, ws ...workers.Worker) (kill func(), reg *prometheus.Registry) {
	tb.Helper()
	return s.processOn(tb, s.db.Store, ws...)
}

// processOn is process with the worker process's own store (its own
// connection pool, as `cadre worker` has).
func (s *stack) processOn(tb testing.TB, st *store.Store, ws ...workers.Worker) (kill func(), reg *prometheus.Registry) {
	tb.Helper()
	nc, err := s.emb.Connect()
	if err != nil {
		tb.Fatal(err)
	}
	bus, err := events.OpenBus(nc, events.StreamConfig{Partitions: s.partitions, Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	reg = prometheus.NewRegistry()
	runner := workers.NewRunner(bus, st, quiet, reg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = runner.Run(ctx, ws...) }()
	var once sync.Once
	kill = func() {
		once.Do(func() {
			nc.Close()
			cancel()
			<-done
		})
	}
	tb.Cleanup(kill)
	return kill, reg
}

// versions returns the tenant's library versions as (version, context
// revision) pairs, in version order.
func (s *stack) versions(tb testing.TB, tenant tenants.ID) [][2]int64 {
	tb.Helper()
	var out [][2]int64
	err := s.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		list, err := tx.LibraryVersions(0, 100000)
		for i := len(list) - 1; i >= 0; i-- { // newest first
			out = append(out, [2]int64{int64(list[i].Version), list[i].ContextRevision})
		}
		return err
	})
	if err != nil {
		tb.Fatalf("library versions: %v", err)
	}
	return out
}
