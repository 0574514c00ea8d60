package workers_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// TestReplay runs workers.Replay in tenant transactions: a parked event is
// applied once with its processed mark, a second replay applies nothing,
// a failing handler rolls everything back, and an unknown consumer or an
// event of another tenant is refused without effect.
func TestReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		fail := errors.New("still broken")
		broken := true
		c := newCalls()
		replay := workers.Replay([]workers.Worker{{Name: "fixable", Types: []events.Type{events.TypeDocumentUploaded},
			Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
				c.add(ev.Resource)
				if err := applyEffect(tx, ev); err != nil {
					return err
				}
				if broken {
					return fail
				}
				return nil
			}}})
		dead := func(consumer string, ev events.Event) store.DeadLetter {
			payload, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			return store.DeadLetter{Consumer: consumer, EventID: ev.ID, EventType: string(ev.Type), Subject: ev.Subject(), Payload: payload}
		}
		run := func(tenant tenants.ID, d store.DeadLetter) error {
			return db.Store.InTenant(t.Context(), tenant, func(tx *store.Tx) error { return replay(t.Context(), tx, d) })
		}
		ev := event(t, r.a, "parked")

		if err := run(r.a, dead("fixable", ev)); !errors.Is(err, fail) {
			t.Errorf("replay while broken = %v, want the handler's error", err)
		}
		broken = false
		for i := range 2 {
			if err := run(r.a, dead("fixable", ev)); err != nil {
				t.Fatalf("replay %d: %v", i+1, err)
			}
		}
		if diff := cmp.Diff(map[string]int{"parked": 1}, r.effects(t, r.a)); diff != "" {
			t.Errorf("effects after two replays (-want +got):\n%s", diff)
		}
		if got := c.get("parked"); got != 2 {
			t.Errorf("handler calls = %d, want 2 (the failed replay, then one applied; the second replay stops at the mark)", got)
		}
		if err := run(r.a, dead("removed-worker", event(t, r.a, "orphan"))); !errors.Is(err, workers.ErrUnknownConsumer) {
			t.Errorf("replay for an unknown consumer = %v, want ErrUnknownConsumer", err)
		}
		if err := run(r.b, dead("fixable", event(t, r.a, "foreign"))); !errors.Is(err, events.ErrInvalidEvent) {
			t.Errorf("replay of A's event in B's transaction = %v, want ErrInvalidEvent", err)
		}
		if err := run(r.a, store.DeadLetter{Consumer: "fixable", EventID: "x", Payload: []byte("not json")}); !errors.Is(err, events.ErrInvalidEvent) {
			t.Errorf("replay of a corrupt payload = %v, want ErrInvalidEvent", err)
		}
		if got := r.effects(t, r.b); len(got) != 0 {
			t.Errorf("effects in B = %v, want none", got)
		}
		if got := c.get("orphan") + c.get("foreign"); got != 0 {
			t.Errorf("handler called %d times for refused replays, want 0", got)
		}
	})
}
