package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// scoreEmployee stores a scored assessment of e with the given levels
// (required level 3, score = level) at time at.
func scoreEmployee(t *testing.T, tx *store.Tx, e store.Employee, at time.Time, levels map[string]int) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	var res assessment.Result
	for slug, l := range levels {
		res.Competencies = append(res.Competencies, assessment.CompetencyResult{CompetencySlug: slug, Score: float64(l), Level: competency.Level(l),
			RequiredLevel: 3, Gap: max(0, 3-l), Confidence: 0.8})
	}
	if err := tx.InsertAssessment(store.Assessment{ID: id, EmployeeID: e.ID, RoleSlug: e.RoleSlug, Tier: e.Tier, Seed: "s", CreatedBy: "t", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.SubmitAssessment(id); err != nil {
		t.Fatal(err)
	}
	if err := tx.SaveResults(id, res, at); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAnalyticsProjection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		ann, bob := newEmployee("ann", "devops-engineer", uuid.Nil), newEmployee("bob", "devops-engineer", uuid.Nil)
		bob.Team = "risk"
		t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		var latest uuid.UUID
		inTenant(t, s, a, func(tx *store.Tx) error {
			for _, e := range []store.Employee{ann, bob} {
				if err := tx.InsertEmployee(e); err != nil {
					return err
				}
			}
			latest = scoreEmployee(t, tx, ann, t0.Add(time.Hour), map[string]int{"ci-cd": 4, "problem-solving": 2})
			scoreEmployee(t, tx, ann, t0, map[string]int{"ci-cd": 1}) // older: not counted
			scoreEmployee(t, tx, bob, t0, map[string]int{"ci-cd": 2})
			if err := tx.InsertAssessment(store.Assessment{ID: uuid.Must(uuid.NewV7()), EmployeeID: bob.ID, RoleSlug: bob.RoleSlug,
				Tier: bob.Tier, Seed: "s", CreatedBy: "t", CreatedAt: t0}); err != nil {
				return err
			}
			n, err := tx.ProjectEmployees([]uuid.UUID{ann.ID, bob.ID, ann.ID})
			if n != 2 || err != nil {
				t.Errorf("ProjectEmployees: got %d, %v; want 2, nil", n, err)
			}
			if n, err := tx.ProjectEmployees([]uuid.UUID{ann.ID, bob.ID}); n != 0 || err != nil {
				t.Errorf("ProjectEmployees again: got %d, %v; want 0, nil", n, err)
			}
			return nil
		})

		var snap store.AnalyticsSnapshot
		inTenant(t, s, a, func(tx *store.Tx) (err error) {
			snap, err = tx.AnalyticsSnapshot()
			return err
		})
		wantCells := []store.AnalyticsCell{
			{Dimension: store.DimensionAll, CompetencySlug: "ci-cd", Employees: 2, ScoreMilliSum: 6000, GapSum: 1, Meeting: 1},
			{Dimension: store.DimensionAll, CompetencySlug: "problem-solving", Employees: 1, ScoreMilliSum: 2000, GapSum: 1, Meeting: 0},
			{Dimension: store.DimensionRole, Group: "devops-engineer", CompetencySlug: "ci-cd", Employees: 2, ScoreMilliSum: 6000, GapSum: 1, Meeting: 1},
			{Dimension: store.DimensionRole, Group: "devops-engineer", CompetencySlug: "problem-solving", Employees: 1, ScoreMilliSum: 2000, GapSum: 1},
			{Dimension: store.DimensionTeam, Group: "platform", CompetencySlug: "ci-cd", Employees: 1, ScoreMilliSum: 4000, Meeting: 1},
			{Dimension: store.DimensionTeam, Group: "platform", CompetencySlug: "problem-solving", Employees: 1, ScoreMilliSum: 2000, GapSum: 1},
			{Dimension: store.DimensionTeam, Group: "risk", CompetencySlug: "ci-cd", Employees: 1, ScoreMilliSum: 2000, GapSum: 1},
		}
		if diff := cmp.Diff(wantCells, snap.Cells); diff != "" {
			t.Errorf("cells (-want +got):\n%s", diff)
		}
		if want := (store.AnalyticsTotals{Employees: 2, Assessed: 2}); snap.Totals != want {
			t.Errorf("totals: got %+v, want %+v", snap.Totals, want)
		}
		for _, e := range snap.Employees {
			if e.EmployeeID == ann.ID && e.AssessmentID != latest {
				t.Errorf("ann's recorded assessment: got %s, want the latest %s", e.AssessmentID, latest)
			}
		}
		var comp store.AssessmentCompletion
		inTenant(t, s, a, func(tx *store.Tx) (err error) {
			comp, err = tx.AssessmentCompletion()
			return err
		})
		if want := (store.AssessmentCompletion{Open: 1, Scored: 3, EmployeesOpen: 1, EmployeesScored: 2}); comp != want {
			t.Errorf("completion: got %+v, want %+v", comp, want)
		}

		// The other tenant sees none of it, and projecting A's employees in
		// its transactions writes nothing anywhere.
		inTenant(t, s, b, func(tx *store.Tx) error {
			if n, err := tx.ProjectEmployees([]uuid.UUID{ann.ID, bob.ID}); n != 0 || err != nil {
				t.Errorf("B projects A's employees: got %d, %v; want 0, nil", n, err)
			}
			other, err := tx.AnalyticsSnapshot()
			if err != nil {
				return err
			}
			if len(other.Cells) != 0 || len(other.Employees) != 0 || other.Totals != (store.AnalyticsTotals{}) {
				t.Errorf("tenant B sees %+v", other)
			}
			c, err := tx.AssessmentCompletion()
			if c != (store.AssessmentCompletion{}) {
				t.Errorf("tenant B completion: got %+v", c)
			}
			return err
		})
		inTenant(t, s, a, func(tx *store.Tx) error {
			again, err := tx.AnalyticsSnapshot()
			if diff := cmp.Diff(snap, again); diff != "" {
				t.Errorf("A changed (-before +after):\n%s", diff)
			}
			return err
		})

		// Deleting an employee removes their contribution; deleting
		// everyone leaves no rows.
		inTenant(t, s, a, func(tx *store.Tx) error {
			for _, e := range []store.Employee{ann, bob} {
				if _, _, err := tx.DeleteEmployee(e.ID); err != nil {
					return err
				}
			}
			if _, err := tx.ProjectEmployees([]uuid.UUID{ann.ID, bob.ID}); err != nil {
				return err
			}
			empty, err := tx.AnalyticsSnapshot()
			if len(empty.Cells) != 0 || len(empty.Employees) != 0 || empty.Totals != (store.AnalyticsTotals{}) {
				t.Errorf("after deleting everyone: %+v", empty)
			}
			return err
		})
	})
}
