package app_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// fixture is a migrated database with two tenants and the use cases over
// it.
type fixture struct {
	db   storetest.DB
	app  *app.App
	a, b tenants.ID
}

func newFixture(t *testing.T, db storetest.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, app: app.New(app.Config{Store: db.Store})}
	for i, slug := range []string{"acme", "globex"} {
		id := tenants.NewID()
		err := db.Store.CreateTenant(t.Context(), store.Tenant{ID: id, Name: "Company " + slug, Slug: slug, Industry: "technology", CreatedAt: time.Now()}, nil)
		if err != nil {
			t.Fatalf("CreateTenant: %v", err)
		}
		if i == 0 {
			f.a = id
		} else {
			f.b = id
		}
	}
	return f
}

// admin is an admin of the tenant.
func admin(tenant tenants.ID) tenants.Principal {
	return tenants.Principal{Subject: "admin@example.com", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAdmin}}
}

// tenantTables are the tables whose rows state counts.
var tenantTables = []string{"documents", "company_values", "audit_log", "outbox", "library_overrides", "employees",
	"assessments", "assessment_results", "assessment_reviews", "plans", "plan_heads", "dead_letters"}

// state is what a tenant holds: its context revision and the row count of
// every tenant table.
func (f *fixture) state(t *testing.T, tenant tenants.ID) map[string]string {
	t.Helper()
	got := map[string]string{}
	rows := f.db.ScopedRows(t, tenant, fmt.Sprintf("SELECT context_revision FROM tenants WHERE id = '%s'", tenant))
	if len(rows) != 1 {
		t.Fatalf("tenant %s: %d rows", tenant, len(rows))
	}
	got["context_revision"] = rows[0][0]
	for _, table := range tenantTables {
		got[table] = f.db.ScopedRows(t, tenant, fmt.Sprintf("SELECT count(*) FROM %s WHERE tenant_id = '%s'", table, tenant))[0][0]
	}
	return got
}

// outboxTypes lists the types of the tenant's outbox rows, oldest first.
func (f *fixture) outboxTypes(t *testing.T, tenant tenants.ID) []events.Type {
	t.Helper()
	var out []events.Type
	for _, r := range f.db.ScopedRows(t, tenant, fmt.Sprintf("SELECT type FROM outbox WHERE tenant_id = '%s' ORDER BY seq", tenant)) {
		out = append(out, events.Type(r[0]))
	}
	return out
}

var errEmit = errors.New("emit refused by the test")

// checkAtomic runs a use case twice. First with the recording of its
// events failing: it must fail and leave both tenants exactly as they were
// (no row, no audit entry, no revision bump). Then normally: it must
// succeed, write one audit entry with the action, emit the events of want
// and, if bumps, raise the context revision by one; the other tenant stays
// as it was. An empty action is a change that writes no audit entry (an
// employee's own plan).
func (f *fixture) checkAtomic(t *testing.T, action string, bumps bool, want []events.Type, do func(ctx context.Context) error) {
	t.Helper()
	beforeA, beforeB := f.state(t, f.a), f.state(t, f.b)
	outboxBefore := f.outboxTypes(t, f.a)
	app.SetEmitFault(f.app, func(events.Type) error { return errEmit })
	err := do(t.Context())
	app.SetEmitFault(f.app, nil)
	if !errors.Is(err, errEmit) {
		t.Fatalf("with events failing: err = %v, want the emit error", err)
	}
	if diff := cmp.Diff(beforeA, f.state(t, f.a)); diff != "" {
		t.Fatalf("a failed emit left a trace (-before +after):\n%s", diff)
	}

	if err := do(t.Context()); err != nil {
		t.Fatalf("use case: %v", err)
	}
	after := f.state(t, f.a)
	rev := func(s map[string]string) string { return s["context_revision"] }
	wantRev := rev(beforeA)
	if bumps {
		var n int
		fmt.Sscan(rev(beforeA), &n)
		wantRev = fmt.Sprint(n + 1)
	}
	if got := rev(after); got != wantRev {
		t.Errorf("context revision %s → %s, want %s", rev(beforeA), got, wantRev)
	}
	if action == "" {
		if after["audit_log"] != beforeA["audit_log"] {
			t.Errorf("audit entries %s → %s, want none written", beforeA["audit_log"], after["audit_log"])
		}
	} else if log := f.auditLog(t, f.a); len(log) == 0 || log[len(log)-1].Action != action {
		t.Errorf("last audit entry = %+v, want action %s", log, action)
	}
	if diff := cmp.Diff(want, f.outboxTypes(t, f.a)[len(outboxBefore):]); diff != "" {
		t.Errorf("events emitted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(beforeB, f.state(t, f.b)); diff != "" {
		t.Errorf("the other tenant changed (-before +after):\n%s", diff)
	}
}

func (f *fixture) auditLog(t *testing.T, tenant tenants.ID) []store.AuditEntry {
	t.Helper()
	var log []store.AuditEntry
	err := f.db.Store.InTenant(t.Context(), tenant, func(tx *store.Tx) (err error) {
		log, err = tx.AuditLog(100000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(log, func(x, y store.AuditEntry) int { return x.CreatedAt.Compare(y.CreatedAt) })
	return log
}

// refusal asserts that err is a refusal of kind with code.
func refusal(t *testing.T, err error, kind app.Kind, code string) {
	t.Helper()
	e, ok := app.AsError(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("err = %v, want a refusal of kind %d code %q", err, kind, code)
	}
}
