package workers_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// TestRebuildPlansManyEmployees: a tenant-wide rebuild of more employees
// than are built on one goroutine (the build runs on several while the
// batches are written) writes a version and an event for every plan that
// changed and nothing for those that did not, though the previous plans are
// read without the actions of their open items; an item's note carries
// over, and an item closed (retired, met, role changed) keeps its actions;
// the other tenant is untouched.
func TestRebuildPlansManyEmployees(t *testing.T) {
	const n = 300 // above parallelMin: built on several goroutines
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db) // no worker runs: the test calls RebuildPlans
		ids := make([]uuid.UUID, n)
		now := time.Now().UTC().Truncate(time.Microsecond)
		r.planTx(t, r.a, func(tx *store.Tx) error {
			for i := range ids {
				tier := competency.TierMid
				if i%3 == 0 {
					tier = competency.TierSenior
				}
				e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: fmt.Sprint("e", i), Name: "E", RoleSlug: "devops-engineer",
					Tier: tier, CreatedAt: now, UpdatedAt: now}
				if err := tx.InsertEmployee(e); err != nil {
					return err
				}
				ids[i] = e.ID
			}
			return nil
		})
		other := r.planHire(t, r.b, "other", "devops-engineer", competency.TierMid)
		r.planLibrary(t, r.a, []string{"devops-engineer"})
		r.planLibrary(t, r.b, []string{"devops-engineer"})
		rebuild := func(tenant tenants.ID, at time.Time) workers.RebuildReport {
			t.Helper()
			var rep workers.RebuildReport
			r.planTx(t, tenant, func(tx *store.Tx) (err error) {
				rep, err = workers.RebuildPlans(context.Background(), tx, nil, events.PlanCauseLibrary, at)
				return err
			})
			return rep
		}
		plans := func() map[uuid.UUID]plan.Plan {
			t.Helper()
			var all map[uuid.UUID]plan.Plan
			r.planTx(t, r.a, func(tx *store.Tx) (err error) {
				all, err = tx.CurrentPlans(nil, false)
				return err
			})
			if len(all) != n {
				t.Fatalf("%d current plans, want %d", len(all), n)
			}
			return all
		}
		eventsSoFar := 0
		checkEvents := func(want int, what string) {
			t.Helper()
			got := len(r.planEvents(t, r.a))
			if got-eventsSoFar != want {
				t.Errorf("%s: %d new plan.updated events, want %d", what, got-eventsSoFar, want)
			}
			eventsSoFar = got
		}

		if rep := rebuild(r.a, now); rep.Changed != n || rep.Employees != n {
			t.Fatalf("first build: %+v, want %d changed", rep, n)
		}
		checkEvents(n, "first build")
		rebuild(r.b, now)
		otherV1 := mustCurrentPlan(t, r, r.b, other.ID)
		v1 := plans()

		// Nothing changed: no version, no event.
		if rep := rebuild(r.a, now.Add(time.Hour)); rep.Changed != 0 {
			t.Errorf("rebuild of unchanged plans: %d changed, want 0", rep.Changed)
		}
		checkEvents(0, "unchanged rebuild")

		// A note on an item is kept by rebuilds and changes nothing itself.
		noted := ids[n/2]
		item := openPlanItem(t, v1[noted], slugCicd)
		r.planTx(t, r.a, func(tx *store.Tx) error {
			cur, err := tx.CurrentPlans([]uuid.UUID{noted}, true)
			if err != nil {
				return err
			}
			upd, err := cur[noted].UpdateItem(item.ID, nil, new("pairing on the pipeline"))
			if err != nil {
				return err
			}
			return tx.UpdatePlanItems(upd)
		})
		if rep := rebuild(r.a, now.Add(2*time.Hour)); rep.Changed != 0 {
			t.Errorf("rebuild after a note: %d changed, want 0", rep.Changed)
		}
		checkEvents(0, "rebuild after a note")

		// Retiring a competency changes every plan: its item closes with
		// its actions, the other items keep theirs.
		r.planLibrary(t, r.a, []string{"devops-engineer"}, library.Override{Slug: slugAgile, Status: library.StatusRetired})
		if rep := rebuild(r.a, now.Add(3*time.Hour)); rep.Changed != n {
			t.Errorf("rebuild after a retirement: %d changed, want %d", rep.Changed, n)
		}
		checkEvents(n, "rebuild after a retirement")
		v2 := plans()
		for _, id := range ids {
			before, after := v1[id], v2[id]
			if after.Version != 2 {
				t.Fatalf("plan of %s at v%d after the retirement, want v2", id, after.Version)
			}
			closed := closedPlanItem(t, after, slugAgile)
			if open := openPlanItem(t, before, slugAgile); closed.ClosedReason != plan.CompetencyRetired || closed.ID != open.ID ||
				len(closed.Actions) == 0 || !slices.Equal(closed.Actions, open.Actions) {
				t.Fatalf("retired item of %s: %+v, want the open item %+v closed as retired with its actions", id, closed, open)
			}
			if a, b := openPlanItem(t, before, slugCloud), openPlanItem(t, after, slugCloud); len(a.Actions) == 0 || !slices.Equal(a.Actions, b.Actions) {
				t.Fatalf("open item of %s: actions %v, want %v", id, b.Actions, a.Actions)
			}
		}
		if it := openPlanItem(t, v2[noted], slugCicd); it.Note != "pairing on the pipeline" || it.ID != item.ID {
			t.Errorf("noted item after the retirement: %+v, want the note kept", it)
		}

		// Closed items are read with their actions: still nothing to do.
		if rep := rebuild(r.a, now.Add(4*time.Hour)); rep.Changed != 0 {
			t.Errorf("rebuild with closed items: %d changed, want 0", rep.Changed)
		}
		checkEvents(0, "rebuild with closed items")

		// Items that close because they are met, or because the role
		// changed, keep their actions too.
		met, moved := ids[1], ids[2]
		var metEmployee, movedEmployee store.Employee
		r.planTx(t, r.a, func(tx *store.Tx) (err error) {
			if metEmployee, err = tx.Employee(met); err != nil {
				return err
			}
			movedEmployee, err = tx.Employee(moved)
			return err
		})
		expert := map[string]competency.Level{}
		for _, it := range v2[met].Items {
			expert[it.CompetencySlug] = competency.Expert
		}
		r.planScore(t, r.a, metEmployee, expert)
		movedEmployee.RoleSlug = "data-analyst"
		r.planChange(t, r.a, movedEmployee, "role")
		if rep := rebuild(r.a, now.Add(5*time.Hour)); rep.Changed != 2 {
			t.Errorf("rebuild after a score and a role change: %d changed, want 2", rep.Changed)
		}
		checkEvents(2, "rebuild after a score and a role change")
		v3 := plans()
		for id, reason := range map[uuid.UUID]plan.ClosedReason{met: plan.Met, moved: plan.RoleChanged} {
			for _, slug := range []string{slugCicd, slugCloud} {
				before, after := openPlanItem(t, v2[id], slug), closedPlanItem(t, v3[id], slug)
				if after.ClosedReason != reason || len(after.Actions) == 0 || !slices.Equal(before.Actions, after.Actions) {
					t.Errorf("%s item of %s closed as %q with actions %v, want %q with %v", slug, id, after.ClosedReason, after.Actions, reason, before.Actions)
				}
			}
		}

		if got := mustCurrentPlan(t, r, r.b, other.ID); got.Version != otherV1.Version || got.Basis != otherV1.Basis {
			t.Errorf("other tenant's plan: v%d %+v, want v%d %+v", got.Version, got.Basis, otherV1.Version, otherV1.Basis)
		}
	})
}
