package app_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// withReplay gives f use cases whose replay emits a library.changed, as a
// consumer's effect, or fails with errEmit while *broken.
func (f *fixture) withReplay(broken *bool) {
	f.app = app.New(app.Config{Store: f.db.Store, Replay: func(_ context.Context, tx *store.Tx, d store.DeadLetter) error {
		if *broken {
			return errEmit
		}
		_, err := tx.Emit(events.TypeLibraryChanged, d.EventID, events.LibraryChanged{Change: "rebuild"})
		return err
	}})
}

// park parks an event of tenant for a consumer and returns its dead letter.
func (f *fixture) park(t *testing.T, tenant tenants.ID) store.DeadLetter {
	t.Helper()
	var d store.DeadLetter
	err := f.db.Store.InTenant(t.Context(), tenant, func(tx *store.Tx) error {
		if err := tx.Park(store.DeadLetter{Consumer: "library", EventID: uuid.NewString(), EventType: string(events.TypeDocumentUploaded),
			Subject: "cadre.x", Payload: []byte("{}"), Error: "boom", Deliveries: 5}); err != nil {
			return err
		}
		list, err := tx.DeadLetters(uuid.Nil, 1)
		if len(list) == 1 {
			d = list[0]
		}
		return err
	})
	if err != nil || d.ID == uuid.Nil {
		t.Fatalf("park: %v", err)
	}
	return d
}

// replayed reports whether the dead letter was replayed.
func (f *fixture) replayed(t *testing.T, tenant tenants.ID, id uuid.UUID) bool {
	t.Helper()
	rows := f.db.ScopedRows(t, tenant, "SELECT replayed_at IS NOT NULL FROM dead_letters WHERE id = '"+id.String()+"'")
	return len(rows) == 1 && (rows[0][0] == "true" || rows[0][0] == "1")
}

func TestReplayDeadLetterIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		broken := false
		f.withReplay(&broken)
		d := f.park(t, f.a)
		// checkAtomic runs the use case twice: the first time the consumer
		// fails, which must leave nothing, as a failed emit does.
		calls := 0
		f.checkAtomic(t, "dead_letter.replay", false, []events.Type{events.TypeLibraryChanged}, func(ctx context.Context) error {
			calls++
			broken = calls == 1
			got, err := f.app.ReplayDeadLetter(ctx, admin(f.a), d.ID)
			if broken {
				refusal(t, err, app.Conflict, "replay-failed")
				if f.replayed(t, f.a, d.ID) {
					t.Errorf("a failed replay marked the dead letter replayed")
				}
			} else if err == nil && got.ReplayedAt == nil {
				t.Errorf("replayed %+v, want replayed_at set", got)
			}
			return err
		})
		if !f.replayed(t, f.a, d.ID) {
			t.Errorf("the replay did not mark the dead letter replayed")
		}
	})
}

func TestReplayDeadLetterRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		broken := false
		f.withReplay(&broken)
		d := f.park(t, f.a)
		beforeA, beforeB := f.state(t, f.a), f.state(t, f.b)
		employee := tenants.Principal{Subject: "e", Tenant: f.a, Roles: []tenants.Role{tenants.RoleEmployee}}
		_, err := f.app.ReplayDeadLetter(t.Context(), employee, d.ID)
		refusal(t, err, app.Forbidden, "")
		// Tenant a's dead letter is not b's to replay.
		_, err = f.app.ReplayDeadLetter(t.Context(), admin(f.b), d.ID)
		refusal(t, err, app.NotFound, "")
		_, err = f.app.ReplayDeadLetter(t.Context(), admin(f.a), uuid.New())
		refusal(t, err, app.NotFound, "")
		if got := f.state(t, f.a); got["audit_log"] != beforeA["audit_log"] || f.replayed(t, f.a, d.ID) {
			t.Errorf("refused replays wrote: %v → %v", beforeA, got)
		}
		if got := f.state(t, f.b); got["audit_log"] != beforeB["audit_log"] || got["outbox"] != beforeB["outbox"] {
			t.Errorf("tenant b changed: %v → %v", beforeB, got)
		}
	})
}
