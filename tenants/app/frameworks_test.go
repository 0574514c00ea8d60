package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// financeTenant creates a tenant in finance, whose catalog the cases
// below name roles and competencies of.
func financeTenant(t *testing.T, s *store.Store, slug string) tenants.ID {
	t.Helper()
	id := tenants.NewID()
	if err := s.CreateTenant(context.Background(), store.Tenant{ID: id, Name: slug, Slug: slug, Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	return id
}

// storeLibrary builds a library for a company with DevOps engineers and
// agile-methodologies retired, and stores it as version 1.
func storeLibrary(t *testing.T, s *store.Store, tenant tenants.ID) {
	t.Helper()
	lib, err := library.Build(library.Inputs{Industry: "finance", Roles: []string{"devops-engineer"},
		Overrides: []library.Override{{Slug: "agile-methodologies", Status: library.StatusRetired}}})
	if err != nil {
		t.Fatal(err)
	}
	v := store.LibraryVersion{Version: 1, BuiltAt: time.Now().UTC().Truncate(time.Microsecond), ContextRevision: 1, Library: lib,
		Summary: store.NewLibrarySummary(library.Diff(library.Library{}, lib))}
	err = s.InTenant(context.Background(), tenant, func(tx *store.Tx) error { return tx.InsertLibraryVersion(v) })
	if err != nil {
		t.Fatal(err)
	}
}

func forRole(t *testing.T, s *store.Store, tenant tenants.ID, role string) (app.Tailored, error) {
	t.Helper()
	var out app.Tailored
	err := s.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
		out, err = app.Framework(tx, role)
		return err
	})
	return out, err
}

func TestFramework(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := financeTenant(t, s, "acme"), financeTenant(t, s, "globex")

		// No library yet: the catalog framework, version 0.
		got, err := forRole(t, s, a, "devops-engineer")
		if err != nil || got.LibraryVersion != 0 {
			t.Fatalf("without a library: got version %d, %v", got.LibraryVersion, err)
		}
		if _, ok := got.Framework.Entry("agile-methodologies"); !ok {
			t.Errorf("catalog framework without agile-methodologies")
		}

		storeLibrary(t, s, a)
		got, err = forRole(t, s, a, "devops-engineer")
		if err != nil || got.LibraryVersion != 1 {
			t.Fatalf("with a library: got version %d, %v", got.LibraryVersion, err)
		}
		if _, ok := got.Framework.Entry("agile-methodologies"); ok {
			t.Errorf("tailored framework still holds the retired agile-methodologies")
		}
		if _, ok := got.Framework.Entry("cloud-infrastructure-management"); !ok || got.Framework.Validate() != nil {
			t.Errorf("tailored framework: %+v (validate: %v)", got.Framework.Entries, got.Framework.Validate())
		}

		// A catalog role the library has no framework for: the catalog's,
		// tagged with the library version.
		got, err = forRole(t, s, a, "data-analyst")
		if err != nil || got.LibraryVersion != 1 || len(got.Framework.Entries) == 0 || got.Framework.Role.Slug != "data-analyst" {
			t.Errorf("role outside the library: got %+v, %v", got, err)
		}
		if _, err := forRole(t, s, a, "no-such-role"); !errors.Is(err, app.ErrUnknownRole) {
			t.Errorf("unknown role: got %v, want ErrUnknownRole", err)
		}

		// Another tenant does not see A's library.
		got, err = forRole(t, s, b, "devops-engineer")
		if err != nil || got.LibraryVersion != 0 {
			t.Errorf("cross-tenant: got version %d, %v, want the catalog framework", got.LibraryVersion, err)
		}
		if _, ok := got.Framework.Entry("agile-methodologies"); !ok {
			t.Errorf("cross-tenant: A's retirement leaked into B's framework")
		}
	})
}
