package store

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/analytics"
)

// The analytics read models (migration 00007) aggregate, per tenant, the
// latest scored assessment of every employee per competency (over the whole
// tenant, per team and per role) and the status counts of their current
// development plans. Each employee's contribution is recorded beside the
// aggregates; ProjectEmployees recomputes it from the source tables
// (employees, assessment_results, plans), subtracts the recorded one and
// adds the new one. Because the contribution is always read from the source
// tables, never from an event, an event delivered late, twice or out of
// order changes nothing that a later one would not: the aggregates converge
// to what RebuildAnalytics computes from scratch.
//
// Every analytics write holds the tenant's "analytics" lock (LockTenant), so
// projectors of several worker replicas and a rebuild apply one after the
// other.

// The analytics types are those of domain/analytics, which holds their
// arithmetic; the store reads and writes them.
type (
	// AnalyticsDimension is how analytics cells are grouped.
	AnalyticsDimension = analytics.Dimension
	// AnalyticsCell aggregates the latest scored results of a group of
	// employees for one competency.
	AnalyticsCell = analytics.Cell
	// AnalyticsTotals are the tenant's analytics counters.
	AnalyticsTotals = analytics.Totals
	// AnalyticsEmployee is what the aggregates hold of one employee.
	AnalyticsEmployee = analytics.Employee
	// AnalyticsScore is one competency of an employee's latest scored
	// assessment, as the aggregates count it.
	AnalyticsScore = analytics.Score
)

// The analytics dimensions: the whole tenant (one group, ""), teams and
// roles (role slugs).
const (
	DimensionAll  = analytics.DimensionAll
	DimensionTeam = analytics.DimensionTeam
	DimensionRole = analytics.DimensionRole
)

// analyticsLock is the purpose of the tenant lock analytics writes hold.
const analyticsLock = "analytics"

// AnalyticsSnapshot is every analytics row of a tenant, in key order: what
// the projector maintains, to compare with a rebuild.
type AnalyticsSnapshot struct {
	Employees []AnalyticsEmployee
	Cells     []AnalyticsCell
	Totals    AnalyticsTotals
}

type analyticsEmployeeRow struct {
	TenantID       string `gorm:"primaryKey"`
	EmployeeID     string `gorm:"primaryKey"`
	Team           string
	RoleSlug       string
	AssessmentID   *string
	ScoredAt       *time.Time
	PlanVersion    int
	PlanNotStarted int
	PlanInProgress int
	PlanDone       int
	PlanClosed     int
}

func (analyticsEmployeeRow) TableName() string { return "analytics_employees" }

type analyticsScoreRow struct {
	TenantID       string `gorm:"primaryKey"`
	EmployeeID     string `gorm:"primaryKey"`
	CompetencySlug string `gorm:"primaryKey"`
	ScoreMilli     int64
	Gap            int64
	Meets          int
}

func (analyticsScoreRow) TableName() string { return "analytics_employee_scores" }

type analyticsCellRow struct {
	TenantID       string `gorm:"primaryKey"`
	Dimension      string `gorm:"primaryKey"`
	GroupKey       string `gorm:"primaryKey"`
	CompetencySlug string `gorm:"primaryKey"`
	Employees      int
	ScoreMilliSum  int64
	GapSum         int64
	Meeting        int
}

func (analyticsCellRow) TableName() string { return "analytics_cells" }

type analyticsTotalsRow struct {
	TenantID       string `gorm:"primaryKey"`
	Employees      int
	Assessed       int
	PlanEmployees  int
	PlanNotStarted int64
	PlanInProgress int64
	PlanDone       int64
	PlanClosed     int64
}

func (analyticsTotalsRow) TableName() string { return "analytics_totals" }

func (r analyticsEmployeeRow) toEmployee() (AnalyticsEmployee, error) {
	id, err := uuid.Parse(r.EmployeeID)
	if err != nil {
		return AnalyticsEmployee{}, fmt.Errorf("analytics employee: %w", err)
	}
	e := AnalyticsEmployee{EmployeeID: id, Team: r.Team, RoleSlug: r.RoleSlug, ScoredAt: utcPtr(r.ScoredAt), PlanVersion: r.PlanVersion,
		NotStarted: r.PlanNotStarted, InProgress: r.PlanInProgress, Done: r.PlanDone, Closed: r.PlanClosed}
	if r.AssessmentID != nil {
		if e.AssessmentID, err = uuid.Parse(*r.AssessmentID); err != nil {
			return AnalyticsEmployee{}, fmt.Errorf("analytics employee: %w", err)
		}
	}
	return e, nil
}

func (s analyticsScoreRow) toScore() AnalyticsScore {
	return AnalyticsScore{CompetencySlug: s.CompetencySlug, ScoreMilli: s.ScoreMilli, Gap: s.Gap, Meets: s.Meets == 1}
}

func (tx *Tx) toAnalyticsRows(e AnalyticsEmployee) (analyticsEmployeeRow, []analyticsScoreRow) {
	t, id := tx.tenant.String(), e.EmployeeID.String()
	r := analyticsEmployeeRow{TenantID: t, EmployeeID: id, Team: e.Team, RoleSlug: e.RoleSlug, ScoredAt: e.ScoredAt,
		PlanVersion: e.PlanVersion, PlanNotStarted: e.NotStarted, PlanInProgress: e.InProgress, PlanDone: e.Done, PlanClosed: e.Closed}
	if e.AssessmentID != uuid.Nil {
		a := e.AssessmentID.String()
		r.AssessmentID = &a
	}
	scores := make([]analyticsScoreRow, len(e.Scores))
	for i, s := range e.Scores {
		meets := 0
		if s.Meets {
			meets = 1
		}
		scores[i] = analyticsScoreRow{TenantID: t, EmployeeID: id, CompetencySlug: s.CompetencySlug, ScoreMilli: s.ScoreMilli, Gap: s.Gap, Meets: meets}
	}
	return r, scores
}
