package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func putOverride(t *testing.T, s *store.Store, tenant tenants.ID, o library.Override, by string) {
	t.Helper()
	if err := s.InTenant(context.Background(), tenant, func(tx *store.Tx) error { return tx.PutOverride(o, by) }); err != nil {
		t.Fatalf("put override %s: %v", o.Slug, err)
	}
}

func overrides(t *testing.T, s *store.Store, tenant tenants.ID) []library.Override {
	t.Helper()
	var out []library.Override
	err := s.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
		out, err = tx.Overrides()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOverrides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")

		custom := library.Override{Slug: "trading-desk-etiquette", Custom: true, Name: "Trading Desk Etiquette", Category: competency.Interpersonal,
			Description: "How we behave on the desk.", Descriptors: [5]string{"a", "b", "c", "d", "e"}}
		putOverride(t, s, a, library.Override{Slug: "problem-solving", Status: library.StatusRetired}, "alice")
		putOverride(t, s, a, custom, "alice")
		if got := overrides(t, s, a); !cmp.Equal(got, []library.Override{{Slug: "problem-solving", Status: library.StatusRetired}, custom}) {
			t.Errorf("overrides in slug order: got %+v", got)
		}

		// A second write replaces the override and keeps its creator.
		putOverride(t, s, a, library.Override{Slug: "problem-solving", Status: library.StatusActive, Pinned: true}, "bob")
		err := s.InTenant(ctx, a, func(tx *store.Tx) error {
			rec, err := tx.Override("problem-solving")
			if err != nil {
				return err
			}
			want := library.Override{Slug: "problem-solving", Status: library.StatusActive, Pinned: true}
			if rec.Override != want || rec.CreatedBy != "alice" || rec.UpdatedAt.IsZero() {
				t.Errorf("replaced override: got %+v, want %+v created by alice", rec, want)
			}
			if _, err := tx.Override("nothing-here"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("missing override: got %v, want ErrNotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(overrides(t, s, a)); n != 2 {
			t.Errorf("after replacing: got %d overrides, want 2", n)
		}
		// An override without a slug is refused.
		err = s.InTenant(ctx, a, func(tx *store.Tx) error { return tx.PutOverride(library.Override{Pinned: true}, "alice") })
		if !errors.Is(err, library.ErrInvalidOverride) {
			t.Errorf("override without slug: got %v, want ErrInvalidOverride", err)
		}

		// Another tenant sees none of A's overrides, and its own override of
		// the same slug leaves A's alone.
		if got := overrides(t, s, b); len(got) != 0 {
			t.Errorf("cross-tenant list: got %+v, want none", got)
		}
		err = s.InTenant(ctx, b, func(tx *store.Tx) error {
			if _, err := tx.Override("problem-solving"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cross-tenant read: got %v, want ErrNotFound", err)
			}
			return tx.PutOverride(library.Override{Slug: "problem-solving", Status: library.StatusRetired}, "eve")
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTenant(ctx, a, func(tx *store.Tx) error {
			rec, err := tx.Override("problem-solving")
			if err == nil && (rec.Override.Status != library.StatusActive || rec.CreatedBy != "alice") {
				t.Errorf("A's override after B wrote the same slug: got %+v", rec)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// Deleting A erases its overrides and leaves B's.
		if err := s.DeleteTenant(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		if got := countRows(t, db, "library_overrides", a); got != 0 {
			t.Errorf("overrides of the deleted tenant: got %d rows, want 0", got)
		}
		if got := len(overrides(t, s, b)); got != 1 {
			t.Errorf("B's overrides after deleting A: got %d, want 1", got)
		}
	})
}

// insertEmployee writes an employee row directly (the employees API is not
// this test's subject).
func insertEmployee(t *testing.T, db storetest.DB, tenant tenants.ID, subject, role string) {
	t.Helper()
	c := rawDB(t, db)
	ctx := context.Background()
	conn, err := c.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if db.Name == "postgres" {
		if _, err := conn.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, false)", tenant.String()); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	_, err = conn.ExecContext(ctx, `INSERT INTO employees (tenant_id, id, subject, name, role_slug, tier, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'mid', $6, $7)`, tenant.String(), uuid.Must(uuid.NewV7()).String(), subject, subject, role, now, now)
	if err != nil {
		t.Fatalf("insert employee: %v", err)
	}
}

func TestEmployeeRoleSlugs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		roles := func(tenant tenants.ID) []string {
			var out []string
			err := s.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
				out, err = tx.EmployeeRoleSlugs()
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := roles(a); len(got) != 0 {
			t.Errorf("no employees: got %v, want none", got)
		}
		insertEmployee(t, db, a, "u1", "software-engineer")
		insertEmployee(t, db, a, "u2", "devops-engineer")
		insertEmployee(t, db, a, "u3", "software-engineer")
		insertEmployee(t, db, b, "u4", "data-analyst")
		if got, want := roles(a), []string{"devops-engineer", "software-engineer"}; !cmp.Equal(got, want) {
			t.Errorf("A's roles: got %v, want %v", got, want)
		}
		if got, want := roles(b), []string{"data-analyst"}; !cmp.Equal(got, want) {
			t.Errorf("B's roles (cross-tenant): got %v, want %v", got, want)
		}
	})
}

func TestLibraryBuildMark(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		now := time.Now().UTC().Truncate(time.Microsecond)
		err := s.InTenant(ctx, a, func(tx *store.Tx) error {
			if _, err := tx.LibraryBuildMark(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("before the first build: got %v, want ErrNotFound", err)
			}
			if err := tx.SetLibraryBuildMark(store.BuildMark{ContextRevision: 3, Digest: "sha256:aa", CheckedAt: now}); err != nil {
				return err
			}
			return tx.SetLibraryBuildMark(store.BuildMark{ContextRevision: 5, Roles: []string{"devops-engineer"}, Digest: "sha256:bb", CheckedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTenant(ctx, a, func(tx *store.Tx) error {
			got, err := tx.LibraryBuildMark()
			want := store.BuildMark{ContextRevision: 5, Roles: []string{"devops-engineer"}, Digest: "sha256:bb", CheckedAt: now}
			if err == nil && !cmp.Equal(got, want) {
				t.Errorf("mark: got %+v, want %+v", got, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTenant(ctx, b, func(tx *store.Tx) error {
			if _, err := tx.LibraryBuildMark(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cross-tenant mark: got %v, want ErrNotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
