package app

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// MaxReviewComment bounds a review comment, in characters.
const MaxReviewComment = 2000

// reviewerRoles may review an assessment: an admin anyone's, a manager
// their direct reports'.
var reviewerRoles = []tenants.Role{tenants.RoleAdmin, tenants.RoleManager}

// AuthorizeReviews checks that p may review assessments at all, for
// adapters that must refuse a caller before reading the rest of a request.
// ReviewAssessment checks it again itself.
func (a *App) AuthorizeReviews(p tenants.Principal) error {
	return authorize(p, reviewerRoles...)
}

// Rating is one competency's rating in a review, as received.
type Rating struct {
	CompetencySlug string
	// Level is 1–5.
	Level int
	// Comment is optional clean text of at most MaxReviewComment
	// characters.
	Comment string
}

// ReviewAssessment stores p's review of a scored assessment, replacing any
// earlier one, and emits assessment.reviewed (levels only) with an audit
// entry assessment.review, in one transaction. Admins review anyone's
// assessment, managers their direct reports'; nobody reviews their own
// (Forbidden, code self-review). An assessment p may not see is NotFound,
// an unscored one a Conflict (assessment-not-scored). A review with the
// same reviewer and ratings as the stored one writes nothing.
func (a *App) ReviewAssessment(ctx context.Context, p tenants.Principal, id uuid.UUID, ratings []Rating) (store.Review, error) {
	if err := a.AuthorizeReviews(p); err != nil {
		return store.Review{}, err
	}
	rs, err := checkRatings(ratings)
	if err != nil {
		return store.Review{}, err
	}
	var out store.Review
	err = a.inTenant(ctx, p, func(tx *tx) error {
		r, err := ReaderOf(tx.Tx, p)
		if err != nil {
			return err
		}
		as, self, err := r.assessment(tx.Tx, id)
		if err != nil {
			return err
		}
		if self {
			return refuse(Forbidden, "self-review", "you may not review your own assessment; your manager or an admin reviews it")
		}
		if as.Status != store.AssessmentScored {
			return refuse(Conflict, "assessment-not-scored", "the assessment is not scored yet; review it once it is")
		}
		if err := inAssessment(as, rs); err != nil {
			return err
		}
		in := store.Review{AssessmentID: id, Reviewer: p.Subject, Ratings: rs, SubmittedAt: a.now().UTC().Truncate(time.Microsecond)}
		cur, err := tx.Review(id)
		switch {
		case err == nil && cur.SameContent(in):
			out = cur
			return nil // the same review again: nothing to write
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
		if out, err = tx.PutReview(in); err != nil {
			return err
		}
		_, err = tx.record(change{Action: "assessment.review", Resource: "assessment/" + id.String(),
			Detail: map[string]any{"employee_id": as.EmployeeID.String(), "ratings": len(rs), "version": out.Version},
			Events: func(int64) []store.PendingEvent {
				return event(events.TypeAssessmentReviewed, id.String(), reviewed(as, out))
			}})
		return err
	})
	if err != nil {
		return store.Review{}, err
	}
	return out, nil
}

// checkRatings checks each rating on its own (at least one, levels 1–5,
// clean comments, each competency once) and returns them for the store.
func checkRatings(ratings []Rating) ([]store.ReviewRating, error) {
	if len(ratings) == 0 {
		return nil, invalid("give at least one rating", Field{Location: "body.ratings", Message: "must hold at least one rating"})
	}
	out := make([]store.ReviewRating, len(ratings))
	seen := make(map[string]bool, len(ratings))
	for i, r := range ratings {
		at := func(field string) string { return fmt.Sprintf("body.ratings[%d].%s", i, field) }
		switch {
		case r.CompetencySlug == "":
			return nil, invalid("each rating names a competency", Field{Location: at("competency_slug"), Message: "required"})
		case seen[r.CompetencySlug]:
			return nil, invalid("each competency is rated once", Field{Location: at("competency_slug"), Message: "rated twice"})
		}
		seen[r.CompetencySlug] = true
		level, err := competency.ParseLevel(r.Level)
		if err != nil {
			return nil, invalid("level must be 1 to 5", Field{Location: at("level"), Message: "must be 1 to 5", Value: r.Level})
		}
		if !ValidText(r.Comment) || utf8.RuneCountInString(r.Comment) > MaxReviewComment {
			return nil, invalid(fmt.Sprintf("comment must be text without control characters, at most %d characters", MaxReviewComment),
				Field{Location: at("comment"), Message: fmt.Sprintf("must be clean text of at most %d characters", MaxReviewComment)})
		}
		out[i] = store.ReviewRating{CompetencySlug: r.CompetencySlug, Level: level, Comment: r.Comment}
	}
	return out, nil
}

// inAssessment refuses a rating of a competency the assessment does not
// assess.
func inAssessment(as store.Assessment, rs []store.ReviewRating) error {
	assessed := map[string]bool{}
	for _, it := range as.Items {
		assessed[it.CompetencySlug] = true
	}
	for i, r := range rs {
		if !assessed[r.CompetencySlug] {
			return invalid(fmt.Sprintf("the assessment does not assess the competency %s", Quote(r.CompetencySlug)),
				Field{Location: fmt.Sprintf("body.ratings[%d].competency_slug", i), Message: "not in the assessment"})
		}
	}
	return nil
}

// reviewed is the event of review r of as: the levels, never the comments.
func reviewed(as store.Assessment, r store.Review) events.AssessmentReviewed {
	ev := events.AssessmentReviewed{AssessmentID: as.ID.String(), EmployeeID: as.EmployeeID.String(), Reviewer: r.Reviewer,
		Ratings: make([]events.ReviewRating, len(r.Ratings))}
	for i, rt := range r.Ratings {
		ev.Ratings[i] = events.ReviewRating{CompetencySlug: rt.CompetencySlug, Level: rt.Level.Int()}
	}
	return ev
}

// Review returns the review of assessment id if p may see it: its taker
// (once it exists, which is once it is submitted), the taker's manager, an
// admin. Analysts are refused (they see aggregates only); an assessment p
// may not see is NotFound, as is one without a review (code no-review).
func (a *App) Review(ctx context.Context, p tenants.Principal, id uuid.UUID) (store.Review, error) {
	if err := a.AuthorizeAssessments(p); err != nil {
		return store.Review{}, err
	}
	var out store.Review
	err := a.inTenant(ctx, p, func(tx *tx) error {
		r, err := ReaderOf(tx.Tx, p)
		if err != nil {
			return err
		}
		if _, _, err := r.assessment(tx.Tx, id); err != nil {
			return err
		}
		out, err = tx.Review(id)
		if errors.Is(err, store.ErrNotFound) {
			return refuse(NotFound, "no-review", "the assessment has no review yet")
		}
		return err
	})
	return out, err
}
