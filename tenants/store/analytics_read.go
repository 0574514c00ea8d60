package store

import (
	"fmt"
	"slices"
)

// AssessmentCompletion counts the tenant's assessments by status, and the
// employees with at least one assessment in each status.
type AssessmentCompletion struct {
	Open, Submitted, Scored                            int
	EmployeesOpen, EmployeesSubmitted, EmployeesScored int
}

// Started is every assessment ever started (open, submitted or scored).
func (c AssessmentCompletion) Started() int { return c.Open + c.Submitted + c.Scored }

// AssessmentCompletion counts the tenant's assessments by status. It reads
// the assessments table itself: starting an assessment emits no event, so
// no projection could count open ones; the count is one grouped scan of the
// tenant's rows.
func (tx *Tx) AssessmentCompletion() (AssessmentCompletion, error) {
	var rows []struct {
		Status    string
		N         int
		Employees int
	}
	err := tx.db.Raw(`SELECT status, COUNT(*) AS n, COUNT(DISTINCT employee_id) AS employees FROM assessments
		WHERE tenant_id = ? GROUP BY status`, tx.tenant.String()).Scan(&rows).Error
	if err != nil {
		return AssessmentCompletion{}, fmt.Errorf("assessment completion: %w", err)
	}
	var c AssessmentCompletion
	for _, r := range rows {
		switch AssessmentStatus(r.Status) {
		case AssessmentOpen:
			c.Open, c.EmployeesOpen = r.N, r.Employees
		case AssessmentSubmitted:
			c.Submitted, c.EmployeesSubmitted = r.N, r.Employees
		case AssessmentScored:
			c.Scored, c.EmployeesScored = r.N, r.Employees
		}
	}
	return c, nil
}

// Equal reports whether two snapshots hold the same rows.
func (s AnalyticsSnapshot) Equal(o AnalyticsSnapshot) bool {
	if s.Totals != o.Totals || !slices.Equal(s.Cells, o.Cells) || len(s.Employees) != len(o.Employees) {
		return false
	}
	for i := range s.Employees {
		if !s.Employees[i].Equal(o.Employees[i]) || s.Employees[i].EmployeeID != o.Employees[i].EmployeeID {
			return false
		}
	}
	return true
}

// AnalyticsSnapshot reads every analytics row of the tenant, in key order.
func (tx *Tx) AnalyticsSnapshot() (AnalyticsSnapshot, error) {
	var snap AnalyticsSnapshot
	all, err := tx.recordedContributions(nil)
	if err != nil {
		return snap, err
	}
	for _, c := range all {
		snap.Employees = append(snap.Employees, c.AnalyticsEmployee)
	}
	slices.SortFunc(snap.Employees, func(a, b AnalyticsEmployee) int { return slices.Compare(a.EmployeeID[:], b.EmployeeID[:]) })
	for _, d := range []AnalyticsDimension{DimensionAll, DimensionRole, DimensionTeam} {
		cells, err := tx.AnalyticsCells(d)
		if err != nil {
			return snap, err
		}
		snap.Cells = append(snap.Cells, cells...)
	}
	snap.Totals, err = tx.AnalyticsTotals()
	return snap, err
}

// AnalyticsCells lists the cells of one dimension, by group then competency.
func (tx *Tx) AnalyticsCells(dim AnalyticsDimension) ([]AnalyticsCell, error) {
	var rows []analyticsCellRow
	err := tx.db.Where("tenant_id = ? AND dimension = ?", tx.tenant.String(), string(dim)).Order("group_key, competency_slug").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("analytics cells: %w", err)
	}
	out := make([]AnalyticsCell, len(rows))
	for i, r := range rows {
		out[i] = AnalyticsCell{Dimension: AnalyticsDimension(r.Dimension), Group: r.GroupKey, CompetencySlug: r.CompetencySlug,
			Employees: r.Employees, ScoreMilliSum: r.ScoreMilliSum, GapSum: r.GapSum, Meeting: r.Meeting}
	}
	return out, nil
}

// AnalyticsTotals reads the tenant's counters (zero when it has no
// employees).
func (tx *Tx) AnalyticsTotals() (AnalyticsTotals, error) {
	var rows []analyticsTotalsRow
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Find(&rows).Error; err != nil {
		return AnalyticsTotals{}, fmt.Errorf("analytics totals: %w", err)
	}
	if len(rows) == 0 {
		return AnalyticsTotals{}, nil
	}
	r := rows[0]
	return AnalyticsTotals{Employees: r.Employees, Assessed: r.Assessed, PlanEmployees: r.PlanEmployees,
		NotStarted: r.PlanNotStarted, InProgress: r.PlanInProgress, Done: r.PlanDone, Closed: r.PlanClosed}, nil
}
