package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// scoredAssessment starts an assessment of the report, submits it and
// stores its scores, as the scoring worker would.
func (f *fixture) scoredAssessment(t *testing.T, tenant tenants.ID, s staff) store.Assessment {
	t.Helper()
	a := f.submittedAssessment(t, s)
	err := f.db.Store.InTenant(t.Context(), tenant, func(tx *store.Tx) error {
		res, err := assessment.Score(a.Domain(0), a.Responses)
		if err != nil {
			return err
		}
		if err := tx.SaveResults(a.ID, res, time.Now()); err != nil {
			return err
		}
		a, err = tx.Assessment(a.ID)
		return err
	})
	if err != nil {
		t.Fatalf("score: %v", err)
	}
	return a
}

// submittedAssessment starts an assessment of the report and submits it
// unanswered.
func (f *fixture) submittedAssessment(t *testing.T, s staff) store.Assessment {
	t.Helper()
	a, err := f.app.StartAssessment(t.Context(), s.asReport, "")
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if a, err = f.app.SubmitAssessment(t.Context(), s.asReport, a.ID, 0); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return a
}

// reviewCount counts the tenant's stored reviews (state does not).
func (f *fixture) reviewCount(t *testing.T, tenant tenants.ID) string {
	t.Helper()
	return f.db.ScopedRows(t, tenant, fmt.Sprintf("SELECT count(*) FROM assessment_reviews WHERE tenant_id = '%s'", tenant))[0][0]
}

// assessed returns two competencies a assesses.
func assessed(t *testing.T, a store.Assessment) (string, string) {
	t.Helper()
	var slugs []string
	for _, it := range a.Items {
		if len(slugs) == 0 || slugs[len(slugs)-1] != it.CompetencySlug {
			slugs = append(slugs, it.CompetencySlug)
		}
	}
	if len(slugs) < 2 {
		t.Fatalf("the assessment assesses %v, want two competencies at least", slugs)
	}
	return slugs[0], slugs[1]
}

func TestReviewIsAtomicAndReplaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		s := f.seedStaff(t, f.a)
		f.seedStaff(t, f.b)
		a := f.scoredAssessment(t, f.a, s)
		c1, c2 := assessed(t, a)
		ratings := []app.Rating{{CompetencySlug: c2, Level: 2}, {CompetencySlug: c1, Level: 4, Comment: "calm in incidents\nand clear"}}

		var got store.Review
		f.checkAtomic(t, "assessment.review", false, []events.Type{events.TypeAssessmentReviewed}, func(ctx context.Context) (err error) {
			got, err = f.app.ReviewAssessment(ctx, s.asManager, a.ID, ratings)
			return err
		})
		// Version 1 also shows that the attempt whose event failed left no
		// review behind (state does not count reviews). The store keeps the
		// ratings in slug order.
		want := store.Review{AssessmentID: a.ID, Reviewer: "mgr", SubmittedAt: got.SubmittedAt, Version: 1, Ratings: []store.ReviewRating{
			{CompetencySlug: c1, Level: 4, Comment: "calm in incidents\nand clear"}, {CompetencySlug: c2, Level: 2}}}
		slices.SortFunc(want.Ratings, func(x, y store.ReviewRating) int { return strings.Compare(x.CompetencySlug, y.CompetencySlug) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("review (-want +got):\n%s", diff)
		}

		// The event carries the levels, never the comment.
		rows := f.db.ScopedRows(t, f.a, fmt.Sprintf("SELECT payload FROM outbox WHERE tenant_id = '%s' AND type = '%s'", f.a, events.TypeAssessmentReviewed))
		if len(rows) != 1 || strings.Contains(rows[0][0], "calm") || !strings.Contains(rows[0][0], `"level":4`) {
			t.Errorf("assessment.reviewed data %v, want one event with the levels and no comment", rows)
		}

		// The same review again writes nothing; a changed one replaces it.
		before := f.state(t, f.a)
		if again, err := f.app.ReviewAssessment(t.Context(), s.asManager, a.ID, ratings); err != nil || again.Version != 1 {
			t.Errorf("the same review again: version %d, err %v; want version 1 unchanged", again.Version, err)
		}
		if diff := cmp.Diff(before, f.state(t, f.a)); diff != "" {
			t.Errorf("the same review again wrote (-before +after):\n%s", diff)
		}
		f.checkAtomic(t, "assessment.review", false, []events.Type{events.TypeAssessmentReviewed}, func(ctx context.Context) (err error) {
			got, err = f.app.ReviewAssessment(ctx, admin(f.a), a.ID, []app.Rating{{CompetencySlug: c1, Level: 5}})
			return err
		})
		if got.Version != 2 || got.Reviewer != "admin@example.com" || len(got.Ratings) != 1 {
			t.Errorf("replaced review %+v, want the admin's, version 2, one rating", got)
		}
		if n := f.reviewCount(t, f.a); n != "1" {
			t.Errorf("%s reviews stored, want 1", n)
		}
	})
}

func TestReviewRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		s := f.seedStaff(t, f.a)
		sb := f.seedStaff(t, f.b)
		a := f.scoredAssessment(t, f.a, s)
		open := f.submittedAssessment(t, s)
		c1, _ := assessed(t, a)
		analyst := tenants.Principal{Subject: "bi", Tenant: f.a, Roles: []tenants.Role{tenants.RoleAnalyst}}
		otherManager := tenants.Principal{Subject: "oth", Tenant: f.a, Roles: []tenants.Role{tenants.RoleManager}}
		selfManager := tenants.Principal{Subject: "rep", Tenant: f.a, Roles: []tenants.Role{tenants.RoleManager, tenants.RoleEmployee}}
		one := []app.Rating{{CompetencySlug: c1, Level: 3}}
		review := func(p tenants.Principal, id uuid.UUID, rs []app.Rating) error {
			_, err := f.app.ReviewAssessment(t.Context(), p, id, rs)
			return err
		}
		before, beforeB := f.state(t, f.a), f.state(t, f.b)

		tests := []struct {
			name     string
			err      error
			kind     app.Kind
			code     string
			location string
		}{
			{"level 0", review(s.asManager, a.ID, []app.Rating{{CompetencySlug: c1, Level: 0}}), app.Invalid, "validation", "body.ratings[0].level"},
			{"level 6", review(s.asManager, a.ID, []app.Rating{{CompetencySlug: c1, Level: 6}}), app.Invalid, "validation", "body.ratings[0].level"},
			{"a competency not in the assessment", review(s.asManager, a.ID, append(one, app.Rating{CompetencySlug: "underwater-basket-weaving", Level: 3})),
				app.Invalid, "validation", "body.ratings[1].competency_slug"},
			{"the same competency twice", review(s.asManager, a.ID, append(one, one...)), app.Invalid, "validation", "body.ratings[1].competency_slug"},
			{"no rating", review(s.asManager, a.ID, nil), app.Invalid, "validation", "body.ratings"},
			{"a comment with a control character", review(s.asManager, a.ID, []app.Rating{{CompetencySlug: c1, Level: 3, Comment: "a\x00b"}}),
				app.Invalid, "validation", "body.ratings[0].comment"},
			{"a comment too long", review(s.asManager, a.ID, []app.Rating{{CompetencySlug: c1, Level: 3, Comment: strings.Repeat("é", app.MaxReviewComment+1)}}),
				app.Invalid, "validation", "body.ratings[0].comment"},
			{"an unscored assessment", review(s.asManager, open.ID, one), app.Conflict, "assessment-not-scored", ""},
			{"reviewing oneself", review(selfManager, a.ID, one), app.Forbidden, "self-review", ""},
			{"an employee reviewing", review(s.asReport, a.ID, one), app.Forbidden, "", ""},
			{"an analyst", review(analyst, a.ID, one), app.Forbidden, "", ""},
			{"another manager's report", review(otherManager, a.ID, one), app.NotFound, "", ""},
			{"another tenant", review(admin(f.b), a.ID, one), app.NotFound, "", ""},
			{"another tenant's manager", review(sb.asManager, a.ID, one), app.NotFound, "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				refusal(t, tt.err, tt.kind, tt.code)
				e, _ := app.AsError(tt.err)
				if tt.location != "" && (len(e.Fields) != 1 || e.Fields[0].Location != tt.location) {
					t.Errorf("fields %+v, want one at %s", e.Fields, tt.location)
				}
			})
		}
		if diff := cmp.Diff(before, f.state(t, f.a)); diff != "" {
			t.Errorf("refused reviews wrote (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(beforeB, f.state(t, f.b)); diff != "" {
			t.Errorf("the other tenant changed (-before +after):\n%s", diff)
		}
		if n := f.reviewCount(t, f.a); n != "0" {
			t.Errorf("refused reviews stored %s, want 0", n)
		}
		// The refusals were not for want of a reviewable assessment: the
		// report's manager may review it.
		if err := review(s.asManager, a.ID, one); err != nil {
			t.Fatalf("the manager reviews: %v", err)
		}
	})
}

func TestReviewReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		s := f.seedStaff(t, f.a)
		f.seedStaff(t, f.b)
		a := f.scoredAssessment(t, f.a, s)
		c1, _ := assessed(t, a)
		read := func(p tenants.Principal) error {
			_, err := f.app.Review(t.Context(), p, a.ID)
			return err
		}
		// Before the review is submitted nobody sees one.
		refusal(t, read(s.asReport), app.NotFound, "no-review")
		refusal(t, read(s.asManager), app.NotFound, "no-review")
		if _, err := f.app.ReviewAssessment(t.Context(), s.asManager, a.ID, []app.Rating{{CompetencySlug: c1, Level: 3, Comment: "steady"}}); err != nil {
			t.Fatalf("review: %v", err)
		}
		analyst := tenants.Principal{Subject: "bi", Tenant: f.a, Roles: []tenants.Role{tenants.RoleAnalyst}}
		tests := []struct {
			name string
			p    tenants.Principal
			kind app.Kind // 0: allowed
		}{
			{"the employee", s.asReport, 0},
			{"the manager", s.asManager, 0},
			{"an admin", admin(f.a), 0},
			{"an analyst", analyst, app.Forbidden},
			{"another employee", s.asOther, app.NotFound},
			{"another tenant's admin", admin(f.b), app.NotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.app.Review(t.Context(), tt.p, a.ID)
				if tt.kind != 0 {
					refusal(t, err, tt.kind, "")
					return
				}
				if err != nil || len(got.Ratings) != 1 || got.Ratings[0].Comment != "steady" || got.Reviewer != "mgr" {
					t.Errorf("read %+v, err %v; want the manager's review with its comment", got, err)
				}
			})
		}
	})
}
