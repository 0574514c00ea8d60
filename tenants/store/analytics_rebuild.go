package store

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// AnalyticsRebuild says what RebuildAnalytics computed.
type AnalyticsRebuild struct {
	Employees, Assessed, Cells int
	// Drifted reports whether the read models differed from the rebuilt
	// ones (they should not: the projector keeps them equal).
	Drifted bool
}

// RebuildAnalytics recomputes every analytics read model of the tenant from
// the source tables, in this transaction: the per-employee contributions in
// chunks of employees, then the cells and counters with set-based GROUP BY
// statements over them.
func (tx *Tx) RebuildAnalytics() (AnalyticsRebuild, error) {
	var report AnalyticsRebuild
	if err := tx.LockTenant(analyticsLock); err != nil {
		return report, err
	}
	before, err := tx.AnalyticsSnapshot()
	if err != nil {
		return report, err
	}
	t := tx.tenant.String()
	for _, table := range []string{"analytics_totals", "analytics_cells", "analytics_employee_scores", "analytics_employees"} {
		if err := tx.db.Exec("DELETE FROM "+table+" WHERE tenant_id = ?", t).Error; err != nil {
			return report, fmt.Errorf("rebuild analytics: %w", err)
		}
	}
	var ids []string
	if err := tx.db.Model(&employeeRow{}).Where("tenant_id = ?", t).Order("id").Pluck("id", &ids).Error; err != nil {
		return report, fmt.Errorf("rebuild analytics: %w", err)
	}
	for chunk := range slices.Chunk(ids, lookupBatch) {
		uids := make([]uuid.UUID, len(chunk))
		for i, s := range chunk {
			if uids[i], err = uuid.Parse(s); err != nil {
				return report, fmt.Errorf("rebuild analytics: %w", err)
			}
		}
		current, err := tx.sourceContributions(uids)
		if err != nil {
			return report, err
		}
		if err := tx.writeContributions(uids, current); err != nil {
			return report, err
		}
	}
	stmts := []string{
		`INSERT INTO analytics_cells (tenant_id, dimension, group_key, competency_slug, employees, score_milli_sum, gap_sum, meeting)
			SELECT tenant_id, 'all', '', competency_slug, COUNT(*), SUM(score_milli), SUM(gap), SUM(meets)
			FROM analytics_employee_scores WHERE tenant_id = ? GROUP BY tenant_id, competency_slug`,
		`INSERT INTO analytics_cells (tenant_id, dimension, group_key, competency_slug, employees, score_milli_sum, gap_sum, meeting)
			SELECT s.tenant_id, 'team', e.team, s.competency_slug, COUNT(*), SUM(s.score_milli), SUM(s.gap), SUM(s.meets)
			FROM analytics_employee_scores s JOIN analytics_employees e ON e.tenant_id = s.tenant_id AND e.employee_id = s.employee_id
			WHERE s.tenant_id = ? GROUP BY s.tenant_id, e.team, s.competency_slug`,
		`INSERT INTO analytics_cells (tenant_id, dimension, group_key, competency_slug, employees, score_milli_sum, gap_sum, meeting)
			SELECT s.tenant_id, 'role', e.role_slug, s.competency_slug, COUNT(*), SUM(s.score_milli), SUM(s.gap), SUM(s.meets)
			FROM analytics_employee_scores s JOIN analytics_employees e ON e.tenant_id = s.tenant_id AND e.employee_id = s.employee_id
			WHERE s.tenant_id = ? GROUP BY s.tenant_id, e.role_slug, s.competency_slug`,
		`INSERT INTO analytics_totals (tenant_id, employees, assessed, plan_employees, plan_not_started, plan_in_progress, plan_done, plan_closed)
			SELECT tenant_id, COUNT(*), COUNT(assessment_id), SUM(CASE WHEN plan_version > 0 THEN 1 ELSE 0 END),
				SUM(plan_not_started), SUM(plan_in_progress), SUM(plan_done), SUM(plan_closed)
			FROM analytics_employees WHERE tenant_id = ? GROUP BY tenant_id`,
	}
	for _, s := range stmts {
		if err := tx.db.Exec(s, t).Error; err != nil {
			return report, fmt.Errorf("rebuild analytics: %w", err)
		}
	}
	after, err := tx.AnalyticsSnapshot()
	if err != nil {
		return report, err
	}
	report.Employees, report.Assessed, report.Cells = after.Totals.Employees, after.Totals.Assessed, len(after.Cells)
	report.Drifted = !before.Equal(after)
	return report, nil
}
