package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestDriverErrorsBecomeSentinels runs real violations on each database:
// a unique index and a primary key are ErrConflict with the driver's error
// still in the chain, a missing row (another tenant's included) is
// ErrNotFound.
func TestDriverErrorsBecomeSentinels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		d := addDocument(t, s, a, "aaaa")

		driverErr := func(err error) bool {
			var pg *pgconn.PgError
			var lite interface{ Code() int }
			return errors.As(err, &pg) || errors.As(err, &lite)
		}
		insert := func(tenant tenants.ID, doc store.Document) error {
			return s.InTenant(ctx, tenant, func(tx *store.Tx) error { return tx.InsertDocument(doc) })
		}
		same := d
		same.ID = uuid.Must(uuid.NewV7())
		samePK := d
		samePK.SHA256 = "bbbb"
		for name, err := range map[string]error{
			"unique index (same content)": insert(a, same),
			"primary key (same id)":       insert(a, samePK),
			"unique slug":                 s.CreateTenant(ctx, store.Tenant{ID: tenants.NewID(), Name: "x", Slug: "acme", CreatedAt: time.Now()}, nil),
		} {
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("%s: got %v, want ErrConflict", name, err)
			}
			if errors.Is(err, store.ErrUnavailable) {
				t.Errorf("%s: got %v, want no ErrUnavailable", name, err)
			}
			if !driverErr(err) {
				t.Errorf("%s: got %v (%T), want the driver's error in the chain", name, err, err)
			}
		}
		// The same content in another tenant is no conflict.
		if err := insert(b, same); err != nil {
			t.Errorf("same content in another tenant: got %v, want nil", err)
		}

		for name, id := range map[string]uuid.UUID{"missing": uuid.Must(uuid.NewV7()), "another tenant's": d.ID} {
			err := s.InTenant(ctx, b, func(tx *store.Tx) error {
				_, err := tx.Document(id, false)
				return err
			})
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s document: got %v, want ErrNotFound", name, err)
			}
		}
	})
}

// TestCorruptRowIsAnError stores an employee whose tier no version of the
// store writes: reading it is ErrCorrupt, never an employee with a zero
// tier, and the other tenant's reads are not affected.
func TestCorruptRowIsAnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		good := newEmployee("good", "data-analyst", uuid.Nil)
		inTenant(t, s, b, func(tx *store.Tx) error { return tx.InsertEmployee(good) })
		bad := newEmployee("bad", "data-analyst", uuid.Nil)
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.InsertEmployee(bad) })
		execScoped(t, db, a, "UPDATE employees SET tier = 'overlord' WHERE subject = 'bad'")

		reads := map[string]func(tx *store.Tx) error{
			"by id": func(tx *store.Tx) error { _, err := tx.Employee(bad.ID); return err },
			"by subject": func(tx *store.Tx) error {
				_, err := tx.EmployeeBySubject("bad")
				return err
			},
			"list": func(tx *store.Tx) error { _, err := tx.Employees(store.EmployeeFilter{}); return err },
		}
		for name, read := range reads {
			if err := s.InTenant(ctx, a, read); !errors.Is(err, store.ErrCorrupt) {
				t.Errorf("%s: got %v, want ErrCorrupt", name, err)
			}
		}
		err := s.InTenant(ctx, b, func(tx *store.Tx) error {
			list, err := tx.Employees(store.EmployeeFilter{})
			if err == nil && (len(list) != 1 || list[0].ID != good.ID) {
				t.Errorf("other tenant's list: got %+v, want only %s", list, good.ID)
			}
			return err
		})
		if err != nil {
			t.Errorf("other tenant's list: got %v, want nil", err)
		}
	})
}

// execScoped runs one statement as the owner (no row-level security on
// SQLite, tenant-scoped on PostgreSQL), to write what the store never
// would.
func execScoped(t *testing.T, db storetest.DB, tenant tenants.ID, stmt string) {
	t.Helper()
	ctx := context.Background()
	conn, err := rawDB(t, db).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if db.Name == "postgres" {
		if _, err := conn.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, false)", tenant.String()); err != nil {
			t.Fatal(err)
		}
	}
	res, err := conn.ExecContext(ctx, stmt)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("%s: %d rows, %v; want 1 row", stmt, n, err)
	}
}
