package app_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// platform is the platform operator, outside any tenant.
var platform = tenants.Principal{Subject: "operator@example.com", Roles: []tenants.Role{tenants.RolePlatformAdmin}}

// tenantIDs lists every tenant's id.
func (f *fixture) tenantIDs(t *testing.T) []string {
	t.Helper()
	list, err := f.db.Store.ListTenants(t.Context(), tenants.ID{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range list {
		ids = append(ids, x.ID.String())
	}
	return ids
}

// Creating and erasing a tenant are platform operations, not tenant
// transactions, so checkAtomic (which watches tenant a) does not fit: the
// same checks are made on the tenant created or erased.
func TestTenantUseCasesAreAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		beforeA, beforeB, ids := f.state(t, f.a), f.state(t, f.b), f.tenantIDs(t)
		in := app.NewTenant{Name: "Initech Ltd", Industry: "technology"}

		app.SetEmitFault(f.app, func(events.Type) error { return errEmit })
		_, err := f.app.CreateTenant(t.Context(), platform, in)
		if !errors.Is(err, errEmit) {
			t.Fatalf("create with events failing: err = %v, want the emit error", err)
		}
		if diff := cmp.Diff(ids, f.tenantIDs(t)); diff != "" {
			t.Fatalf("a failed create left a tenant (-before +after):\n%s", diff)
		}
		app.SetEmitFault(f.app, nil)
		created, err := f.app.CreateTenant(t.Context(), platform, in)
		if err != nil {
			t.Fatalf("CreateTenant: %v", err)
		}
		if created.Slug != "initech-ltd" || !slices.Contains(f.tenantIDs(t), created.ID.String()) {
			t.Fatalf("created %+v, want slug initech-ltd, listed", created)
		}
		if log := f.auditLog(t, created.ID); len(log) != 1 || log[0].Action != "tenant.create" || log[0].Actor != platform.Subject {
			t.Errorf("audit log of the new tenant = %+v, want one tenant.create by the operator", log)
		}
		if diff := cmp.Diff([]events.Type{events.TypeTenantCreated}, f.outboxTypes(t, created.ID)); diff != "" {
			t.Errorf("events of the new tenant (-want +got):\n%s", diff)
		}

		app.SetEmitFault(f.app, func(events.Type) error { return errEmit })
		err = f.app.DeleteTenant(t.Context(), platform, created.ID)
		app.SetEmitFault(f.app, nil)
		if !errors.Is(err, errEmit) {
			t.Fatalf("delete with events failing: err = %v, want the emit error", err)
		}
		if got := f.state(t, created.ID); got["audit_log"] != "1" || got["outbox"] != "1" {
			t.Fatalf("a failed delete erased rows: %v", got)
		}
		if err := f.app.DeleteTenant(t.Context(), platform, created.ID); err != nil {
			t.Fatalf("DeleteTenant: %v", err)
		}
		if slices.Contains(f.tenantIDs(t), created.ID.String()) {
			t.Errorf("the deleted tenant is still listed")
		}
		// Erasure leaves only its own event, for the relay to publish.
		if diff := cmp.Diff([]events.Type{events.TypeTenantDeleted}, f.outboxTypes(t, created.ID)); diff != "" {
			t.Errorf("events of the deleted tenant (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(beforeA, f.state(t, f.a)); diff != "" {
			t.Errorf("tenant a changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(beforeB, f.state(t, f.b)); diff != "" {
			t.Errorf("tenant b changed (-before +after):\n%s", diff)
		}
	})
}

func TestTenantUseCasesRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		ids, beforeA := f.tenantIDs(t), f.state(t, f.a)
		ok := app.NewTenant{Name: "Initech", Industry: "technology"}
		cases := []struct {
			name   string
			p      tenants.Principal
			in     app.NewTenant
			kind   app.Kind
			code   string
			detail string
		}{
			{"tenant admin", admin(f.a), ok, app.Forbidden, "", "your role may not do this"},
			{"platform role inside a tenant", tenants.Principal{Subject: "x", Tenant: f.a, Roles: []tenants.Role{tenants.RolePlatformAdmin}}, ok,
				app.Forbidden, "", "only the platform operator creates tenants"},
			{"blank name", platform, app.NewTenant{Name: " ", Industry: "technology"}, app.Invalid, "validation", "name must be one non-empty line without control or bidirectional formatting characters"},
			{"unknown industry", platform, app.NewTenant{Name: "Initech", Industry: "alchemy"}, app.Invalid, "validation", ""},
			{"bad slug", platform, app.NewTenant{Name: "Initech", Slug: "Not A Slug", Industry: "technology"}, app.Invalid, "validation",
				"slug must be lowercase letters, digits and dashes (1–63)"},
			{"slug taken", platform, app.NewTenant{Name: "Acme again", Slug: "acme", Industry: "technology"}, app.Conflict, "slug-taken",
				"a tenant with this slug exists"},
		}
		for _, c := range cases {
			_, err := f.app.CreateTenant(t.Context(), c.p, c.in)
			refusal(t, err, c.kind, c.code)
			if e, _ := app.AsError(err); c.detail != "" && e.Detail != c.detail {
				t.Errorf("%s: detail %q, want %q", c.name, e.Detail, c.detail)
			}
		}
		// A tenant admin cannot erase even their own tenant; an unknown
		// tenant is not found.
		refusal(t, f.app.DeleteTenant(t.Context(), admin(f.a), f.a), app.Forbidden, "")
		refusal(t, f.app.DeleteTenant(t.Context(), platform, tenants.NewID()), app.NotFound, "")
		if diff := cmp.Diff(ids, f.tenantIDs(t)); diff != "" {
			t.Errorf("refusals changed the tenants (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(beforeA, f.state(t, f.a)); diff != "" {
			t.Errorf("refusals wrote (-before +after):\n%s", diff)
		}
	})
}
