package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestInTenantSnapshot: the statements of one snapshot transaction agree
// even when another transaction commits between them (PostgreSQL; SQLite's
// single connection cannot interleave, and its read transactions are
// snapshots already). The other tenant's transaction is refused writes.
func TestInTenantSnapshot(t *testing.T) {
	db := storetest.Postgres(t)
	s, ctx := db.Store, context.Background()
	a := newTenant(t, s, "snap-a")
	count := func(tx *store.Tx) int {
		docs, err := tx.AllDocuments()
		if err != nil {
			t.Fatal(err)
		}
		return len(docs)
	}
	var before, after int
	err := s.InTenantSnapshot(ctx, a, func(tx *store.Tx) error {
		before = count(tx)
		// Committed by another transaction between the two reads.
		if err := s.InTenant(ctx, a, func(tx *store.Tx) error {
			return tx.InsertDocument(store.Document{ID: uuid.Must(uuid.NewV7()), Title: "late", ContentType: "text/plain",
				SHA256: "late", CreatedAt: time.Now()})
		}); err != nil {
			t.Fatal(err)
		}
		after = count(tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("snapshot reads disagree: %d documents, then %d", before, after)
	}
	err = s.InTenantSnapshot(ctx, a, func(tx *store.Tx) error {
		if n := count(tx); n != before+1 {
			t.Errorf("a new snapshot sees %d documents, want %d", n, before+1)
		}
		return tx.InsertDocument(store.Document{ID: uuid.Must(uuid.NewV7()), Title: "x", ContentType: "text/plain",
			SHA256: "x", CreatedAt: time.Now()})
	})
	if err == nil {
		t.Error("a snapshot transaction accepted a write")
	}
}
