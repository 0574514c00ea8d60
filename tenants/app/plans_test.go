package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// withPlan gives tenant an employee of subject "ann" (mid tier) with a
// built plan, and returns the plan.
func (f *fixture) withPlan(t *testing.T, tenant tenants.ID) plan.Plan {
	t.Helper()
	levels, err := competency.NewLevels(2, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	c := competency.Competency{Slug: "cloud", Name: "Cloud", Category: competency.Technical, Actions: map[competency.Level][]competency.Action{}}
	for _, l := range competency.AllLevels() {
		c.Actions[l] = []competency.Action{{Kind: competency.Course, Title: "cloud course", Detail: "level " + l.Label()}}
	}
	fw := competency.RoleFramework{Role: competency.Role{Slug: "devops-engineer", Title: "DevOps Engineer"},
		Entries: []competency.Entry{{Competency: c, Group: competency.Primary, Levels: levels}}}
	now := time.Now().UTC().Truncate(time.Microsecond)
	e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: "ann", Name: "Ann", RoleSlug: "devops-engineer", Tier: competency.TierMid,
		CreatedAt: now, UpdatedAt: now}
	p := plan.Build(plan.Input{EmployeeID: e.ID.String(), Framework: fw, Tier: e.Tier, Now: now})
	p.Changed = false
	if len(p.Items) == 0 {
		t.Fatalf("setup: the plan has no items")
	}
	err = f.db.Store.InTenant(t.Context(), tenant, func(tx *store.Tx) error {
		if err := tx.InsertEmployee(e); err != nil {
			return err
		}
		return tx.SavePlans([]plan.Plan{p})
	})
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	return p
}

// ann is the employee withPlan makes, in tenant.
func ann(tenant tenants.ID) tenants.Principal {
	return tenants.Principal{Subject: "ann", Tenant: tenant, Roles: []tenants.Role{tenants.RoleEmployee}}
}

func TestPlanWritesAreAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		p := f.withPlan(t, f.a)
		item := uuid.MustParse(p.Items[0].ID)
		f.checkAtomic(t, "", false, []events.Type{events.TypePlanUpdated}, func(ctx context.Context) error {
			got, err := f.app.UpdateMyPlanItem(ctx, ann(f.a), item, app.ItemUpdate{Status: ptr("in_progress"), Note: ptr("started")})
			if it, _ := got.Item(item.String()); err == nil && (it.Status != plan.InProgress || it.Note != "started" || got.Version != p.Version) {
				t.Errorf("item %+v of version %d, want in progress with the note, version %d", it, got.Version, p.Version)
			}
			return err
		})
		f.checkAtomic(t, "", false, []events.Type{events.TypeEmployeeUpdated}, func(ctx context.Context) error {
			got, err := f.app.SetMyPlanTarget(ctx, ann(f.a), "senior")
			if err == nil && (got.Tier != competency.TierMid || got.TargetTier != competency.TierSenior) {
				t.Errorf("target %+v, want mid aiming at senior", got)
			}
			return err
		})
		// The same again changes nothing and emits nothing.
		before := f.state(t, f.a)
		if _, err := f.app.UpdateMyPlanItem(t.Context(), ann(f.a), item, app.ItemUpdate{Note: ptr("started")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.SetMyPlanTarget(t.Context(), ann(f.a), "senior"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, f.state(t, f.a)); diff != "" {
			t.Errorf("no-op writes wrote (-before +after):\n%s", diff)
		}
	})
}

func TestPlanWritesRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		p := f.withPlan(t, f.a)
		item := uuid.MustParse(p.Items[0].ID)
		beforeA, beforeB := f.state(t, f.a), f.state(t, f.b)
		analyst := tenants.Principal{Subject: "ann", Tenant: f.a, Roles: []tenants.Role{tenants.RoleAnalyst}}
		start := app.ItemUpdate{Status: ptr("in_progress")}
		cases := []struct {
			name string
			do   func() error
			kind app.Kind
			code string
		}{
			{"analyst", func() error { _, err := f.app.UpdateMyPlanItem(t.Context(), analyst, item, start); return err }, app.Forbidden, ""},
			{"closed is no status to set", func() error {
				_, err := f.app.UpdateMyPlanItem(t.Context(), ann(f.a), item, app.ItemUpdate{Status: ptr("closed")})
				return err
			}, app.Invalid, "validation"},
			{"empty update", func() error {
				_, err := f.app.UpdateMyPlanItem(t.Context(), ann(f.a), item, app.ItemUpdate{})
				return err
			}, app.Invalid, "validation"},
			{"skipping a step", func() error {
				_, err := f.app.UpdateMyPlanItem(t.Context(), ann(f.a), item, app.ItemUpdate{Status: ptr("done")})
				return err
			}, app.Conflict, "invalid-transition"},
			{"unknown item", func() error { _, err := f.app.UpdateMyPlanItem(t.Context(), ann(f.a), uuid.New(), start); return err }, app.NotFound, ""},
			// Tenant a's employee and item are nothing in tenant b.
			{"another tenant", func() error { _, err := f.app.UpdateMyPlanItem(t.Context(), ann(f.b), item, start); return err }, app.NotFound, "no-employee-record"},
			{"target below the tier", func() error { _, err := f.app.SetMyPlanTarget(t.Context(), ann(f.a), "entry"); return err }, app.Invalid, "invalid-target"},
			{"unknown tier", func() error { _, err := f.app.SetMyPlanTarget(t.Context(), ann(f.a), "chief"); return err }, app.Invalid, "validation"},
			{"target in another tenant", func() error { _, err := f.app.SetMyPlanTarget(t.Context(), ann(f.b), "senior"); return err }, app.NotFound, "no-employee-record"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { refusal(t, c.do(), c.kind, c.code) })
		}
		if diff := cmp.Diff(beforeA, f.state(t, f.a)); diff != "" {
			t.Errorf("refusals wrote (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(beforeB, f.state(t, f.b)); diff != "" {
			t.Errorf("tenant b changed (-before +after):\n%s", diff)
		}
	})
}
