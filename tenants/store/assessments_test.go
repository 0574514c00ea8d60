package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// newAssessment stores an open assessment of the DevOps framework for a new
// employee of tenant (its subject carries the whole assessment id, so that
// several made in one millisecond do not collide).
func newAssessment(t *testing.T, s *store.Store, tenant tenants.ID) store.Assessment {
	t.Helper()
	f, err := catalog.Default().Framework("devops-engineer", "finance")
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.Must(uuid.NewV7())
	gen, err := assessment.Generate(f, competency.TierMid, id.String())
	if err != nil {
		t.Fatal(err)
	}
	e := newEmployee("taker-"+id.String(), "devops-engineer", uuid.Nil)
	a := store.Assessment{ID: id, EmployeeID: e.ID, LibraryVersion: 1, RoleSlug: "devops-engineer", Tier: competency.TierMid,
		Seed: id.String(), Items: gen.Items, Key: gen.Key, CreatedBy: e.Subject, CreatedAt: time.Now()}
	inTenant(t, s, tenant, func(tx *store.Tx) error {
		if err := tx.InsertEmployee(e); err != nil {
			return err
		}
		return tx.InsertAssessment(a)
	})
	return a
}

func rating(it assessment.Item, r int) assessment.Response {
	return assessment.Response{ItemID: it.ID, Rating: &r}
}

func TestAssessmentLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		as := newAssessment(t, s, a)
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.Assessment(as.ID)
			if err != nil {
				return err
			}
			if got.Status != store.AssessmentOpen || got.Version != 1 || len(got.Items) != 32 || len(got.Key.Levels) != 64 || got.Seed != as.ID.String() {
				t.Errorf("stored assessment: status %s version %d items %d key levels %d", got.Status, got.Version, len(got.Items), len(got.Key.Levels))
			}
			return nil
		})
		// Optimistic concurrency: the first save at version 1 wins, a second
		// at version 1 is stale.
		first := []assessment.Response{rating(as.Items[0], 3)}
		var v int
		inTenant(t, s, a, func(tx *store.Tx) (err error) { v, err = tx.SaveResponses(as.ID, 1, first); return err })
		if v != 2 {
			t.Errorf("version after the first save: got %d, want 2", v)
		}
		err := s.InTenant(context.Background(), a, func(tx *store.Tx) error { _, err := tx.SaveResponses(as.ID, 1, nil); return err })
		if !errors.Is(err, store.ErrStaleVersion) || !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale save: got %v, want ErrStaleVersion", err)
		}
		// The other tenant can neither read, answer nor submit it.
		inTenant(t, s, b, func(tx *store.Tx) error {
			if _, err := tx.Assessment(as.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant reads: got %v, want ErrNotFound", err)
			}
			if _, err := tx.SaveResponses(as.ID, 2, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant saves: got %v, want ErrNotFound", err)
			}
			if _, err := tx.SubmitAssessment(as.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant submits: got %v, want ErrNotFound", err)
			}
			if err := tx.SaveResults(as.ID, assessment.Result{}, time.Now()); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant saves results: got %v, want ErrNotFound", err)
			}
			return nil
		})
		// Results cannot be saved before submission.
		err = s.InTenant(context.Background(), a, func(tx *store.Tx) error { return tx.SaveResults(as.ID, assessment.Result{}, time.Now()) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("results of an open assessment: got %v, want ErrConflict", err)
		}
		inTenant(t, s, a, func(tx *store.Tx) error { _, err := tx.SubmitAssessment(as.ID); return err })
		for name, fn := range map[string]func(tx *store.Tx) error{
			"submit again": func(tx *store.Tx) error { _, err := tx.SubmitAssessment(as.ID); return err },
			"save after":   func(tx *store.Tx) error { _, err := tx.SaveResponses(as.ID, 2, nil); return err },
		} {
			if err := s.InTenant(context.Background(), a, fn); !errors.Is(err, store.ErrAssessmentClosed) {
				t.Errorf("%s: got %v, want ErrAssessmentClosed", name, err)
			}
		}
		var stored store.Assessment
		inTenant(t, s, a, func(tx *store.Tx) (err error) { stored, err = tx.Assessment(as.ID); return err })
		res, err := assessment.Score(stored.Domain(0), stored.Responses)
		if err != nil {
			t.Fatal(err)
		}
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.SaveResults(as.ID, res, time.Now()) })
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.Assessment(as.ID)
			if err != nil {
				return err
			}
			if got.Status != store.AssessmentScored || got.Results == nil || len(got.Results.Competencies) != 8 || got.ScoredAt == nil {
				t.Errorf("scored assessment: status %s results %v", got.Status, got.Results)
			}
			rows, err := tx.LatestAssessmentResults(as.EmployeeID)
			if err != nil {
				return err
			}
			if len(rows) != 8 {
				t.Errorf("result rows: got %d, want 8", len(rows))
			}
			list, err := tx.Assessments(as.EmployeeID, uuid.Nil, 10)
			if len(list) != 1 || list[0].Status != store.AssessmentScored {
				t.Errorf("list: got %+v", list)
			}
			return err
		})
		// Scoring twice is a conflict and adds no rows.
		err = s.InTenant(context.Background(), a, func(tx *store.Tx) error { return tx.SaveResults(as.ID, res, time.Now()) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("second scoring: got %v, want ErrConflict", err)
		}
		inTenant(t, s, b, func(tx *store.Tx) error {
			if _, err := tx.LatestAssessmentResults(as.EmployeeID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant's results: got %v, want ErrNotFound", err)
			}
			return nil
		})
		// Deleting the employee erases their assessments and results.
		inTenant(t, s, a, func(tx *store.Tx) error {
			if _, _, err := tx.DeleteEmployee(as.EmployeeID); err != nil {
				return err
			}
			if _, err := tx.Assessment(as.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("assessment after the employee's deletion: got %v, want ErrNotFound", err)
			}
			if rows, _ := tx.ResultsOf(as.ID); len(rows) != 0 {
				t.Errorf("results after the employee's deletion: got %d rows", len(rows))
			}
			return nil
		})
	})
}

// TestSubmitAndSaveResultsOfTheReadAssessment: Submit and SaveResultsOf
// write the assessment the caller read without reading it again, and still
// refuse a stale version, a second submission, results of an assessment
// that is not submitted, and another tenant's assessment.
func TestSubmitAndSaveResultsOfTheReadAssessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		as := newAssessment(t, s, a)
		var read store.Assessment
		inTenant(t, s, a, func(tx *store.Tx) (err error) { read, err = tx.Assessment(as.ID); return err })

		// Another tenant can neither submit it nor save its results.
		inTenant(t, s, b, func(tx *store.Tx) error {
			if _, err := tx.Submit(read); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant submits: got %v, want ErrNotFound", err)
			}
			return nil
		})
		// Results of an open assessment are a conflict.
		err := s.InTenant(context.Background(), a, func(tx *store.Tx) error { return tx.SaveResultsOf(read, assessment.Result{}, time.Now()) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("results of an open assessment: got %v, want ErrConflict", err)
		}
		// A save after the read makes the read stale.
		inTenant(t, s, a, func(tx *store.Tx) error {
			_, err := tx.SaveResponses(as.ID, read.Version, []assessment.Response{rating(as.Items[0], 2)})
			return err
		})
		err = s.InTenant(context.Background(), a, func(tx *store.Tx) error { _, err := tx.Submit(read); return err })
		if !errors.Is(err, store.ErrStaleVersion) {
			t.Errorf("stale submit: got %v, want ErrStaleVersion", err)
		}

		inTenant(t, s, a, func(tx *store.Tx) (err error) { read, err = tx.Assessment(as.ID); return err })
		var submitted, stored store.Assessment
		inTenant(t, s, a, func(tx *store.Tx) (err error) { submitted, err = tx.Submit(read); return err })
		inTenant(t, s, a, func(tx *store.Tx) (err error) { stored, err = tx.Assessment(as.ID); return err })
		if submitted.Status != store.AssessmentSubmitted || stored.Status != store.AssessmentSubmitted ||
			submitted.SubmittedAt == nil || stored.SubmittedAt == nil || !submitted.SubmittedAt.Equal(*stored.SubmittedAt) ||
			len(submitted.Responses) != 1 || submitted.Version != stored.Version {
			t.Errorf("submitted: got %s at %v (version %d, %d responses), stored %s at %v (version %d)", submitted.Status, submitted.SubmittedAt,
				submitted.Version, len(submitted.Responses), stored.Status, stored.SubmittedAt, stored.Version)
		}
		err = s.InTenant(context.Background(), a, func(tx *store.Tx) error { _, err := tx.Submit(read); return err })
		if !errors.Is(err, store.ErrAssessmentClosed) {
			t.Errorf("second submit: got %v, want ErrAssessmentClosed", err)
		}

		res, err := assessment.Score(stored.Domain(0), stored.Responses)
		if err != nil {
			t.Fatal(err)
		}
		// The other tenant's transaction finds nothing to update and writes
		// no result rows.
		err = s.InTenant(context.Background(), b, func(tx *store.Tx) error { return tx.SaveResultsOf(stored, res, time.Now()) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("other tenant saves results: got %v, want ErrConflict", err)
		}
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.SaveResultsOf(stored, res, time.Now()) })
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.Assessment(as.ID)
			if err != nil {
				return err
			}
			rows, err := tx.ResultsOf(as.ID)
			if got.Status != store.AssessmentScored || got.Results == nil || len(rows) != len(res.Competencies) || rows[0].EmployeeID != as.EmployeeID {
				t.Errorf("scored: status %s, %d result rows, want scored and %d rows of employee %s", got.Status, len(rows), len(res.Competencies), as.EmployeeID)
			}
			return err
		})
		err = s.InTenant(context.Background(), a, func(tx *store.Tx) error { return tx.SaveResultsOf(stored, res, time.Now()) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("second scoring: got %v, want ErrConflict", err)
		}
		inTenant(t, s, b, func(tx *store.Tx) error {
			if rows, err := tx.ResultsOf(as.ID); err != nil || len(rows) != 0 {
				t.Errorf("other tenant's result rows: got %d, %v; want none", len(rows), err)
			}
			return nil
		})
	})
}
