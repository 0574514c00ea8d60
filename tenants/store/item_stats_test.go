package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// scoreTake answers a (self-ratings of self, the first option of every
// scenario, no open text), submits and scores it at scoredAt.
func scoreTake(t *testing.T, s *store.Store, tenant tenants.ID, a store.Assessment, self int, scoredAt time.Time) {
	t.Helper()
	var rs []assessment.Response
	for _, it := range a.Items {
		switch it.Kind {
		case assessment.SelfRating:
			rs = append(rs, rating(it, self))
		case assessment.Scenario:
			rs = append(rs, assessment.Response{ItemID: it.ID, OptionID: &it.Options[0].ID})
		}
	}
	inTenant(t, s, tenant, func(tx *store.Tx) error {
		if _, err := tx.SaveResponses(a.ID, 1, rs); err != nil {
			return err
		}
		sub, err := tx.SubmitAssessment(a.ID)
		if err != nil {
			return err
		}
		res, err := assessment.DefaultScorer.Score(sub.Domain(0), rs)
		if err != nil {
			return err
		}
		return tx.SaveResults(a.ID, res, scoredAt)
	})
}

func TestLatestScoredTakesAreLatestBoundedAndTenantScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		now := time.Now().UTC()
		first := newAssessment(t, s, a)
		scoreTake(t, s, a, first, 2, now.Add(-time.Hour))
		// A second, newer assessment of the same employee replaces the first.
		second := first
		second.ID = uuid.Must(uuid.NewV7())
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.InsertAssessment(second) })
		scoreTake(t, s, a, second, 5, now)
		other := newAssessment(t, s, a)
		scoreTake(t, s, a, other, 3, now)
		newAssessment(t, s, a) // open: not read
		globex := newAssessment(t, s, b)
		scoreTake(t, s, b, globex, 1, now)

		inTenant(t, s, a, func(tx *store.Tx) error {
			takes, more, err := tx.LatestScoredTakes(0)
			if err != nil {
				return err
			}
			if more || len(takes) != 2 {
				t.Fatalf("acme: %d takes (more %v), want 2", len(takes), more)
			}
			byEmp := map[uuid.UUID]store.ScoredTake{}
			for _, tk := range takes {
				byEmp[tk.EmployeeID] = tk
				if tk.EmployeeID == globex.EmployeeID {
					t.Errorf("acme reads globex's assessment")
				}
				if tk.Team != "platform" || len(tk.Items) == 0 || len(tk.Results.Competencies) == 0 {
					t.Errorf("take %v: team %q, %d items, %d results", tk.AssessmentID, tk.Team, len(tk.Items), len(tk.Results.Competencies))
				}
			}
			if got := byEmp[first.EmployeeID].AssessmentID; got != second.ID {
				t.Errorf("latest of the first employee: %v, want the newer %v", got, second.ID)
			}
			one, more, err := tx.LatestScoredTakes(1)
			if err != nil {
				return err
			}
			if len(one) != 1 || !more {
				t.Errorf("limit 1: %d takes, more %v; want 1 and more", len(one), more)
			}
			return nil
		})
		inTenant(t, s, b, func(tx *store.Tx) error {
			takes, _, err := tx.LatestScoredTakes(0)
			if err != nil {
				return err
			}
			if len(takes) != 1 || takes[0].AssessmentID != globex.ID {
				t.Errorf("globex: %d takes, want its own one", len(takes))
			}
			return nil
		})
	})
}
