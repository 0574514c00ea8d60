package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestPlatformDeadLetters: parking a message again updates its platform dead
// letter instead of adding one; the list pages in id order; on PostgreSQL a
// tenant's transaction (or an unscoped one) sees none of them.
func TestPlatformDeadLetters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a := newTenant(t, s, "acme")
		for _, d := range []store.PlatformDeadLetter{
			{Consumer: "library", StreamSeq: 7, Subject: "cadre.x.document.uploaded", Payload: []byte("junk"), Error: "first", Deliveries: 1},
			{Consumer: "library", StreamSeq: 7, Subject: "cadre.x.document.uploaded", Payload: []byte("junk"), Error: "again", Deliveries: 2},
			{Consumer: "scoring", StreamSeq: 7, Subject: "cadre.x.document.uploaded", Error: "empty", Deliveries: 1},
			{Consumer: "library", StreamSeq: 9, Subject: "cadre", Payload: []byte("{"), Error: "third", Deliveries: 1},
		} {
			if err := s.ParkPlatform(ctx, d); err != nil {
				t.Fatalf("park %+v: %v", d, err)
			}
		}
		first, err := s.PlatformDeadLetters(ctx, uuid.Nil, 2)
		if err != nil {
			t.Fatal(err)
		}
		rest, err := s.PlatformDeadLetters(ctx, first[len(first)-1].ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		all := append(first, rest...)
		if len(first) != 2 || len(all) != 3 {
			t.Fatalf("got pages of %d and %d, want 2 and 1", len(first), len(rest))
		}
		if d := all[0]; d.Consumer != "library" || d.StreamSeq != 7 || d.Error != "again" || d.Deliveries != 2 || string(d.Payload) != "junk" {
			t.Errorf("re-parked letter: got %+v, want library seq 7 with the second error and 2 deliveries", d)
		}
		if d := all[1]; d.Consumer != "scoring" || len(d.Payload) != 0 {
			t.Errorf("second letter: got %+v, want scoring's with an empty payload", d)
		}
		if db.AppURL == "" {
			return
		}
		app, err := sql.Open("pgx", db.AppURL)
		if err != nil {
			t.Fatal(err)
		}
		defer app.Close()
		var n int
		if err := app.QueryRowContext(ctx, "SELECT count(*) FROM platform_dead_letters").Scan(&n); err != nil || n != 0 {
			t.Errorf("unscoped SELECT as the app role: got %d rows (%v), want 0", n, err)
		}
		tx, err := app.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, true)", a.String()); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM platform_dead_letters").Scan(&n); err != nil || n != 0 {
			t.Errorf("a tenant's transaction: got %d platform dead letters (%v), want 0", n, err)
		}
	})
}
