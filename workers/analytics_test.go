package workers_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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
	"github.com/cadrehq/cadre/workers"
)

// analyticsSim changes a tenant's source tables the way the API and the
// other workers do, and collects the events those changes emit, for the
// projector to receive in any order. It also keeps its own model of each
// employee's latest scored results, to check the aggregates against a
// computation that shares no code with the store.
type analyticsSim struct {
	t      testing.TB
	db     storetest.DB
	tenant tenants.ID
	rng    *rand.Rand
	clock  time.Time
	events []events.Event

	employees map[uuid.UUID]*simEmployee
}

type simEmployee struct {
	team, role string
	latest     map[string]assessment.CompetencyResult // by slug: the latest scored assessment's results
}

var simTeams = []string{"payments", "platform", "risk", ""}

var simRoles = []string{"devops-engineer", "software-engineer", "data-engineer"}

var simSlugs = []string{slugCicd, slugCloud, slugCollab, slugProblems, slugSecurity, slugAutomation}

func newAnalyticsSim(t testing.TB, db storetest.DB, tenant tenants.ID, seed uint64) *analyticsSim {
	return &analyticsSim{t: t, db: db, tenant: tenant, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		clock: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), employees: map[uuid.UUID]*simEmployee{}}
}

func (s *analyticsSim) tx(fn func(tx *store.Tx) error) {
	s.t.Helper()
	if err := s.db.Store.InTenant(context.Background(), s.tenant, fn); err != nil {
		s.t.Fatal(err)
	}
}

func (s *analyticsSim) emit(typ events.Type, resource string, data any) {
	s.t.Helper()
	ev, err := events.New(s.tenant, typ, resource, data, time.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	s.events = append(s.events, ev)
}

func (s *analyticsSim) pick(list []string) string { return list[s.rng.IntN(len(list))] }

// anyEmployee returns a random living employee, sorted for determinism.
func (s *analyticsSim) anyEmployee() (uuid.UUID, bool) {
	ids := make([]uuid.UUID, 0, len(s.employees))
	for id := range s.employees {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return uuid.Nil, false
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return ids[s.rng.IntN(len(ids))], true
}

// some returns a random living employee; the test fails when there is none.
func (s *analyticsSim) some() uuid.UUID {
	s.t.Helper()
	id, ok := s.anyEmployee()
	if !ok {
		s.t.Fatal("no employee")
	}
	return id
}

func (s *analyticsSim) hire() {
	now := s.clock
	e := store.Employee{ID: uuid.Must(uuid.NewV7()), Name: "n", RoleSlug: s.pick(simRoles), Tier: competency.TierMid, Team: s.pick(simTeams),
		CreatedAt: now, UpdatedAt: now}
	e.Subject = "sub-" + e.ID.String()
	s.tx(func(tx *store.Tx) error { return tx.InsertEmployee(e) })
	s.employees[e.ID] = &simEmployee{team: e.Team, role: e.RoleSlug}
	s.emit(events.TypeEmployeeCreated, e.ID.String(), events.EmployeeCreated{EmployeeID: e.ID.String(), Role: e.RoleSlug, Tier: "mid", Team: e.Team})
}

func (s *analyticsSim) move(id uuid.UUID) {
	se := s.employees[id]
	se.team, se.role = s.pick(simTeams), s.pick(simRoles)
	s.tx(func(tx *store.Tx) error {
		e, err := tx.Employee(id)
		if err != nil {
			return err
		}
		e.Team, e.RoleSlug, e.UpdatedAt = se.team, se.role, s.clock
		return tx.UpdateEmployee(e)
	})
	s.emit(events.TypeEmployeeUpdated, id.String(), events.EmployeeUpdated{EmployeeID: id.String(), Role: se.role, Tier: "mid", Team: se.team,
		Changed: []string{"team", "role"}})
}

func (s *analyticsSim) fire(id uuid.UUID) {
	s.tx(func(tx *store.Tx) error {
		_, _, err := tx.DeleteEmployee(id)
		return err
	})
	delete(s.employees, id)
	s.emit(events.TypeEmployeeDeleted, id.String(), events.EmployeeDeleted{EmployeeID: id.String()})
}

// score stores a scored assessment of a random subset of competencies with
// random levels (weak and strong), then rebuilds the plan as the plan worker
// would; both emit their events.
func (s *analyticsSim) score(id uuid.UUID) {
	se := s.employees[id]
	aid := uuid.Must(uuid.NewV7())
	var res assessment.Result
	for _, slug := range simSlugs {
		if s.rng.IntN(4) == 0 {
			continue
		}
		level := competency.Level(1 + s.rng.IntN(5))
		required := competency.Level(2 + s.rng.IntN(3))
		res.Competencies = append(res.Competencies, assessment.CompetencyResult{CompetencySlug: slug, Score: float64(level) - s.rng.Float64()*0.9,
			Level: level, RequiredLevel: required, Gap: max(0, int(required-level)), Confidence: 0.7})
	}
	s.clock = s.clock.Add(time.Duration(1+s.rng.IntN(90)) * time.Minute)
	at := s.clock
	s.tx(func(tx *store.Tx) error {
		if err := tx.InsertAssessment(store.Assessment{ID: aid, EmployeeID: id, RoleSlug: se.role, Tier: competency.TierMid, Seed: "s",
			CreatedBy: "t", CreatedAt: at}); err != nil {
			return err
		}
		if _, err := tx.SubmitAssessment(aid); err != nil {
			return err
		}
		if err := tx.SaveResults(aid, res, at); err != nil {
			return err
		}
		_, err := workers.RebuildPlans(context.Background(), tx, []uuid.UUID{id}, events.PlanCauseAssessment, at)
		return err
	})
	se.latest = map[string]assessment.CompetencyResult{}
	for _, c := range res.Competencies {
		se.latest[c.CompetencySlug] = c
	}
	s.emit(events.TypeAssessmentScored, aid.String(), events.AssessmentScored{AssessmentID: aid.String(), EmployeeID: id.String(), Tier: "mid"})
	s.emit(events.TypePlanUpdated, id.String(), events.PlanUpdated{EmployeeID: id.String(), Cause: events.PlanCauseAssessment})
}

// progress moves an open item of the employee's plan on, as the employee
// would through the API.
func (s *analyticsSim) progress(id uuid.UUID) {
	changed := false
	s.tx(func(tx *store.Tx) error {
		ps, err := tx.CurrentPlans([]uuid.UUID{id}, true)
		if err != nil {
			return err
		}
		p, ok := ps[id]
		if !ok {
			return nil
		}
		for i, it := range p.Items {
			switch it.Status {
			case plan.NotStarted:
				p.Items[i].Status = plan.InProgress
			case plan.InProgress:
				p.Items[i].Status = plan.Done
			default:
				continue
			}
			changed = true
			break
		}
		if !changed {
			return nil
		}
		return tx.UpdatePlanItems(p)
	})
	if changed {
		s.emit(events.TypePlanUpdated, id.String(), events.PlanUpdated{EmployeeID: id.String(), Cause: events.PlanCauseItem})
	}
}

// step makes one random change.
func (s *analyticsSim) step() {
	id, ok := s.anyEmployee()
	switch r := s.rng.IntN(10); {
	case !ok || r < 3:
		s.hire()
	case r < 6:
		s.score(id)
	case r < 8:
		s.progress(id)
	case r < 9:
		s.move(id)
	default:
		s.fire(id)
	}
}

// deliver hands events to the projector inside tenant's transactions, each
// possibly twice, in the order given.
func deliver(t testing.TB, db storetest.DB, tenant tenants.ID, evs []events.Event) {
	t.Helper()
	w := workers.Analytics()
	for _, ev := range evs {
		err := db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
			return w.Handle(context.Background(), tx, ev)
		})
		if err != nil {
			t.Fatalf("handle %s: %v", ev.Type, err)
		}
	}
}

// shuffledWithDuplicates returns evs in a random order with about a third of
// them delivered twice.
func shuffledWithDuplicates(rng *rand.Rand, evs []events.Event) []events.Event {
	out := slices.Clone(evs)
	for _, ev := range evs {
		if rng.IntN(3) == 0 {
			out = append(out, ev)
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func snapshot(t *testing.T, db storetest.DB, tenant tenants.ID) store.AnalyticsSnapshot {
	t.Helper()
	var snap store.AnalyticsSnapshot
	err := db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
		snap, err = tx.AnalyticsSnapshot()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func rebuild(t *testing.T, db storetest.DB, tenant tenants.ID) store.AnalyticsRebuild {
	t.Helper()
	var rep store.AnalyticsRebuild
	err := db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
		rep, err = tx.RebuildAnalytics()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestAnalyticsProjectionOrderTolerant interleaves source changes with the
// delivery of their events, in random orders and with duplicates, and
// checks that the read models then equal a rebuild from the source tables,
// and that their figures match the simulation's own model.
func TestAnalyticsProjectionOrderTolerant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
				a, b := createTenant(t, db, fmt.Sprintf("acme-%d", seed)), createTenant(t, db, fmt.Sprintf("globex-%d", seed))
				sim := newAnalyticsSim(t, db, a, seed)
				other := newAnalyticsSim(t, db, b, seed+100)
				for range 3 {
					other.hire()
				}
				other.score(other.some())
				deliver(t, db, b, other.events)
				beforeB := snapshot(t, db, b)

				var pending []events.Event
				for range 60 {
					sim.step()
					pending = append(pending, sim.events...)
					sim.events = nil
					// Deliver a random part of what is pending, shuffled and
					// duplicated; the rest waits (late events).
					sim.rng.Shuffle(len(pending), func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
					n := sim.rng.IntN(len(pending) + 1)
					deliver(t, db, a, shuffledWithDuplicates(sim.rng, pending[:n]))
					pending = slices.Clone(pending[n:])
				}
				deliver(t, db, a, shuffledWithDuplicates(sim.rng, pending))

				got := snapshot(t, db, a)
				if rep := rebuild(t, db, a); rep.Drifted {
					t.Errorf("rebuild reports drift")
				}
				want := snapshot(t, db, a)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("read models differ from a rebuild (-rebuild +projected):\n%s", diff)
				}
				sim.check(got)

				// Tenant B's read models are untouched by A's events, and A's
				// events delivered in B's transactions change nothing.
				if diff := cmp.Diff(beforeB, snapshot(t, db, b)); diff != "" {
					t.Errorf("tenant B changed (-before +after):\n%s", diff)
				}
				all := slices.Concat(sim.events, pending)
				deliver(t, db, b, all)
				if diff := cmp.Diff(beforeB, snapshot(t, db, b)); diff != "" {
					t.Errorf("A's events changed tenant B (-before +after):\n%s", diff)
				}
			})
		}
	})
}

// check compares the 'all' cells and the counters with the simulation's
// own model of every employee's latest results.
func (s *analyticsSim) check(got store.AnalyticsSnapshot) {
	s.t.Helper()
	type agg struct {
		n, meeting int
		score      float64
		gap        int
	}
	want := map[string]*agg{}
	assessed := 0
	for _, e := range s.employees {
		if e.latest != nil {
			assessed++
		}
		for slug, r := range e.latest {
			a := want[slug]
			if a == nil {
				a = &agg{}
				want[slug] = a
			}
			a.n++
			a.score += r.Score
			a.gap += r.Gap
			if r.Level >= r.RequiredLevel {
				a.meeting++
			}
		}
	}
	if got.Totals.Employees != len(s.employees) || got.Totals.Assessed != assessed {
		s.t.Errorf("totals: got %d employees, %d assessed; want %d, %d", got.Totals.Employees, got.Totals.Assessed, len(s.employees), assessed)
	}
	seen := 0
	for _, c := range got.Cells {
		if c.Dimension != store.DimensionAll {
			continue
		}
		seen++
		w := want[c.CompetencySlug]
		if w == nil {
			s.t.Errorf("cell %s: unexpected", c.CompetencySlug)
			continue
		}
		if c.Employees != w.n || c.Meeting != w.meeting || c.GapSum != int64(w.gap) || math.Abs(c.MeanScore()-w.score/float64(w.n)) > 0.001 {
			s.t.Errorf("cell %s: got n=%d meeting=%d gap=%d mean=%.4f; want n=%d meeting=%d gap=%d mean=%.4f", c.CompetencySlug,
				c.Employees, c.Meeting, c.GapSum, c.MeanScore(), w.n, w.meeting, w.gap, w.score/float64(w.n))
		}
	}
	if seen != len(want) {
		s.t.Errorf("got %d competency cells, want %d", seen, len(want))
	}
	if len(s.employees) > 0 && assessed == 0 {
		s.t.Errorf("the simulation scored nobody: the check proves little")
	}
}

// TestAnalyticsWorkerOverBus runs the projector through the runner on the
// real bus: the same event published twice is applied once, and a stale
// event published after a newer change does not undo it.
func TestAnalyticsWorkerOverBus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		r.run(t, workers.Analytics())
		sim := newAnalyticsSim(t, db, r.a, 7)
		sim.hire()
		id := sim.some()
		sim.score(id)
		first := slices.Clone(sim.events)
		sim.score(id) // newer results
		sim.move(id)
		publish := func(evs []events.Event) {
			for _, ev := range evs {
				if _, err := r.bus.PublishEvent(t.Context(), ev); err != nil {
					t.Fatal(err)
				}
			}
		}
		publish(sim.events[len(first):])
		publish(first) // stale, late
		publish(first) // and again (same ids: deduplicated or marked processed)
		r.waitSettled(t, workers.AnalyticsWorkerName)
		got := snapshot(t, db, r.a)
		if len(got.Employees) != 1 || got.Employees[0].Team != sim.employees[id].team {
			t.Fatalf("got %+v, want the employee with team %q", got.Employees, sim.employees[id].team)
		}
		if rep := rebuild(t, db, r.a); rep.Drifted {
			t.Errorf("rebuild reports drift")
		}
		if diff := cmp.Diff(snapshot(t, db, r.a), got); diff != "" {
			t.Errorf("read models differ from a rebuild (-rebuild +projected):\n%s", diff)
		}
		sim.check(got)
		if n := len(snapshot(t, db, r.b).Employees); n != 0 {
			t.Errorf("tenant B has %d analytics employees, want 0", n)
		}
	})
}

// TestAnalyticsRebuildDetectsDrift corrupts a cell and checks that a
// rebuild reports and repairs it (the comparison the other tests rely on
// can fail).
func TestAnalyticsRebuildDetectsDrift(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		a := createTenant(t, db, "acme")
		sim := newAnalyticsSim(t, db, a, 11)
		sim.hire()
		sim.score(sim.some())
		deliver(t, db, a, sim.events)
		good := snapshot(t, db, a)
		if len(good.Cells) == 0 {
			t.Fatal("no cells after a scored assessment")
		}
		err := db.Store.InTenant(context.Background(), a, func(tx *store.Tx) error {
			_, err := tx.ProjectEmployees([]uuid.UUID{uuid.Must(uuid.NewV7())}) // an unknown employee: no change
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(good, snapshot(t, db, a)); diff != "" {
			t.Fatalf("projecting an unknown employee changed the read models:\n%s", diff)
		}
		corruptCell(t, db, a)
		if rep := rebuild(t, db, a); !rep.Drifted || rep.Employees != 1 || rep.Assessed != 1 {
			t.Errorf("rebuild after corruption: got %+v, want drifted, 1 employee, 1 assessed", rep)
		}
		if diff := cmp.Diff(good, snapshot(t, db, a)); diff != "" {
			t.Errorf("rebuild did not repair (-want +got):\n%s", diff)
		}
	})
}

// corruptCell adds a phantom employee to one of the tenant's cells, behind
// the store's back.
func corruptCell(t *testing.T, db storetest.DB, tenant tenants.ID) {
	t.Helper()
	ctx := context.Background()
	sqlTx, err := db.Store.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlTx.Rollback()
	update := "UPDATE analytics_cells SET employees = employees + 1 WHERE tenant_id = ? AND dimension = 'all'"
	if db.Store.Dialect() == store.Postgres {
		if _, err := sqlTx.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenant.String()); err != nil {
			t.Fatal(err)
		}
		update = "UPDATE analytics_cells SET employees = employees + 1 WHERE tenant_id = $1 AND dimension = 'all'"
	}
	res, err := sqlTx.ExecContext(ctx, update, tenant.String())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("corrupted no cell")
	}
	if err := sqlTx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAnalyticsProjector measures one analytics event on PostgreSQL:
// the handler's transaction for an employee whose contribution changed (a
// team change: old cells out, new cells in) and for one whose did not (a
// repeated plan.updated), in a tenant of 300 scored employees with plans.
func BenchmarkAnalyticsProjector(b *testing.B) {
	db := storetest.Postgres(b)
	tenant := tenants.NewID()
	if err := db.Store.CreateTenant(b.Context(), store.Tenant{ID: tenant, Name: "Bench", Slug: "bench", Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		b.Fatal(err)
	}
	sim := newAnalyticsSim(b, db, tenant, 5)
	for range 300 {
		sim.hire()
		sim.score(sim.some())
	}
	deliver(b, db, tenant, sim.events)
	ids := make([]uuid.UUID, 0, len(sim.employees))
	for id := range sim.employees {
		ids = append(ids, id)
	}
	w := workers.Analytics()
	handle := func(id uuid.UUID, change bool) error {
		ev, err := events.New(tenant, events.TypePlanUpdated, id.String(), events.PlanUpdated{EmployeeID: id.String()}, time.Now())
		if err != nil {
			return err
		}
		return db.Store.InTenant(b.Context(), tenant, func(tx *store.Tx) error {
			if change {
				e, err := tx.Employee(id)
				if err != nil {
					return err
				}
				e.Team = simTeams[(slices.Index(simTeams, e.Team)+1)%len(simTeams)]
				if err := tx.UpdateEmployee(e); err != nil {
					return err
				}
			}
			return w.Handle(b.Context(), tx, ev)
		})
	}
	for _, bc := range []struct {
		name   string
		change bool
	}{{"changed", true}, {"unchanged", false}} {
		b.Run(bc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if err := handle(ids[i%len(ids)], bc.change); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
