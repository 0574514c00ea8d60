package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestCommitOfAFailedTransactionFails: a transaction function that
// swallows an error PostgreSQL raised (which aborts the transaction) and
// returns nil does not pass for a commit: PostgreSQL answers its COMMIT
// with ROLLBACK, InTenant returns an error and nothing of it is stored.
func TestCommitOfAFailedTransactionFails(t *testing.T) {
	db := storetest.Postgres(t)
	s := db.Store
	a := newTenant(t, s, "acme")
	doc := store.Document{ID: uuid.Must(uuid.NewV7()), Title: "Handbook", ContentType: "text/plain", SizeBytes: 4,
		SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Text: "test", CreatedBy: "admin",
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	err := s.InTenant(context.Background(), a, func(tx *store.Tx) error {
		if err := tx.InsertDocument(doc); err != nil {
			return err
		}
		_ = tx.InsertDocument(doc) // the same id again: PostgreSQL aborts the transaction
		return nil
	})
	if err == nil {
		t.Fatal("InTenant returned nil for a transaction PostgreSQL had aborted")
	}
	err = s.InTenant(context.Background(), a, func(tx *store.Tx) error {
		docs, err := tx.Documents(uuid.Nil, 10)
		if err == nil && len(docs) != 0 {
			t.Errorf("documents after the failed transaction: %d, want 0", len(docs))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestScopeEndsWithItsTransaction: after a tenant transaction, or a
// one-round-trip scoped read, the connection it used carries no tenant
// scope (every connection of the pool is checked), so a query outside
// InTenant sees no tenant's rows.
func TestScopeEndsWithItsTransaction(t *testing.T) {
	db := storetest.Postgres(t)
	s := db.Store
	a := newTenant(t, s, "acme")
	for range 20 {
		if err := s.InTenant(context.Background(), a, func(tx *store.Tx) error { _, err := tx.LoadTenant(); return err }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadCurrentPlanBySubject(context.Background(), a, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("plan of nobody: %v, want not found", err)
		}
	}
	for range 20 {
		var scope string
		if err := s.DB().QueryRowContext(context.Background(), "SELECT coalesce(current_setting('app.tenant_id', true), '')").Scan(&scope); err != nil {
			t.Fatal(err)
		}
		if scope != "" {
			t.Fatalf("a pooled connection outside any transaction is scoped to %q", scope)
		}
	}
}
