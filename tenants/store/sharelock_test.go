package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestShareLockTenantLetsWritesThrough: while a worker's transaction holds
// the tenant (ShareLockTenant), a write of the tenant that updates its row,
// as an upload does (BumpContextRevision), goes through at once, and the
// tenant's deletion still waits. Each contender runs with a lock_timeout
// of 100 ms on its own connection, so a lock conflict shows as SQLSTATE
// 55P03 rather than as a wait: structural, not timed. The other tenant's
// row is not held at all. PostgreSQL only: SQLite takes no row locks.
func TestShareLockTenantLetsWritesThrough(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	a, b := tenants.NewID(), tenants.NewID()
	for i, id := range []tenants.ID{a, b} {
		slug := []string{"acme", "globex"}[i]
		if err := db.Store.CreateTenant(ctx, store.Tenant{ID: id, Name: slug, Slug: slug, Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
			t.Fatal(err)
		}
	}
	held, release, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		finished <- db.Store.InTenant(ctx, a, func(tx *store.Tx) error {
			if err := tx.ShareLockTenant(); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	app, err := sql.Open("pgx", db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	contend := func(tenant tenants.ID, statement string) error {
		tx, err := app.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback() //nolint:errcheck // rolled back on purpose: only the lock matters
		if _, err := tx.Exec("SELECT set_config('app.tenant_id', $1, true), set_config('lock_timeout', '100ms', true)", tenant.String()); err != nil {
			return err
		}
		_, err = tx.Exec(statement, tenant.String())
		return err
	}
	bump := "UPDATE tenants SET context_revision = context_revision + 1 WHERE id = $1"
	if err := contend(a, bump); err != nil {
		t.Errorf("upload's update of the held tenant: %v, want it through at once", err)
	}
	if err := contend(b, bump); err != nil {
		t.Errorf("update of the other tenant: %v, want it through", err)
	}
	var pg *pgconn.PgError
	err = contend(a, "DELETE FROM tenants WHERE id = $1")
	if !errors.As(err, &pg) || pg.Code != "55P03" {
		t.Errorf("deletion of the held tenant: %v, want it to wait for the worker (lock_timeout, 55P03)", err)
	}
	close(release)
	if err := <-finished; err != nil {
		t.Fatal(err)
	}
}
