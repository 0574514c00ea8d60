package api

import (
	"context"
	"net/http"
	"slices"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/analytics"
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// The analytics routes serve aggregates only (DESIGN §1: an analyst reads
// figures, never document text or free-text answers): counts, means and
// shares over the tenant's employees, from the read models the analytics
// projector keeps (workers/analytics.go).

// analyticsRoles may read analytics.
var analyticsRoles = []tenants.Role{tenants.RoleAnalyst, tenants.RoleAdmin}

// CompetencyStatBody is one competency across the tenant.
type CompetencyStatBody struct {
	CompetencySlug string `json:"competency_slug"`
	Name           string `json:"name,omitempty" doc:"The catalog name; absent for competencies the catalog does not know (company values, custom ones)."`
	StatBody
}

// StatBody is the aggregate of one competency over a group of employees:
// the results of each employee's latest scored assessment.
type StatBody struct {
	EmployeesAssessed    int     `json:"employees_assessed" doc:"Employees whose latest scored assessment covers the competency."`
	MeanScore            float64 `json:"mean_score" minimum:"0" maximum:"5"`
	MeanGap              float64 `json:"mean_gap" minimum:"0" doc:"Mean number of levels below the required level."`
	ShareMeetingRequired float64 `json:"share_meeting_required" minimum:"0" maximum:"1" doc:"Share of the assessed employees at or above the required level."`
}

func toStat(c store.AnalyticsCell) StatBody {
	return StatBody{EmployeesAssessed: c.Employees, MeanScore: analytics.Round3(c.MeanScore()), MeanGap: analytics.Round3(c.MeanGap()), ShareMeetingRequired: analytics.Round3(c.ShareMeeting())}
}

// CompetencyAnalyticsBody answers GET /v1/analytics/competencies.
type CompetencyAnalyticsBody struct {
	Employees     int                  `json:"employees" doc:"The tenant's employees."`
	Assessed      int                  `json:"assessed" doc:"Employees with at least one scored assessment."`
	ShareAssessed float64              `json:"share_assessed" minimum:"0" maximum:"1"`
	Items         []CompetencyStatBody `json:"items" doc:"Every competency with at least min_cell assessed employees, by slug."`
	MinCell       int                  `json:"min_cell" doc:"k: competencies assessed for fewer employees are suppressed (the tenant's analytics_min_cell)."`
	Suppressed    []SuppressedCellBody `json:"suppressed" doc:"Competencies assessed for fewer than min_cell employees: no figures."`
}

// HeatmapInput selects the heatmap's grouping.
type HeatmapInput struct {
	By string `query:"by" enum:"team,role" default:"team" doc:"Group employees by team or by role (role slug)."`
}

// HeatmapCellBody is one competency × group cell.
type HeatmapCellBody struct {
	Group          string `json:"group" doc:"The team (\"\" for employees without one) or the role slug."`
	CompetencySlug string `json:"competency_slug"`
	StatBody
}

// HeatmapGroupBody is one row of the heatmap.
type HeatmapGroupBody struct {
	Key   string `json:"key"`
	Label string `json:"label" doc:"The team, \"(no team)\", or the role's title."`
}

// HeatmapBody answers GET /v1/analytics/heatmap.
type HeatmapBody struct {
	By           string               `json:"by" enum:"team,role"`
	Groups       []HeatmapGroupBody   `json:"groups" doc:"The groups with at least one assessed employee, by key."`
	Competencies []string             `json:"competencies" doc:"The competencies with at least one assessed employee, by slug."`
	Cells        []HeatmapCellBody    `json:"cells" doc:"Non-empty cells of at least min_cell employees, by group then competency."`
	MinCell      int                  `json:"min_cell" doc:"k: cells of fewer employees are suppressed (the tenant's analytics_min_cell)."`
	Suppressed   []SuppressedCellBody `json:"suppressed" doc:"Cells shown without figures: those under min_cell, and as many others of the same competency as keep the competency's total from revealing them."`
}

// PlanItemCountsBody counts plan items by status.
type PlanItemCountsBody struct {
	NotStarted int64 `json:"not_started"`
	InProgress int64 `json:"in_progress"`
	Done       int64 `json:"done"`
	Closed     int64 `json:"closed" doc:"Items a rebuild closed (met, retired, no longer in the framework)."`
	Total      int64 `json:"total"`
}

// PlanAnalyticsBody answers GET /v1/analytics/plans.
type PlanAnalyticsBody struct {
	Employees          int                `json:"employees"`
	EmployeesWithPlans int                `json:"employees_with_plans"`
	ShareWithPlans     float64            `json:"share_with_plans" minimum:"0" maximum:"1"`
	Items              PlanItemCountsBody `json:"items" doc:"Items of the current plans by status."`
	ShareDone          float64            `json:"share_done" minimum:"0" maximum:"1" doc:"done / (not_started + in_progress + done): closed items no longer count."`
}

// AssessmentAnalyticsBody answers GET /v1/analytics/assessments.
type AssessmentAnalyticsBody struct {
	Employees int `json:"employees"`
	Started   int `json:"started" doc:"Assessments ever started (open + submitted + scored)."`
	Open      int `json:"open" doc:"Being answered."`
	Submitted int `json:"submitted" doc:"Submitted, waiting for the scorer."`
	Scored    int `json:"scored"`
	// EmployeesScored and the shares describe people, not assessments.
	EmployeesWithOpen      int     `json:"employees_with_open"`
	EmployeesScored        int     `json:"employees_scored" doc:"Employees with at least one scored assessment."`
	ShareScored            float64 `json:"share_scored" minimum:"0" maximum:"1" doc:"scored / started."`
	ShareEmployeesAssessed float64 `json:"share_employees_assessed" minimum:"0" maximum:"1" doc:"employees_scored / employees."`
}

// Outputs of the analytics routes.
type (
	CompetencyAnalyticsOutput struct{ Body CompetencyAnalyticsBody }
	HeatmapOutput             struct{ Body HeatmapBody }
	PlanAnalyticsOutput       struct{ Body PlanAnalyticsBody }
	AssessmentAnalyticsOutput struct{ Body AssessmentAnalyticsBody }
)

func (s *Server) registerAnalytics() {
	tags := []string{"analytics"}
	huma.Register(s.api, huma.Operation{
		OperationID: "analytics-competencies", Method: http.MethodGet, Path: "/v1/analytics/competencies",
		Summary:     "Per-competency aggregates (analyst, admin)",
		Description: "For every competency: employees assessed, mean score, mean gap and the share meeting the required level, over each employee's latest scored assessment. Figures only: no document text, no answers.",
		Tags:        tags,
	}, s.getCompetencyAnalytics)
	huma.Register(s.api, huma.Operation{
		OperationID: "analytics-heatmap", Method: http.MethodGet, Path: "/v1/analytics/heatmap",
		Summary:     "Competency × team or role heatmap (analyst, admin)",
		Description: "Mean score, mean gap and share meeting the required level per competency and team (`by=team`) or role (`by=role`). Another `by` is 422.",
		Tags:        tags,
	}, s.getHeatmap)
	huma.Register(s.api, huma.Operation{
		OperationID: "analytics-plans", Method: http.MethodGet, Path: "/v1/analytics/plans",
		Summary:     "Development plan progress (analyst, admin)",
		Description: "Employees with a plan, and the items of the current plans by status.",
		Tags:        tags,
	}, s.getPlanAnalytics)
	huma.Register(s.api, huma.Operation{
		OperationID: "analytics-assessments", Method: http.MethodGet, Path: "/v1/analytics/assessments",
		Summary:     "Assessment completion (analyst, admin)",
		Description: "Assessments started, open, submitted and scored, and the employees behind them.",
		Tags:        tags,
	}, s.getAssessmentAnalytics)
}

// catalogNames maps catalog competency slugs to names and role slugs to
// titles, built once.
var catalogNames = sync.OnceValues(func() (map[string]string, map[string]string) {
	comps, roles := map[string]string{}, map[string]string{}
	for _, c := range catalog.Default().Competencies() {
		comps[c.Slug] = c.Name
	}
	for _, r := range catalog.Default().Roles() {
		roles[r.Role.Slug] = r.Role.Title
	}
	return comps, roles
})

func (s *Server) getCompetencyAnalytics(ctx context.Context, _ *struct{}) (*CompetencyAnalyticsOutput, error) {
	p, err := tenantPrincipal(ctx, analyticsRoles...)
	if err != nil {
		return nil, err
	}
	var (
		cells  []store.AnalyticsCell
		totals store.AnalyticsTotals
		k      int
	)
	err = s.cfg.Store.InTenantSnapshot(ctx, p.Tenant, func(tx *store.Tx) error {
		if cells, err = tx.AnalyticsCells(store.DimensionAll); err != nil {
			return err
		}
		if k, err = s.minCell(tx); err != nil {
			return err
		}
		totals, err = tx.AnalyticsTotals()
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "competency analytics", err)
	}
	names, _ := catalogNames()
	cells, suppressed := suppressCells(p, cells, k)
	out := &CompetencyAnalyticsOutput{Body: CompetencyAnalyticsBody{Employees: totals.Employees, Assessed: totals.Assessed,
		ShareAssessed: analytics.Share(int64(totals.Assessed), int64(totals.Employees)), Items: make([]CompetencyStatBody, len(cells)),
		MinCell: k, Suppressed: orEmpty(suppressed)}}
	for i, c := range cells {
		out.Body.Items[i] = CompetencyStatBody{CompetencySlug: c.CompetencySlug, Name: names[c.CompetencySlug], StatBody: toStat(c)}
	}
	return out, nil
}

func (s *Server) getHeatmap(ctx context.Context, in *HeatmapInput) (*HeatmapOutput, error) {
	p, err := tenantPrincipal(ctx, analyticsRoles...)
	if err != nil {
		return nil, err
	}
	dim := store.DimensionTeam
	switch in.By {
	case "", "team":
	case "role":
		dim = store.DimensionRole
	default: // huma's enum check answers first; this is the backstop
		return nil, problem(http.StatusUnprocessableEntity, "validation", "by must be team or role",
			&huma.ErrorDetail{Location: "query.by", Message: "expected value to be one of \"team, role\"", Value: truncate(in.By, 40)})
	}
	var cells []store.AnalyticsCell
	var k int
	err = s.cfg.Store.InTenantSnapshot(ctx, p.Tenant, func(tx *store.Tx) error {
		if k, err = s.minCell(tx); err != nil {
			return err
		}
		cells, err = tx.AnalyticsCells(dim)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "heatmap", err)
	}
	_, titles := catalogNames()
	shown, suppressed := suppressCells(p, cells, k)
	body := HeatmapBody{By: string(dim), Groups: []HeatmapGroupBody{}, Competencies: []string{}, Cells: make([]HeatmapCellBody, 0, len(shown)),
		MinCell: k, Suppressed: orEmpty(suppressed)}
	for _, c := range shown {
		body.Cells = append(body.Cells, HeatmapCellBody{Group: c.Group, CompetencySlug: c.CompetencySlug, StatBody: toStat(c)})
	}
	slugs := map[string]bool{}
	for _, c := range cells {
		if len(body.Groups) == 0 || body.Groups[len(body.Groups)-1].Key != c.Group {
			label := c.Group
			switch {
			case dim == store.DimensionTeam && c.Group == "":
				label = "(no team)"
			case dim == store.DimensionRole && titles[c.Group] != "":
				label = titles[c.Group]
			}
			body.Groups = append(body.Groups, HeatmapGroupBody{Key: c.Group, Label: label})
		}
		if !slugs[c.CompetencySlug] {
			slugs[c.CompetencySlug] = true
			body.Competencies = append(body.Competencies, c.CompetencySlug)
		}
	}
	slices.Sort(body.Competencies)
	return &HeatmapOutput{Body: body}, nil
}

func (s *Server) getPlanAnalytics(ctx context.Context, _ *struct{}) (*PlanAnalyticsOutput, error) {
	p, err := tenantPrincipal(ctx, analyticsRoles...)
	if err != nil {
		return nil, err
	}
	var t store.AnalyticsTotals
	err = s.cfg.Store.InTenantSnapshot(ctx, p.Tenant, func(tx *store.Tx) error {
		t, err = tx.AnalyticsTotals()
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "plan analytics", err)
	}
	items := PlanItemCountsBody{NotStarted: t.NotStarted, InProgress: t.InProgress, Done: t.Done, Closed: t.Closed,
		Total: t.NotStarted + t.InProgress + t.Done + t.Closed}
	return &PlanAnalyticsOutput{Body: PlanAnalyticsBody{Employees: t.Employees, EmployeesWithPlans: t.PlanEmployees,
		ShareWithPlans: analytics.Share(int64(t.PlanEmployees), int64(t.Employees)), Items: items,
		ShareDone: analytics.Share(t.Done, t.NotStarted+t.InProgress+t.Done)}}, nil
}

func (s *Server) getAssessmentAnalytics(ctx context.Context, _ *struct{}) (*AssessmentAnalyticsOutput, error) {
	p, err := tenantPrincipal(ctx, analyticsRoles...)
	if err != nil {
		return nil, err
	}
	var (
		c store.AssessmentCompletion
		t store.AnalyticsTotals
	)
	err = s.cfg.Store.InTenantSnapshot(ctx, p.Tenant, func(tx *store.Tx) error {
		if c, err = tx.AssessmentCompletion(); err != nil {
			return err
		}
		t, err = tx.AnalyticsTotals()
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "assessment analytics", err)
	}
	return &AssessmentAnalyticsOutput{Body: AssessmentAnalyticsBody{Employees: t.Employees, Started: c.Started(), Open: c.Open,
		Submitted: c.Submitted, Scored: c.Scored, EmployeesWithOpen: c.EmployeesOpen, EmployeesScored: c.EmployeesScored,
		ShareScored: analytics.Share(int64(c.Scored), int64(c.Started())), ShareEmployeesAssessed: analytics.Share(int64(c.EmployeesScored), int64(t.Employees))}}, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
