package workers_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// countingScorer counts the calls to the scorer it wraps.
type countingScorer struct {
	inner   *assessment.LexicalScorer
	calls   atomic.Int64
	reviews atomic.Int64
}

func (c *countingScorer) ScoreWithReview(a assessment.Assessment, rs []assessment.Response, r assessment.Review) (assessment.Result, error) {
	c.reviews.Add(1)
	return c.inner.ScoreWithReview(a, rs, r)
}

func (c *countingScorer) Score(a assessment.Assessment, rs []assessment.Response) (assessment.Result, error) {
	c.calls.Add(1)
	return c.inner.Score(a, rs)
}

// submittedAssessment stores an employee and a fully answered, submitted
// assessment in tenant and returns it.
func submittedAssessment(t *testing.T, s *store.Store, tenant tenants.ID) store.Assessment {
	t.Helper()
	f, err := catalog.Default().Framework("devops-engineer", "finance")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	emp := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: "taker", Name: "Taker", RoleSlug: "devops-engineer", Tier: competency.TierMid, CreatedAt: now, UpdatedAt: now}
	id := uuid.Must(uuid.NewV7())
	gen, err := assessment.Generate(f, competency.TierMid, id.String())
	if err != nil {
		t.Fatal(err)
	}
	var rs []assessment.Response
	for _, it := range gen.Items {
		r := assessment.Response{ItemID: it.ID}
		switch it.Kind {
		case assessment.SelfRating:
			v := 4
			r.Rating = &v
		case assessment.Scenario:
			r.OptionID = &it.Options[2].ID
		case assessment.OpenText:
			txt := "I designed the pipeline for our service myself, wrote reusable modules and fixed the incidents on my own."
			r.Text = &txt
		}
		rs = append(rs, r)
	}
	a := store.Assessment{ID: id, EmployeeID: emp.ID, LibraryVersion: 3, RoleSlug: "devops-engineer", Tier: competency.TierMid, Seed: id.String(),
		Items: gen.Items, Key: gen.Key, CreatedBy: "taker", CreatedAt: now}
	err = s.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		if err := tx.InsertEmployee(emp); err != nil {
			return err
		}
		if err := tx.InsertAssessment(a); err != nil {
			return err
		}
		if _, err := tx.SaveResponses(id, 1, rs); err != nil {
			return err
		}
		a, err = tx.SubmitAssessment(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// publishSubmitted publishes an assessment.submitted event (a new event id
// each call) for tenant.
func (r *rig) publishSubmitted(t *testing.T, tenant tenants.ID, a store.Assessment) {
	t.Helper()
	ev, err := events.New(tenant, events.TypeAssessmentSubmitted, a.ID.String(), events.AssessmentSubmitted{AssessmentID: a.ID.String(),
		EmployeeID: a.EmployeeID.String(), LibraryVersion: a.LibraryVersion, Tier: "mid"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.bus.PublishEvent(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
}

func TestScoringWorkerScoresOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		s := db.Store
		a := submittedAssessment(t, s, r.a)
		scorer := &countingScorer{inner: assessment.DefaultScorer}
		r.run(t, workers.Scoring(scorer))
		// Another tenant's event naming A's assessment finds nothing.
		r.publishSubmitted(t, r.b, a)
		r.publishSubmitted(t, r.a, a)
		r.publishSubmitted(t, r.a, a) // a second submission event: no second scoring
		r.waitSettled(t, workers.ScoringWorkerName)

		var got store.Assessment
		var rows []store.CompetencyResult
		err := s.InTenant(context.Background(), r.a, func(tx *store.Tx) (err error) {
			if got, err = tx.Assessment(a.ID); err != nil {
				return err
			}
			rows, err = tx.ResultsOf(a.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.AssessmentScored || got.Results == nil || len(got.Results.Competencies) != 8 || len(rows) != 8 {
			t.Fatalf("after scoring: status %s, %d result rows", got.Status, len(rows))
		}
		if n := scorer.calls.Load(); n != 1 {
			t.Errorf("scorer calls: got %d, want 1", n)
		}
		want, err := assessment.DefaultScorer.Score(got.Domain(0), got.Responses)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range want.Competencies {
			row := rows[0]
			for _, x := range rows {
				if x.CompetencySlug == c.CompetencySlug {
					row = x
				}
			}
			if row.CompetencySlug != c.CompetencySlug || row.Level != c.Level || row.Score != c.Score || row.Gap != c.Gap || row.EmployeeID != a.EmployeeID {
				t.Errorf("competency %d (%s): row %+v, want level %d score %.2f gap %d", i, c.CompetencySlug, row, c.Level, c.Score, c.Gap)
			}
		}
		// Exactly one assessment.scored, in A, with the summary.
		var scored []events.AssessmentScored
		_, err = s.Outbox().Drain(context.Background(), 1000, func(ctx context.Context, recs []events.OutboxRecord) (int, error) {
			for _, rec := range recs {
				ev, err := events.Parse(rec.Payload)
				if err != nil {
					return 0, err
				}
				if ev.Type == events.TypeAssessmentScored {
					var p events.AssessmentScored
					if err := ev.DecodeData(&p); err != nil {
						return 0, err
					}
					if ev.Tenant() != r.a {
						t.Errorf("assessment.scored in tenant %s, want %s", ev.Tenant(), r.a)
					}
					scored = append(scored, p)
				}
			}
			return len(recs), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(scored) != 1 || scored[0].AssessmentID != a.ID.String() || scored[0].LibraryVersion != 3 || len(scored[0].Results) != 8 {
			t.Errorf("assessment.scored events: got %+v, want one with 8 results", scored)
		}
		// Tenant B got nothing.
		err = s.InTenant(context.Background(), r.b, func(tx *store.Tx) error {
			n, err := tx.CountAssessments()
			if n != 0 {
				t.Errorf("tenant B assessments: %d", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestScoringWorkerFollowsReview: a manager's review of a scored assessment
// is fused into its results (on the assessment and its rows) and announced
// with a second assessment.scored; the review of another tenant's
// assessment, or of one not scored, changes nothing.
func TestScoringWorkerFollowsReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		s := db.Store
		a := submittedAssessment(t, s, r.a)
		scorer := &countingScorer{inner: assessment.DefaultScorer}
		r.run(t, workers.Scoring(scorer))
		r.publishSubmitted(t, r.a, a)
		r.waitSettled(t, workers.ScoringWorkerName)

		var before store.Assessment
		err := s.InTenant(context.Background(), r.a, func(tx *store.Tx) (err error) {
			before, err = tx.Assessment(a.ID)
			return err
		})
		if err != nil || before.Results == nil {
			t.Fatalf("scored assessment: %v", err)
		}
		// The manager rates every competency 5, far above the evidence.
		var ratings []store.ReviewRating
		var payload []events.ReviewRating
		for _, c := range before.Results.Competencies {
			ratings = append(ratings, store.ReviewRating{CompetencySlug: c.CompetencySlug, Level: 5, Comment: "Strong this year."})
			payload = append(payload, events.ReviewRating{CompetencySlug: c.CompetencySlug, Level: 5})
		}
		err = s.InTenant(context.Background(), r.a, func(tx *store.Tx) error {
			_, err := tx.PutReview(store.Review{AssessmentID: a.ID, Reviewer: "boss", Ratings: ratings, SubmittedAt: time.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		reviewed := events.AssessmentReviewed{AssessmentID: a.ID.String(), EmployeeID: a.EmployeeID.String(), Reviewer: "boss", Ratings: payload}
		for _, tenant := range []tenants.ID{r.b, r.a} { // B's event names A's assessment: nothing
			ev, err := events.New(tenant, events.TypeAssessmentReviewed, a.ID.String(), reviewed, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.bus.PublishEvent(t.Context(), ev); err != nil {
				t.Fatal(err)
			}
		}
		r.waitSettled(t, workers.ScoringWorkerName)
		if n := scorer.reviews.Load(); n != 1 {
			t.Fatalf("reviewed scorings: got %d, want 1", n)
		}

		var after store.Assessment
		var rows []store.CompetencyResult
		err = s.InTenant(context.Background(), r.a, func(tx *store.Tx) (err error) {
			if after, err = tx.Assessment(a.ID); err != nil {
				return err
			}
			rows, err = tx.ResultsOf(a.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want, err := assessment.DefaultScorer.ScoreWithReview(after.Domain(0), after.Responses, store.Review{Ratings: ratings}.AssessmentReview())
		if err != nil {
			t.Fatal(err)
		}
		raised, calibrate := 0, 0
		for i, c := range want.Competencies {
			got := after.Results.Competencies[i]
			if got.Level != c.Level || got.Score != c.Score {
				t.Errorf("%s: stored level %d score %.2f, want %d %.2f", c.CompetencySlug, got.Level, got.Score, c.Level, c.Score)
			}
			for _, row := range rows {
				if row.CompetencySlug == c.CompetencySlug && (row.Level != c.Level || row.Score != c.Score) {
					t.Errorf("%s: result row level %d score %.2f, want %d %.2f", c.CompetencySlug, row.Level, row.Score, c.Level, c.Score)
				}
			}
			if c.Score > before.Results.Competencies[i].Score {
				raised++
			}
			if slices.Contains(c.Flags, assessment.FlagCalibrate) {
				calibrate++
			}
		}
		if raised == 0 || calibrate == 0 {
			t.Errorf("a review of 5 everywhere raised %d scores and flagged %d for calibration, want some of each", raised, calibrate)
		}
		if !after.ScoredAt.Equal(*before.ScoredAt) {
			t.Errorf("scored_at moved from %v to %v", before.ScoredAt, after.ScoredAt)
		}
	})
}
