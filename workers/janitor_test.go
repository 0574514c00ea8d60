package workers_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// tenantMsgs counts the stream's messages of the tenant.
func (r *rig) tenantMsgs(t *testing.T, tid tenants.ID) uint64 {
	t.Helper()
	s, err := r.bus.JetStream().Stream(context.Background(), r.bus.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background(), jetstream.WithSubjectFilter(events.TenantFilter(tid)))
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, c := range info.State.Subjects {
		n += c
	}
	return n
}

// publishDeleted publishes a tenant.deleted event of the tenant, as the
// relay would after a deletion, or as a forger would for a live tenant.
func (r *rig) publishDeleted(t *testing.T, tid tenants.ID) {
	t.Helper()
	ev, err := events.New(tid, events.TypeTenantDeleted, tid.String(), events.TenantDeleted{Slug: "x"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.bus.PublishEvent(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
}

// TestJanitorTrustsTheStoreNotTheEvent: a tenant.deleted for a live tenant
// (A) purges nothing; one for a tenant the store has deleted (B) erases all
// of B's events.
func TestJanitorTrustsTheStoreNotTheEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		r.publish(t, r.a, "handbook")
		r.publish(t, r.b, "policy")
		if err := db.Store.DeleteTenant(t.Context(), r.b, nil); err != nil {
			t.Fatal(err)
		}
		r.publishDeleted(t, r.a) // forged: A is alive
		r.publishDeleted(t, r.b)

		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := workers.RunJanitor(ctx, r.bus, db.Store, quiet); err != nil {
				t.Errorf("RunJanitor: %v", err)
			}
		})
		t.Cleanup(func() { cancel(); wg.Wait() })
		r.waitDurablesSettled(t, workers.JanitorName) // one consumer, not partitioned

		if got := r.tenantMsgs(t, r.a); got != 2 {
			t.Errorf("live tenant A: %d events in the stream, want its 2 (nothing purged)", got)
		}
		if got := r.tenantMsgs(t, r.b); got != 0 {
			t.Errorf("deleted tenant B: %d events in the stream, want 0", got)
		}
	})
}
