package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// ReviewRatingBody is the level a reviewer gives one competency of the
// assessment, with an optional comment.
type ReviewRatingBody struct {
	CompetencySlug string `json:"competency_slug" doc:"A competency the assessment assesses."`
	Level          int    `json:"level" doc:"1 (basic) to 5 (expert)."`
	Comment        string `json:"comment,omitempty" doc:"Optional, at most 2000 characters of text."`
}

// ReviewBody is a manager's (or an admin's) review of a scored assessment.
type ReviewBody struct {
	AssessmentID string             `json:"assessment_id" format:"uuid"`
	Reviewer     string             `json:"reviewer" doc:"The token subject of who submitted the review."`
	Ratings      []ReviewRatingBody `json:"ratings" doc:"In competency-slug order."`
	SubmittedAt  time.Time          `json:"submitted_at"`
	Version      int                `json:"version" doc:"Counts the submissions of this assessment's review."`
}

// ReviewInput is PUT /v1/assessments/{id}/review.
type ReviewInput struct {
	ID   string `path:"id"`
	Body struct {
		Ratings []ReviewRatingBody `json:"ratings" maxItems:"500"`
	}
}

// ReviewIDInput names the assessment whose review is read.
type ReviewIDInput struct {
	ID string `path:"id"`
}

// ReviewOutput answers with a review.
type ReviewOutput struct {
	Body ReviewBody
}

func toReviewBody(r store.Review) ReviewBody {
	b := ReviewBody{AssessmentID: r.AssessmentID.String(), Reviewer: r.Reviewer, SubmittedAt: r.SubmittedAt, Version: r.Version,
		Ratings: make([]ReviewRatingBody, len(r.Ratings))}
	for i, rt := range r.Ratings {
		b.Ratings[i] = ReviewRatingBody{CompetencySlug: rt.CompetencySlug, Level: rt.Level.Int(), Comment: rt.Comment}
	}
	return b
}

func (s *Server) registerReviews() {
	tags := []string{"assessments"}
	huma.Register(s.api, huma.Operation{
		OperationID: "review-assessment", Method: http.MethodPut, Path: "/v1/assessments/{id}/review",
		Summary: "Rate a report per competency (their manager or an admin, once scored)",
		Description: "Replaces the assessment's review, if any; the same review again changes nothing. Reviewing one's own assessment is 403 " +
			"(self-review), an assessment not yet scored 409 (assessment-not-scored). Emits assessment.reviewed with the levels only.",
		Tags: tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.reviewAssessment)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-review", Method: http.MethodGet, Path: "/v1/assessments/{id}/review",
		Summary:     "Read an assessment's review",
		Description: "The taker, their manager and admins; 404 (no-review) until one is submitted.",
		Tags:        tags,
	}, s.getReview)
}

func (s *Server) reviewAssessment(ctx context.Context, in *ReviewInput) (*ReviewOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeReviews, "authorize reviews")
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	ratings := make([]app.Rating, len(in.Body.Ratings))
	for i, r := range in.Body.Ratings {
		ratings[i] = app.Rating(r)
	}
	r, err := s.app.ReviewAssessment(ctx, p, id, ratings)
	if err != nil {
		return nil, s.fail(ctx, "review assessment", err)
	}
	return &ReviewOutput{Body: toReviewBody(r)}, nil
}

func (s *Server) getReview(ctx context.Context, in *ReviewIDInput) (*ReviewOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeAssessments, "authorize assessments")
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	r, err := s.app.Review(ctx, p, id)
	if err != nil {
		return nil, s.fail(ctx, "get review", err)
	}
	return &ReviewOutput{Body: toReviewBody(r)}, nil
}
