package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// planFramework is a small framework: cloud (primary 2/4/5) and agile
// (supporting 1/3/4), each with one course per level.
func planFramework(t *testing.T) competency.RoleFramework {
	t.Helper()
	entry := func(slug string, g competency.Group, e, m, s competency.Level) competency.Entry {
		ls, err := competency.NewLevels(e, m, s)
		if err != nil {
			t.Fatal(err)
		}
		c := competency.Competency{Slug: slug, Name: slug, Category: competency.Technical, Actions: map[competency.Level][]competency.Action{}}
		for _, l := range competency.AllLevels() {
			c.Actions[l] = []competency.Action{{Kind: competency.Course, Title: slug + " course", Detail: "level " + l.Label()}}
		}
		return competency.Entry{Competency: c, Group: g, Levels: ls}
	}
	return competency.RoleFramework{Role: competency.Role{Slug: "devops-engineer", Title: "DevOps Engineer"},
		Entries: []competency.Entry{entry("cloud", competency.Primary, 2, 4, 5), entry("agile", competency.Supporting, 1, 3, 4)}}
}

// buildPlan builds e's plan on top of prev (nil for the first) with the
// given levels.
func buildPlan(t *testing.T, e store.Employee, prev *plan.Plan, levels map[string]competency.Level, now time.Time) plan.Plan {
	t.Helper()
	var cur []plan.Current
	for slug, l := range levels {
		cur = append(cur, plan.Current{Slug: slug, Level: l})
	}
	p := plan.Build(plan.Input{EmployeeID: e.ID.String(), Framework: planFramework(t), Tier: e.Tier, Results: cur,
		Previous: prev, Basis: plan.Basis{LibraryVersion: 3, AssessmentID: uuid.NewString()}, Now: now.UTC().Truncate(time.Microsecond)})
	if !p.Changed {
		t.Fatalf("setup: plan of %s did not change", e.Subject)
	}
	p.Changed = false // as read back: Changed is a result of Build, not stored
	return p
}

// scoreAssessment stores a scored assessment of e with the given levels.
func scoreAssessment(t *testing.T, s *store.Store, tenant tenants.ID, e store.Employee, levels map[string]competency.Level, at time.Time) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	var res assessment.Result
	for slug, l := range levels {
		res.Competencies = append(res.Competencies, assessment.CompetencyResult{CompetencySlug: slug, Score: float64(l), Level: l,
			RequiredLevel: 4, Confidence: 0.7})
	}
	inTenant(t, s, tenant, func(tx *store.Tx) error {
		if err := tx.InsertAssessment(store.Assessment{ID: id, EmployeeID: e.ID, RoleSlug: e.RoleSlug, Tier: e.Tier, Seed: "s",
			CreatedBy: e.Subject, CreatedAt: at}); err != nil {
			return err
		}
		if _, err := tx.SubmitAssessment(id); err != nil {
			return err
		}
		return tx.SaveResults(id, res, at)
	})
	return id
}

func TestPlansStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		ann, bob := newEmployee("ann", "devops-engineer", uuid.Nil), newEmployee("bob", "devops-engineer", uuid.Nil)
		inTenant(t, s, a, func(tx *store.Tx) error {
			if err := tx.InsertEmployee(ann); err != nil {
				return err
			}
			return tx.InsertEmployee(bob)
		})
		t0 := time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)
		annV1 := buildPlan(t, ann, nil, nil, t0)
		bobV1 := buildPlan(t, bob, nil, map[string]competency.Level{"cloud": 3}, t0)

		inTenant(t, s, a, func(tx *store.Tx) error {
			if _, err := tx.CurrentPlan(ann.ID); !errors.Is(err, store.ErrNoPlan) {
				t.Errorf("before any plan: got %v, want ErrNoPlan", err)
			}
			if _, err := tx.CurrentPlanBySubject("ann"); !errors.Is(err, store.ErrNoPlan) {
				t.Errorf("by subject before any plan: got %v, want ErrNoPlan", err)
			}
			if _, err := tx.CurrentPlan(uuid.New()); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown employee: got %v, want ErrNotFound", err)
			}
			if _, err := tx.CurrentPlanBySubject("nobody"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown subject: got %v, want ErrNotFound", err)
			}
			return tx.SavePlans([]plan.Plan{annV1, bobV1})
		})

		annV2 := buildPlan(t, ann, &annV1, map[string]competency.Level{"cloud": 4, "agile": 2}, t0.Add(time.Hour))
		var annV2Edited plan.Plan
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.CurrentPlanBySubject("ann")
			if err != nil {
				return err
			}
			if diff := cmp.Diff(annV1, got); diff != "" {
				t.Errorf("current plan by subject (-want +got):\n%s", diff)
			}
			all, err := tx.CurrentPlans(nil, true)
			if err != nil {
				return err
			}
			if len(all) != 2 || !cmp.Equal(all[bob.ID], bobV1) {
				t.Errorf("all current plans: got %d, bob's %+v, want 2 with bob's v1", len(all), all[bob.ID])
			}
			one, err := tx.CurrentPlans([]uuid.UUID{bob.ID, uuid.New()}, false)
			if err != nil || len(one) != 1 {
				t.Errorf("current plans of bob and a stranger: got %d (%v), want 1", len(one), err)
			}
			if err := tx.SavePlans([]plan.Plan{annV2}); err != nil {
				return err
			}
			annV2Edited, err = annV2.UpdateItem(annV2.Items[0].ID, ptrTo(plan.InProgress), ptrTo("pairing with Dana"))
			if err != nil {
				return err
			}
			if err := tx.UpdatePlanItems(annV2Edited); err != nil {
				return err
			}
			if err := tx.UpdatePlanItems(annV1); !errors.Is(err, store.ErrConflict) {
				t.Errorf("update items of an old version: got %v, want ErrConflict", err)
			}
			return nil
		})
		// A version taken already is a conflict and changes nothing.
		err := s.InTenant(t.Context(), a, func(tx *store.Tx) error { return tx.SavePlans([]plan.Plan{annV2}) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("saving version 2 twice: got %v, want ErrConflict", err)
		}
		// So is a version that skips one (the head is not at the version
		// before): its row is not kept either.
		annV4 := annV2
		annV4.Version = 4
		err = s.InTenant(t.Context(), a, func(tx *store.Tx) error { return tx.SavePlans([]plan.Plan{annV4}) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("saving version 4 over version 2: got %v, want ErrConflict", err)
		}

		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.CurrentPlan(ann.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(annV2Edited, got); diff != "" {
				t.Errorf("current plan after v2 and an item update (-want +got):\n%s", diff)
			}
			hist, err := tx.PlanHistory(ann.ID, 0, 10)
			if err != nil {
				return err
			}
			if len(hist) != 2 || hist[0].Version != 2 || hist[1].Version != 1 || !cmp.Equal(hist[1], annV1) {
				t.Errorf("history: got %d versions %v, want v2, v1", len(hist), versionsOf(hist))
			}
			page, err := tx.PlanHistory(ann.ID, 2, 10)
			if err != nil || len(page) != 1 || page[0].Version != 1 {
				t.Errorf("history before 2: got %v (%v), want [1]", versionsOf(page), err)
			}
			return nil
		})

		// The other tenant sees, changes and erases none of it.
		inTenant(t, s, b, func(tx *store.Tx) error {
			if _, err := tx.CurrentPlan(ann.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant reads the plan: got %v, want ErrNotFound", err)
			}
			if _, err := tx.CurrentPlanBySubject("ann"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant reads by subject: got %v, want ErrNotFound", err)
			}
			all, err := tx.CurrentPlans(nil, true)
			if err != nil || len(all) != 0 {
				t.Errorf("other tenant's current plans: got %d (%v), want 0", len(all), err)
			}
			prev, err := tx.PreviousPlans([]uuid.UUID{ann.ID, bob.ID})
			if err != nil || len(prev) != 0 {
				t.Errorf("other tenant's previous plans: got %d (%v), want 0", len(prev), err)
			}
			hist, err := tx.PlanHistory(ann.ID, 0, 10)
			if err != nil || len(hist) != 0 {
				t.Errorf("other tenant's history: got %d (%v), want 0", len(hist), err)
			}
			res, err := tx.LatestResultsByEmployee(nil)
			if err != nil || len(res) != 0 {
				t.Errorf("other tenant's results: got %d (%v), want 0", len(res), err)
			}
			if err := tx.UpdatePlanItems(annV2); !errors.Is(err, store.ErrConflict) {
				t.Errorf("other tenant updates items: got %v, want ErrConflict", err)
			}
			if err := tx.SetTargetTier(ann.ID, competency.TierSenior); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant sets the target: got %v, want ErrNotFound", err)
			}
			return nil
		})
		// Saving a plan for an employee of another tenant fails (the
		// employee is not in this tenant) and writes nothing.
		err = s.InTenant(t.Context(), b, func(tx *store.Tx) error {
			return tx.SavePlans([]plan.Plan{buildPlan(t, ann, nil, nil, t0)})
		})
		if err == nil {
			t.Errorf("other tenant saves a plan for ann: got nil error")
		}
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.CurrentPlan(ann.ID)
			if err != nil {
				return err
			}
			if !cmp.Equal(got, annV2Edited) {
				t.Errorf("ann's plan changed after the other tenant's writes: %s", cmp.Diff(annV2Edited, got))
			}
			e, err := tx.Employee(ann.ID)
			if err != nil || e.TargetTier != 0 {
				t.Errorf("ann's target after the other tenant's writes: %v (%v), want none", e.TargetTier, err)
			}
			return nil
		})

		// Deleting an employee erases their plans.
		inTenant(t, s, a, func(tx *store.Tx) error {
			if _, _, err := tx.DeleteEmployee(bob.ID); err != nil {
				return err
			}
			all, err := tx.CurrentPlans(nil, false)
			if err != nil {
				return err
			}
			if _, ok := all[bob.ID]; ok || len(all) != 1 {
				t.Errorf("after deleting bob: %d plans, bob's present %v; want ann's only", len(all), ok)
			}
			hist, err := tx.PlanHistory(bob.ID, 0, 10)
			if err != nil || len(hist) != 0 {
				t.Errorf("bob's history after deletion: %d (%v), want 0", len(hist), err)
			}
			return nil
		})
	})
}

func TestLatestResultsByEmployee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a := newTenant(t, s, "acme")
		ann, bob, cid := newEmployee("ann", "devops-engineer", uuid.Nil), newEmployee("bob", "devops-engineer", uuid.Nil), newEmployee("cid", "devops-engineer", uuid.Nil)
		inTenant(t, s, a, func(tx *store.Tx) error {
			for _, e := range []store.Employee{ann, bob, cid} {
				if err := tx.InsertEmployee(e); err != nil {
					return err
				}
			}
			return nil
		})
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		scoreAssessment(t, s, a, ann, map[string]competency.Level{"cloud": 2, "agile": 1}, t0)
		second := scoreAssessment(t, s, a, ann, map[string]competency.Level{"cloud": 4}, t0.Add(time.Hour))
		bobs := scoreAssessment(t, s, a, bob, map[string]competency.Level{"agile": 3}, t0)

		want := map[uuid.UUID]store.Results{
			ann.ID: {AssessmentID: second.String(), Current: []plan.Current{
				{Slug: "agile", Level: 1, Score: 1, Confidence: 0.7}, {Slug: "cloud", Level: 4, Score: 4, Confidence: 0.7}}},
			bob.ID: {AssessmentID: bobs.String(), Current: []plan.Current{{Slug: "agile", Level: 3, Score: 3, Confidence: 0.7}}},
		}
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.LatestResultsByEmployee(nil)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("latest results of everyone (-want +got):\n%s", diff)
			}
			some, err := tx.LatestResultsByEmployee([]uuid.UUID{bob.ID, cid.ID})
			if err != nil {
				return err
			}
			if diff := cmp.Diff(map[uuid.UUID]store.Results{bob.ID: want[bob.ID]}, some); diff != "" {
				t.Errorf("latest results of bob and cid (-want +got):\n%s", diff)
			}
			return nil
		})
	})
}

func TestSetTargetTier(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a := newTenant(t, s, "acme")
		ann := newEmployee("ann", "devops-engineer", uuid.Nil)
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.InsertEmployee(ann) })
		for _, target := range []competency.Tier{competency.TierSenior, 0} {
			inTenant(t, s, a, func(tx *store.Tx) error {
				if err := tx.SetTargetTier(ann.ID, target); err != nil {
					return err
				}
				got, err := tx.Employee(ann.ID)
				if err != nil {
					return err
				}
				if got.TargetTier != target || !got.SameAs(ann) {
					t.Errorf("after SetTargetTier(%v): got target %v, employee %+v; want only the target changed", target, got.TargetTier, got)
				}
				return nil
			})
		}
		err := s.InTenant(t.Context(), a, func(tx *store.Tx) error { return tx.SetTargetTier(uuid.New(), competency.TierSenior) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown employee: got %v, want ErrNotFound", err)
		}
	})
}

func TestEmitPlansUpdated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a := newTenant(t, s, "acme")
		ann, bob := newEmployee("ann", "devops-engineer", uuid.Nil), newEmployee("bob", "devops-engineer", uuid.Nil)
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		plans := []plan.Plan{buildPlan(t, ann, nil, nil, t0), buildPlan(t, bob, nil, map[string]competency.Level{"cloud": 4}, t0)}
		inTenant(t, s, a, func(tx *store.Tx) error {
			return tx.EmitPlansUpdated([]events.PlanUpdated{events.NewPlanUpdated(plans[0], events.PlanCauseLibrary),
				events.NewPlanUpdated(plans[1], events.PlanCauseLibrary)})
		})
		var got []events.PlanUpdated
		_, err := s.Outbox().Drain(t.Context(), 100, func(_ context.Context, recs []events.OutboxRecord) (int, error) {
			for _, r := range recs {
				if r.Type != events.TypePlanUpdated {
					continue
				}
				ev, err := events.Parse(r.Payload)
				if err != nil {
					return 0, err
				}
				var p events.PlanUpdated
				if err := ev.DecodeData(&p); err != nil {
					return 0, err
				}
				got = append(got, p)
			}
			return len(recs), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []events.PlanUpdated{
			{EmployeeID: ann.ID.String(), Version: 1, TargetTier: "mid", LibraryVersion: 3, AssessmentID: plans[0].Basis.AssessmentID,
				Items: 2, Open: 2, Cause: "library"},
			{EmployeeID: bob.ID.String(), Version: 1, TargetTier: "mid", LibraryVersion: 3, AssessmentID: plans[1].Basis.AssessmentID,
				Items: 1, Open: 1, Cause: "library"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("plan.updated events (-want +got):\n%s", diff)
		}
	})
}

func versionsOf(ps []plan.Plan) []int {
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = p.Version
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

func TestReadCurrentPlanBySubject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		ctx := t.Context()
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		ann := newEmployee("ann", "devops-engineer", uuid.Nil)
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.InsertEmployee(ann) })
		// The other tenant has an employee with the same subject.
		other := newEmployee("ann", "devops-engineer", uuid.Nil)
		inTenant(t, s, b, func(tx *store.Tx) error { return tx.InsertEmployee(other) })

		if _, err := s.ReadCurrentPlanBySubject(ctx, a, "ann"); !errors.Is(err, store.ErrNoPlan) {
			t.Errorf("before any plan: got %v, want ErrNoPlan", err)
		}
		p := buildPlan(t, ann, nil, map[string]competency.Level{"cloud": 3}, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.SavePlans([]plan.Plan{p}) })

		d, err := s.ReadCurrentPlanBySubject(ctx, a, "ann")
		if err != nil {
			t.Fatal(err)
		}
		var want store.PlanDocument
		inTenant(t, s, a, func(tx *store.Tx) (err error) { want, err = tx.CurrentPlanDocumentBySubject("ann"); return err })
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("one-round-trip read (-in-transaction read +got):\n%s", diff)
		}
		got, err := d.Plan()
		if err != nil || !cmp.Equal(got, p) {
			t.Errorf("decoded: %v, diff %s", err, cmp.Diff(p, got))
		}
		// Scoped to the other tenant, ann's plan is not there: the other
		// tenant's ann has none, and a stranger has no record.
		if _, err := s.ReadCurrentPlanBySubject(ctx, b, "ann"); !errors.Is(err, store.ErrNoPlan) {
			t.Errorf("other tenant's ann: got %v, want ErrNoPlan", err)
		}
		if _, err := s.ReadCurrentPlanBySubject(ctx, a, "stranger"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown subject: got %v, want ErrNotFound", err)
		}
		if _, err := s.ReadCurrentPlanBySubject(ctx, tenants.ID{}, "ann"); !errors.Is(err, store.ErrNoTenant) {
			t.Errorf("no tenant: got %v, want ErrNoTenant", err)
		}
	})
}
