package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func TestReviewsArePutReplacedAndTenantScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		as := newAssessment(t, s, a)
		at := time.Now().UTC().Truncate(time.Microsecond)
		first := store.Review{AssessmentID: as.ID, Reviewer: "mgr", SubmittedAt: at, Ratings: []store.ReviewRating{
			{CompetencySlug: "incident-management", Level: 4, Comment: "calm under pressure"},
			{CompetencySlug: "cloud-infrastructure", Level: 2},
		}}
		want := first
		want.Version = 1
		want.Ratings = []store.ReviewRating{first.Ratings[1], first.Ratings[0]} // in slug order

		inTenant(t, s, a, func(tx *store.Tx) error {
			if _, err := tx.Review(as.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("review before any: err = %v, want ErrNotFound", err)
			}
			got, err := tx.PutReview(first)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("put review (-want +got):\n%s", diff)
			}
			read, err := tx.Review(as.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, read); diff != "" {
				t.Errorf("read review (-want +got):\n%s", diff)
			}
			if !read.SameContent(first) {
				t.Errorf("the stored review does not have the content put")
			}
			return nil
		})

		// A second put replaces the review and raises its version.
		second := store.Review{AssessmentID: as.ID, Reviewer: "admin", SubmittedAt: at.Add(time.Minute),
			Ratings: []store.ReviewRating{{CompetencySlug: "incident-management", Level: 5}}}
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.PutReview(second)
			if err != nil {
				return err
			}
			wantSecond := second
			wantSecond.Version = 2
			if diff := cmp.Diff(wantSecond, got); diff != "" {
				t.Errorf("replaced review (-want +got):\n%s", diff)
			}
			if got.SameContent(first) {
				t.Errorf("SameContent of different reviews is true")
			}
			return nil
		})

		// The same competency twice is refused.
		err := s.InTenant(t.Context(), a, func(tx *store.Tx) error {
			_, err := tx.PutReview(store.Review{AssessmentID: as.ID, Reviewer: "mgr", SubmittedAt: at,
				Ratings: []store.ReviewRating{{CompetencySlug: "x", Level: 1}, {CompetencySlug: "x", Level: 2}}})
			return err
		})
		if err == nil {
			t.Errorf("a competency rated twice was stored")
		}

		// Another tenant neither reads nor writes the review, and a missing
		// assessment has none to put.
		inTenant(t, s, b, func(tx *store.Tx) error {
			if _, err := tx.Review(as.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant reads: err = %v, want ErrNotFound", err)
			}
			if _, err := tx.PutReview(first); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant puts: err = %v, want ErrNotFound", err)
			}
			missing := first
			missing.AssessmentID = uuid.Must(uuid.NewV7())
			if _, err := tx.PutReview(missing); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("put for a missing assessment: err = %v, want ErrNotFound", err)
			}
			return nil
		})
		// On PostgreSQL row-level security alone hides the row; SQLite has
		// none, so there the query filters by tenant as the store does.
		q := "SELECT count(*) FROM assessment_reviews"
		if db.Store.Dialect() != store.Postgres {
			q += " WHERE tenant_id = '" + b.String() + "'"
		}
		if got := db.ScopedRows(t, b, q)[0][0]; got != "0" {
			t.Errorf("other tenant sees %s reviews, want 0", got)
		}
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.Review(as.ID)
			if err == nil && got.Version != 2 {
				t.Errorf("after the other tenant's attempt: version %d, want 2", got.Version)
			}
			return err
		})

		// The review goes with its assessment.
		inTenant(t, s, a, func(tx *store.Tx) error {
			_, _, err := tx.DeleteEmployee(as.EmployeeID)
			return err
		})
		if got := db.ScopedRows(t, a, "SELECT count(*) FROM assessment_reviews")[0][0]; got != "0" {
			t.Errorf("after the employee's deletion: %s reviews, want 0", got)
		}
	})
}
