package workers_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// The DevOps Engineer framework of the catalog for finance (DESIGN §4),
// levels entry/mid/senior.
const (
	slugCicd       = "ci-cd"                           // primary 2/4/5
	slugCloud      = "cloud-infrastructure-management" // primary 2/4/5
	slugCollab     = "collaboration-communication"     // primary 2/3/4
	slugProblems   = "problem-solving"                 // supporting 2/3/4
	slugSecurity   = "security-best-practices"         // supporting 1/3/5
	slugAutomation = "automation-scripting"            // supporting 2/4/5
	slugMonitoring = "monitoring-performance-tuning"   // supporting 1/3/4
	slugAgile      = "agile-methodologies"             // supporting 1/3/4
)

// planPublish publishes an event of the tenant (the tests write the rows
// themselves and publish, as the relay would after the commit).
func (r *rig) planPublish(t *testing.T, tenant tenants.ID, typ events.Type, resource string, data any) {
	t.Helper()
	ev, err := events.New(tenant, typ, resource, data, time.Now())
	if err != nil {
		t.Fatalf("New %s: %v", typ, err)
	}
	if _, err := r.bus.PublishEvent(t.Context(), ev); err != nil {
		t.Fatalf("PublishEvent: %v", err)
	}
}

func (r *rig) planTx(t *testing.T, tenant tenants.ID, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := r.db.Store.InTenant(context.Background(), tenant, fn); err != nil {
		t.Fatal(err)
	}
}

// planHire stores an employee of the tenant and publishes employee.created.
func (r *rig) planHire(t *testing.T, tenant tenants.ID, subject, role string, tier competency.Tier) store.Employee {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: subject, Name: subject, RoleSlug: role, Tier: tier, CreatedAt: now, UpdatedAt: now}
	r.planTx(t, tenant, func(tx *store.Tx) error { return tx.InsertEmployee(e) })
	r.planPublish(t, tenant, events.TypeEmployeeCreated, e.ID.String(), events.EmployeeCreated{EmployeeID: e.ID.String(), Role: role, Tier: tier.String()})
	return e
}

// planChange stores the employee as e and publishes employee.updated.
func (r *rig) planChange(t *testing.T, tenant tenants.ID, e store.Employee, changed ...string) {
	t.Helper()
	r.planTx(t, tenant, func(tx *store.Tx) error {
		return tx.UpdateEmployee(e)
	})
	r.planPublish(t, tenant, events.TypeEmployeeUpdated, e.ID.String(), events.EmployeeUpdated{EmployeeID: e.ID.String(), Role: e.RoleSlug,
		Tier: e.Tier.String(), Changed: changed})
}

// planScore stores a scored assessment of e with the given levels and publishes
// assessment.scored; it returns the event's data so that tests can publish
// it again.
func (r *rig) planScore(t *testing.T, tenant tenants.ID, e store.Employee, levels map[string]competency.Level) events.AssessmentScored {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	now := time.Now().UTC().Truncate(time.Microsecond)
	data := events.AssessmentScored{AssessmentID: id.String(), EmployeeID: e.ID.String(), Tier: e.Tier.String()}
	var res assessment.Result
	for _, slug := range slices.Sorted(func(yield func(string) bool) {
		for s := range levels {
			if !yield(s) {
				return
			}
		}
	}) {
		l := levels[slug]
		res.Competencies = append(res.Competencies, assessment.CompetencyResult{CompetencySlug: slug, Score: float64(l), Level: l, Confidence: 0.8})
		data.Results = append(data.Results, events.CompetencyResult{CompetencySlug: slug, Score: float64(l), Level: int(l), Confidence: 0.8})
	}
	r.planTx(t, tenant, func(tx *store.Tx) error {
		if err := tx.InsertAssessment(store.Assessment{ID: id, EmployeeID: e.ID, RoleSlug: e.RoleSlug, Tier: e.Tier, Seed: "seed",
			CreatedBy: e.Subject, CreatedAt: now}); err != nil {
			return err
		}
		if _, err := tx.SubmitAssessment(id); err != nil {
			return err
		}
		return tx.SaveResults(id, res, now)
	})
	r.planPublish(t, tenant, events.TypeAssessmentScored, id.String(), data)
	return data
}

// planLibrary builds the tenant's next library version for the roles with
// the overrides, as the library worker does, and publishes library.rebuilt.
func (r *rig) planLibrary(t *testing.T, tenant tenants.ID, roles []string, overrides ...library.Override) int {
	t.Helper()
	lib, err := library.Build(library.Inputs{Industry: "finance", Roles: roles, Overrides: overrides})
	if err != nil {
		t.Fatalf("library.Build: %v", err)
	}
	version := 1
	r.planTx(t, tenant, func(tx *store.Tx) error {
		latest, err := tx.LatestLibrary()
		switch {
		case err == nil:
			version = latest.Version + 1
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return tx.InsertLibraryVersion(store.LibraryVersion{Version: version, BuiltAt: time.Now().UTC(), Library: lib})
	})
	r.planPublish(t, tenant, events.TypeLibraryRebuilt, fmt.Sprint(version), events.LibraryRebuilt{Version: version, Digest: lib.Digest})
	return version
}

// currentPlan returns the employee's current plan (store.ErrNoPlan before one).
func (r *rig) currentPlan(t *testing.T, tenant tenants.ID, id uuid.UUID) (plan.Plan, error) {
	t.Helper()
	var p plan.Plan
	err := r.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
		p, err = tx.CurrentPlan(id)
		return err
	})
	return p, err
}

// waitPlan waits until the employee's current plan satisfies ok.
func (r *rig) waitPlan(t *testing.T, tenant tenants.ID, id uuid.UUID, what string, ok func(p plan.Plan) bool) plan.Plan {
	t.Helper()
	var p plan.Plan
	testwait.Until(t, waitTimeout, what, func() (bool, error) {
		var err error
		p, err = r.currentPlan(t, tenant, id)
		if err != nil {
			return false, err
		}
		return ok(p), fmt.Errorf("plan v%d: %v", p.Version, planItemSummaries(p))
	})
	return p
}

// planEvents returns the plan.updated events waiting in the tenant's outbox
// (the rig runs no relay), oldest first.
func (r *rig) planEvents(t *testing.T, tenant tenants.ID) []events.PlanUpdated {
	t.Helper()
	var out []events.PlanUpdated
	_, err := r.db.Store.Outbox().Drain(context.Background(), 100000, func(_ context.Context, recs []events.OutboxRecord) (int, error) {
		for _, rec := range recs {
			if rec.Tenant != tenant || rec.Type != events.TypePlanUpdated {
				continue
			}
			ev, err := events.Parse(rec.Payload)
			if err != nil {
				return 0, err
			}
			var p events.PlanUpdated
			if err := ev.DecodeData(&p); err != nil {
				return 0, err
			}
			out = append(out, p)
		}
		return 0, nil // leave them pending
	})
	if err != nil {
		t.Fatalf("outbox: %v", err)
	}
	return out
}

// planItemSummary is what most checks look at.
type planItemSummary struct {
	Slug   string
	Gap    int
	Status plan.Status
	Reason plan.ClosedReason
}

func planItemSummaries(p plan.Plan) []planItemSummary {
	out := make([]planItemSummary, len(p.Items))
	for i, it := range p.Items {
		out[i] = planItemSummary{it.CompetencySlug, it.Gap, it.Status, it.ClosedReason}
	}
	return out
}

// openPlanItem returns p's item for slug that is not closed.
func openPlanItem(t *testing.T, p plan.Plan, slug string) plan.Item {
	t.Helper()
	for _, it := range p.Items {
		if it.CompetencySlug == slug && it.Status != plan.Closed {
			return it
		}
	}
	t.Fatalf("no open item for %s in %v", slug, planItemSummaries(p))
	return plan.Item{}
}

// closedPlanItem returns p's closed item for slug.
func closedPlanItem(t *testing.T, p plan.Plan, slug string) plan.Item {
	t.Helper()
	for _, it := range p.Items {
		if it.CompetencySlug == slug && it.Status == plan.Closed {
			return it
		}
	}
	t.Fatalf("no closed item for %s in %v", slug, planItemSummaries(p))
	return plan.Item{}
}

func TestPlanWorkerFollowsResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		r.run(t, workers.Plans())
		ann := r.planHire(t, r.a, "ann", "devops-engineer", competency.TierMid)

		// First plan: unassessed, every competency is a gap from level 1,
		// ordered by gap × group weight (relevance is the default without
		// a library), ties by slug.
		v1 := r.waitPlan(t, r.a, ann.ID, "first plan", func(p plan.Plan) bool { return p.Version == 1 })
		want := []planItemSummary{
			{slugCicd, 3, plan.NotStarted, ""}, {slugCloud, 3, plan.NotStarted, ""}, // 3 × 1.0
			{slugCollab, 2, plan.NotStarted, ""},                                          // 2 × 1.0
			{slugAutomation, 3, plan.NotStarted, ""},                                      // 3 × 0.6
			{slugAgile, 2, plan.NotStarted, ""}, {slugMonitoring, 2, plan.NotStarted, ""}, // 2 × 0.6
			{slugProblems, 2, plan.NotStarted, ""}, {slugSecurity, 2, plan.NotStarted, ""},
		}
		if diff := cmp.Diff(want, planItemSummaries(v1)); diff != "" {
			t.Fatalf("first plan (-want +got):\n%s", diff)
		}
		if v1.Basis.AssessmentID != "" || v1.Items[0].Assessed {
			t.Errorf("first plan: basis %+v, assessed %v; want no assessment", v1.Basis, v1.Items[0].Assessed)
		}

		// The employee starts ci-cd with a note (as PATCH /v1/me/plan/items does).
		started := v1.Items[0]
		r.planTx(t, r.a, func(tx *store.Tx) error {
			cur, err := tx.CurrentPlans([]uuid.UUID{ann.ID}, true)
			if err != nil {
				return err
			}
			st, note := plan.InProgress, "pairing on the release pipeline"
			p, err := cur[ann.ID].UpdateItem(started.ID, &st, &note)
			if err != nil {
				return err
			}
			return tx.UpdatePlanItems(p)
		})

		// A scored assessment: met competencies close, the rest follow the
		// new levels, and the started item keeps its id, status and note.
		scored := r.planScore(t, r.a, ann, map[string]competency.Level{slugCloud: 4, slugCicd: 2, slugCollab: 3, slugProblems: 2, slugSecurity: 2,
			slugAutomation: 3, slugMonitoring: 3, slugAgile: 1})
		v2 := r.waitPlan(t, r.a, ann.ID, "plan after the assessment", func(p plan.Plan) bool { return p.Version == 2 })
		want = []planItemSummary{
			{slugCicd, 2, plan.InProgress, ""},                                                                                       // 2 × 1.0
			{slugAgile, 2, plan.NotStarted, ""},                                                                                      // 2 × 0.6
			{slugAutomation, 1, plan.NotStarted, ""}, {slugProblems, 1, plan.NotStarted, ""}, {slugSecurity, 1, plan.NotStarted, ""}, // 1 × 0.6
			{slugCloud, 0, plan.Closed, plan.Met}, {slugCollab, 0, plan.Closed, plan.Met}, {slugMonitoring, 0, plan.Closed, plan.Met},
		}
		if diff := cmp.Diff(want, planItemSummaries(v2)); diff != "" {
			t.Errorf("plan after the assessment (-want +got):\n%s", diff)
		}
		kept := openPlanItem(t, v2, slugCicd)
		if kept.ID != started.ID || kept.Note != "pairing on the release pipeline" || !kept.Assessed {
			t.Errorf("ci-cd after the rebuild: id %s note %q assessed %v; want id %s, the note, assessed", kept.ID, kept.Note, kept.Assessed, started.ID)
		}
		if v2.Basis.AssessmentID != scored.AssessmentID {
			t.Errorf("basis: got %+v, want assessment %s", v2.Basis, scored.AssessmentID)
		}

		// The same results again (another event) change nothing: no new
		// version, no event. An event of the other tenant naming ann
		// builds nothing there and changes nothing here.
		r.planPublish(t, r.a, events.TypeAssessmentScored, scored.AssessmentID, scored)
		r.planPublish(t, r.b, events.TypeAssessmentScored, scored.AssessmentID, scored)
		r.planPublish(t, r.b, events.TypeEmployeeUpdated, ann.ID.String(), events.EmployeeUpdated{EmployeeID: ann.ID.String(), Role: "devops-engineer", Tier: "mid", Changed: []string{"role"}})
		r.waitSettled(t, workers.PlansWorkerName)
		if got, err := r.currentPlan(t, r.a, ann.ID); err != nil || !cmp.Equal(got, v2) {
			t.Errorf("plan after repeated results: v%d (%v), want v2 unchanged: %s", got.Version, err, cmp.Diff(v2, got))
		}
		if _, err := r.currentPlan(t, r.b, ann.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant's view of ann's plan: got %v, want ErrNotFound", err)
		}
		if evs := r.planEvents(t, r.b); len(evs) != 0 {
			t.Errorf("other tenant has %d plan.updated events, want 0", len(evs))
		}
		evs := r.planEvents(t, r.a)
		wantEvents := []events.PlanUpdated{
			{EmployeeID: ann.ID.String(), Version: 1, TargetTier: "mid", Items: 8, Open: 8, Cause: events.PlanCauseEmployee},
			{EmployeeID: ann.ID.String(), Version: 2, TargetTier: "mid", AssessmentID: scored.AssessmentID, Items: 8, Open: 5, Closed: 3, Cause: events.PlanCauseAssessment},
		}
		if diff := cmp.Diff(wantEvents, evs); diff != "" {
			t.Errorf("plan.updated events (-want +got):\n%s", diff)
		}
	})
}

func TestPlanWorkerFollowsLibraryRoleAndTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		r.run(t, workers.Plans())
		ann := r.planHire(t, r.a, "ann", "devops-engineer", competency.TierMid)
		bob := r.planHire(t, r.a, "bob", "devops-engineer", competency.TierMid)
		cid := r.planHire(t, r.b, "cid", "devops-engineer", competency.TierMid)
		for _, e := range []store.Employee{ann, bob} {
			r.waitPlan(t, r.a, e.ID, e.Subject+"'s first plan", func(p plan.Plan) bool { return p.Version == 1 })
		}
		cidV1 := r.waitPlan(t, r.b, cid.ID, "cid's first plan", func(p plan.Plan) bool { return p.Version == 1 })
		bobAgile := openPlanItem(t, mustCurrentPlan(t, r, r.a, bob.ID), slugAgile)

		// Retiring a competency closes its items in every plan of the
		// tenant (and only of that tenant).
		version := r.planLibrary(t, r.a, []string{"devops-engineer"}, library.Override{Slug: slugAgile, Status: library.StatusRetired})
		for _, e := range []store.Employee{ann, bob} {
			p := r.waitPlan(t, r.a, e.ID, e.Subject+"'s plan after the retirement", func(p plan.Plan) bool { return p.Basis.LibraryVersion == version })
			it := closedPlanItem(t, p, slugAgile)
			if it.ClosedReason != plan.CompetencyRetired || p.Version != 2 {
				t.Errorf("%s: slugAgile closed for %q in v%d, want competency_retired in v2", e.Subject, it.ClosedReason, p.Version)
			}
			if e.ID == bob.ID && it.ID != bobAgile.ID {
				t.Errorf("bob's retired item has id %s, want the open item's %s", it.ID, bobAgile.ID)
			}
			if got := len(p.Items); got != 8 {
				t.Errorf("%s: %d items, want 8 (7 open, 1 closed)", e.Subject, got)
			}
		}

		// A role change rebuilds the plan against the new framework: the
		// old role's items close as role_changed, the new role's open.
		bob.RoleSlug = "data-analyst"
		r.planChange(t, r.a, bob, "role")
		p := r.waitPlan(t, r.a, bob.ID, "bob's plan as a data analyst", func(p plan.Plan) bool { return p.Role == "data-analyst" })
		for _, slug := range []string{slugCicd, slugCloud, slugCollab, slugProblems, slugSecurity, slugAutomation, slugMonitoring} {
			if it := closedPlanItem(t, p, slug); it.ClosedReason != plan.RoleChanged {
				t.Errorf("bob's %s closed for %q, want role_changed", slug, it.ClosedReason)
			}
		}
		if it := closedPlanItem(t, p, slugAgile); it.ClosedReason != plan.CompetencyRetired {
			t.Errorf("bob's slugAgile: %q, want it to stay closed as competency_retired", it.ClosedReason)
		}
		for _, slug := range []string{"data-analysis", "sql", "data-visualization", "statistics"} {
			openPlanItem(t, p, slug)
		}

		// A target tier aims the plan at that tier's levels.
		ann.TargetTier = competency.TierSenior
		r.planChange(t, r.a, ann, "target_tier")
		p = r.waitPlan(t, r.a, ann.ID, "ann's plan aiming at senior", func(p plan.Plan) bool { return p.TargetTier == competency.TierSenior })
		if it := openPlanItem(t, p, slugCloud); it.TargetLevel != 5 || it.Gap != 4 {
			t.Errorf("ann's slugCloud item aiming at senior: target %d gap %d, want 5 and 4", it.TargetLevel, it.Gap)
		}

		// The other tenant's plans did not move.
		r.waitSettled(t, workers.PlansWorkerName)
		if got := mustCurrentPlan(t, r, r.b, cid.ID); !cmp.Equal(got, cidV1) {
			t.Errorf("other tenant's plan changed: %s", cmp.Diff(cidV1, got))
		}
	})
}

func mustCurrentPlan(t *testing.T, r *rig, tenant tenants.ID, id uuid.UUID) plan.Plan {
	t.Helper()
	p, err := r.currentPlan(t, tenant, id)
	if err != nil {
		t.Fatalf("plan of %s: %v", id, err)
	}
	return p
}

// TestPlanRebuildWaitsForItemUpdate: a rebuild that starts while an item
// update holds the employee's plan waits for it and keeps the update (no
// lost update). PostgreSQL only: SQLite has one writer at a time anyway.
func TestPlanRebuildWaitsForItemUpdate(t *testing.T) {
	db := storetest.Postgres(t)
	r := newRig(t, db)
	r.run(t, workers.Plans())
	ann := r.planHire(t, r.a, "ann", "devops-engineer", competency.TierMid)
	v1 := r.waitPlan(t, r.a, ann.ID, "first plan", func(p plan.Plan) bool { return p.Version == 1 })
	item := v1.Items[0]

	locked, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	unlock := func() { releaseOnce.Do(func() { close(release) }) }
	// A failure below must not leave the update holding the lock: the
	// rig's cleanup waits for the worker, which waits for the lock.
	t.Cleanup(unlock)
	updated := make(chan error, 1)
	go func() {
		updated <- db.Store.InTenant(context.Background(), r.a, func(tx *store.Tx) error {
			cur, err := tx.CurrentPlans([]uuid.UUID{ann.ID}, true)
			if err != nil {
				return err
			}
			close(locked)
			<-release
			st, note := plan.InProgress, "started while a rebuild waits"
			p, err := cur[ann.ID].UpdateItem(item.ID, &st, &note)
			if err != nil {
				return err
			}
			return tx.UpdatePlanItems(p)
		})
	}()
	select {
	case <-locked:
	case err := <-updated:
		t.Fatalf("item update ended before it held the lock: %v", err)
	}
	// A target change rebuilds the plan; its handler must wait for the lock.
	ann.TargetTier = competency.TierSenior
	r.planChange(t, r.a, ann, "target_tier")
	testwait.Until(t, waitTimeout, "the rebuild to wait for the plan's lock", func() (bool, error) {
		var n int
		err := db.Store.DB().QueryRowContext(context.Background(),
			"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()").Scan(&n)
		return n > 0, err
	})
	unlock()
	if err := <-updated; err != nil {
		t.Fatalf("item update: %v", err)
	}
	p := r.waitPlan(t, r.a, ann.ID, "the plan aiming at senior", func(p plan.Plan) bool { return p.TargetTier == competency.TierSenior })
	if it, _ := p.Item(item.ID); it.Status != plan.InProgress || it.Note != "started while a rebuild waits" {
		t.Errorf("item after the rebuild: %s %q, want in_progress with the note (the update was lost)", it.Status, it.Note)
	}
}
