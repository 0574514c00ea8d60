package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// LatestResultBody is one competency of the caller's latest scored
// assessment.
type LatestResultBody struct {
	CompetencySlug string    `json:"competency_slug"`
	Score          float64   `json:"score"`
	Level          int       `json:"level"`
	RequiredLevel  int       `json:"required_level"`
	Gap            int       `json:"gap"`
	Confidence     float64   `json:"confidence"`
	ScoredAt       time.Time `json:"scored_at"`
}

// LatestResultsBody is the caller's latest scored assessment, per
// competency.
type LatestResultsBody struct {
	AssessmentID string             `json:"assessment_id" format:"uuid"`
	ScoredAt     time.Time          `json:"scored_at"`
	Results      []LatestResultBody `json:"results"`
}

// MeOutput is GET /v1/me.
type MeOutput struct {
	Body struct {
		Employee       EmployeeBody       `json:"employee"`
		Framework      *FrameworkBody     `json:"framework" doc:"The company's tailored framework of the employee's role at their tier (null when the company has none for the role)."`
		LibraryVersion int                `json:"library_version"`
		LatestResults  *LatestResultsBody `json:"latest_results" doc:"The latest scored assessment (null before the first)."`
	}
}

func (s *Server) registerMe() {
	huma.Register(s.api, huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/v1/me",
		Summary:     "The caller's employee record, framework and latest results",
		Description: "Found by the token's subject. 404 when the company has no employee with that subject.",
		Tags:        []string{"employees"},
	}, s.getMe)
}

func (s *Server) getMe(ctx context.Context, _ *struct{}) (*MeOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	out := &MeOutput{}
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		e, err := tx.EmployeeBySubject(p.Subject)
		if errors.Is(err, store.ErrNotFound) {
			return problem(http.StatusNotFound, "no-employee-record", "the company has no employee record for your subject")
		}
		if err != nil {
			return err
		}
		out.Body.Employee = toEmployeeBody(e)
		tf, err := app.Framework(tx, e.RoleSlug)
		switch {
		case err == nil:
			fb := FrameworkBodyFrom(tf.Framework, e.Tier)
			out.Body.Framework, out.Body.LibraryVersion = &fb, tf.LibraryVersion
		case !errors.Is(err, app.ErrUnknownRole):
			return err
		}
		rows, err := tx.LatestAssessmentResults(e.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		lr := &LatestResultsBody{Results: make([]LatestResultBody, len(rows))}
		for i, r := range rows {
			lr.AssessmentID, lr.ScoredAt = r.AssessmentID.String(), r.ScoredAt
			lr.Results[i] = LatestResultBody{CompetencySlug: r.CompetencySlug, Score: r.Score, Level: r.Level.Int(),
				RequiredLevel: r.RequiredLevel.Int(), Gap: r.Gap, Confidence: r.Confidence, ScoredAt: r.ScoredAt}
		}
		out.Body.LatestResults = lr
		return nil
	})
	if err != nil {
		return nil, s.fail(ctx, "get me", err)
	}
	return out, nil
}
