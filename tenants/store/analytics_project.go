package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/analytics"
	"github.com/cadrehq/cadre/domain/plan"
)

// contribution is what one employee adds to the aggregates; the zero value
// (present false) adds nothing.
type contribution struct {
	present bool
	AnalyticsEmployee
}

func (c contribution) equal(o contribution) bool {
	if c.present != o.present {
		return false
	}
	return !c.present || c.AnalyticsEmployee.Equal(o.AnalyticsEmployee)
}

// add adds sign × c's contribution to d.
func (c contribution) add(sign int64, d *analytics.Delta) {
	if c.present {
		d.Add(sign, c.AnalyticsEmployee)
	}
}

// ProjectEmployees brings the analytics of the given employees up to date
// with the source tables: for each, it recomputes their contribution (their
// team and role, their latest scored assessment, their current plan),
// subtracts the recorded one from the aggregates and adds the new one. An
// employee that no longer exists contributes nothing. It returns how many
// employees' contributions changed; a repeated call changes nothing.
func (tx *Tx) ProjectEmployees(ids []uuid.UUID) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if err := tx.LockTenant(analyticsLock); err != nil {
		return 0, err
	}
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	ids = slices.Compact(ids)
	recorded, err := tx.recordedContributions(ids)
	if err != nil {
		return 0, err
	}
	current, err := tx.sourceContributions(ids)
	if err != nil {
		return 0, err
	}
	delta := analytics.NewDelta()
	var changed []uuid.UUID
	for _, id := range ids {
		old, cur := recorded[id], current[id]
		if old.equal(cur) {
			continue
		}
		old.add(-1, delta)
		cur.add(+1, delta)
		changed = append(changed, id)
	}
	if len(changed) == 0 {
		return 0, nil
	}
	if err := tx.applyCellDeltas(delta); err != nil {
		return 0, err
	}
	if err := tx.applyTotalsDelta(delta.Totals); err != nil {
		return 0, err
	}
	if err := tx.writeContributions(changed, current); err != nil {
		return 0, err
	}
	return len(changed), nil
}

// recordedContributions reads what the aggregates hold of the employees
// (of every employee when ids is nil).
func (tx *Tx) recordedContributions(ids []uuid.UUID) (map[uuid.UUID]contribution, error) {
	out := make(map[uuid.UUID]contribution, len(ids))
	for chunk := range tx.idChunks(ids) {
		eq := tx.db.Where("tenant_id = ?", tx.tenant.String())
		sq := tx.db.Where("tenant_id = ?", tx.tenant.String())
		if chunk != nil {
			eq, sq = eq.Where("employee_id IN ?", chunk), sq.Where("employee_id IN ?", chunk)
		}
		var rows []analyticsEmployeeRow
		if err := eq.Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("read analytics employees: %w", err)
		}
		var scores []analyticsScoreRow
		if err := sq.Order("employee_id, competency_slug").Find(&scores).Error; err != nil {
			return nil, fmt.Errorf("read analytics scores: %w", err)
		}
		for _, r := range rows {
			e, err := r.toEmployee()
			if err != nil {
				return nil, err
			}
			out[e.EmployeeID] = contribution{present: true, AnalyticsEmployee: e}
		}
		for _, s := range scores {
			id, err := uuid.Parse(s.EmployeeID)
			if err != nil {
				return nil, fmt.Errorf("read analytics scores: %w", err)
			}
			c := out[id]
			c.Scores = append(c.Scores, s.toScore())
			out[id] = c
		}
	}
	return out, nil
}

// sourceEmployeeRow, sourceResultRow and sourcePlanRow are what
// sourceContributions reads.
type sourceEmployeeRow struct {
	ID       string
	Team     string
	RoleSlug string
}

type sourceResultRow struct {
	EmployeeID     string
	AssessmentID   string
	ScoredAt       time.Time
	CompetencySlug string
	Score          float64
	Level          int
	RequiredLevel  int
	Gap            int
}

type sourcePlanRow struct {
	EmployeeID string
	Version    int
	Items      string
}

// latestResultsSQL selects the result rows of each employee's latest scored
// assessment (the newest scored_at; the greatest id breaks ties).
const latestResultsSQL = `SELECT r.employee_id, r.assessment_id, r.scored_at, r.competency_slug, r.score, r.level, r.required_level, r.gap
	FROM assessment_results r
	JOIN (SELECT employee_id, assessment_id FROM (
			SELECT employee_id, assessment_id,
				ROW_NUMBER() OVER (PARTITION BY employee_id ORDER BY scored_at DESC, assessment_id DESC) AS rn
			FROM assessment_results WHERE tenant_id = ?%s) ranked
		WHERE rn = 1) latest
		ON latest.employee_id = r.employee_id AND latest.assessment_id = r.assessment_id
	WHERE r.tenant_id = ?%s
	ORDER BY r.employee_id, r.competency_slug`

// outerArgs are the arguments of latestResultsSQL's outer condition.
func outerArgs(tenant string, chunk []string) []any {
	if chunk == nil {
		return []any{tenant}
	}
	return []any{tenant, chunk}
}

// sourceContributions computes the contributions of the given employees
// (every employee of the tenant when ids is nil) from the source tables;
// employees that do not exist are absent.
func (tx *Tx) sourceContributions(ids []uuid.UUID) (map[uuid.UUID]contribution, error) {
	out := map[uuid.UUID]contribution{}
	t := tx.tenant.String()
	for chunk := range tx.idChunks(ids) {
		filter, outer, args := "", "", []any{t}
		if chunk != nil {
			filter, outer, args = " AND employee_id IN ?", " AND r.employee_id IN ?", append(args, chunk)
		}
		var emps []sourceEmployeeRow
		q := tx.db.Model(&employeeRow{}).Select("id", "team", "role_slug").Where("tenant_id = ?", t)
		if chunk != nil {
			q = q.Where("id IN ?", chunk)
		}
		if err := q.Scan(&emps).Error; err != nil {
			return nil, fmt.Errorf("analytics source employees: %w", err)
		}
		for _, e := range emps {
			id, err := uuid.Parse(e.ID)
			if err != nil {
				return nil, fmt.Errorf("analytics source employees: %w", err)
			}
			out[id] = contribution{present: true, AnalyticsEmployee: AnalyticsEmployee{EmployeeID: id, Team: e.Team, RoleSlug: e.RoleSlug}}
		}
		var results []sourceResultRow
		if err := tx.db.Raw(fmt.Sprintf(latestResultsSQL, filter, outer), append(args, outerArgs(t, chunk)...)...).Scan(&results).Error; err != nil {
			return nil, fmt.Errorf("analytics source results: %w", err)
		}
		for _, r := range results {
			id, err := uuid.Parse(r.EmployeeID)
			if err != nil {
				return nil, fmt.Errorf("analytics source results: %w", err)
			}
			c, ok := out[id]
			if !ok {
				continue // results of an employee deleted since
			}
			if c.AssessmentID == uuid.Nil {
				if c.AssessmentID, err = uuid.Parse(r.AssessmentID); err != nil {
					return nil, fmt.Errorf("analytics source results: %w", err)
				}
				at := r.ScoredAt.UTC()
				c.ScoredAt = &at
			}
			c.Scores = append(c.Scores, analytics.NewScore(r.CompetencySlug, r.Score, r.Level, r.RequiredLevel, r.Gap))
			out[id] = c
		}
		var plans []sourcePlanRow
		pq := tx.db.Model(&planRow{}).Select("plans.employee_id", "plans.version", "plans.items").Joins(headJoin).Where("plans.tenant_id = ?", t)
		if chunk != nil {
			pq = pq.Where("plans.employee_id IN ?", chunk)
		}
		if err := pq.Scan(&plans).Error; err != nil {
			return nil, fmt.Errorf("analytics source plans: %w", err)
		}
		for _, p := range plans {
			id, err := uuid.Parse(p.EmployeeID)
			if err != nil {
				return nil, fmt.Errorf("analytics source plans: %w", err)
			}
			c, ok := out[id]
			if !ok {
				continue
			}
			var items []struct {
				Status plan.Status `json:"status"`
			}
			if err := json.Unmarshal([]byte(p.Items), &items); err != nil {
				return nil, fmt.Errorf("analytics source plan of %s: %w", id, err)
			}
			c.PlanVersion = p.Version
			for _, it := range items {
				c.CountItem(it.Status)
			}
			out[id] = c
		}
	}
	return out, nil
}

// cellBatch is the number of cells per upsert statement (8 columns).
const cellBatch = 500

// applyCellDeltas adds the deltas to the cells in key order (one upsert per
// cellBatch cells) and removes the cells left without employees.
func (tx *Tx) applyCellDeltas(delta *analytics.Delta) error {
	keys := delta.ChangedCells()
	if len(keys) == 0 {
		return nil
	}
	t := tx.tenant.String()
	for chunk := range slices.Chunk(keys, cellBatch) {
		var sb strings.Builder
		args := make([]any, 0, 8*len(chunk))
		sb.WriteString("INSERT INTO analytics_cells (tenant_id, dimension, group_key, competency_slug, employees, score_milli_sum, gap_sum, meeting) VALUES ")
		for i, k := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			d := delta.Cells[k]
			args = append(args, t, string(k.Dimension), k.Group, k.Slug, d.Employees, d.ScoreMilli, d.Gap, d.Meeting)
		}
		sb.WriteString(` ON CONFLICT (tenant_id, dimension, group_key, competency_slug) DO UPDATE SET
			employees = analytics_cells.employees + excluded.employees,
			score_milli_sum = analytics_cells.score_milli_sum + excluded.score_milli_sum,
			gap_sum = analytics_cells.gap_sum + excluded.gap_sum,
			meeting = analytics_cells.meeting + excluded.meeting`)
		if err := tx.db.Exec(sb.String(), args...).Error; err != nil {
			return fmt.Errorf("update analytics cells: %w", err)
		}
	}
	if err := tx.db.Exec("DELETE FROM analytics_cells WHERE tenant_id = ? AND employees = 0", t).Error; err != nil {
		return fmt.Errorf("update analytics cells: %w", err)
	}
	return nil
}

// applyTotalsDelta adds d to the tenant's counters; counters back at zero
// employees are removed.
func (tx *Tx) applyTotalsDelta(d AnalyticsTotals) error {
	if d == (AnalyticsTotals{}) {
		return nil
	}
	t := tx.tenant.String()
	err := tx.db.Exec(`INSERT INTO analytics_totals (tenant_id, employees, assessed, plan_employees, plan_not_started, plan_in_progress, plan_done, plan_closed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET
			employees = analytics_totals.employees + excluded.employees,
			assessed = analytics_totals.assessed + excluded.assessed,
			plan_employees = analytics_totals.plan_employees + excluded.plan_employees,
			plan_not_started = analytics_totals.plan_not_started + excluded.plan_not_started,
			plan_in_progress = analytics_totals.plan_in_progress + excluded.plan_in_progress,
			plan_done = analytics_totals.plan_done + excluded.plan_done,
			plan_closed = analytics_totals.plan_closed + excluded.plan_closed`,
		t, d.Employees, d.Assessed, d.PlanEmployees, d.NotStarted, d.InProgress, d.Done, d.Closed).Error
	if err != nil {
		return fmt.Errorf("update analytics totals: %w", err)
	}
	if err := tx.db.Exec("DELETE FROM analytics_totals WHERE tenant_id = ? AND employees = 0", t).Error; err != nil {
		return fmt.Errorf("update analytics totals: %w", err)
	}
	return nil
}

// analyticsBatch is the number of employee or score rows per INSERT.
const analyticsBatch = 1000

// writeContributions records the current contributions of the employees
// ids (absent ones are removed).
func (tx *Tx) writeContributions(ids []uuid.UUID, current map[uuid.UUID]contribution) error {
	t := tx.tenant.String()
	for chunk := range tx.idChunks(ids) {
		if err := tx.db.Where("tenant_id = ? AND employee_id IN ?", t, chunk).Delete(&analyticsScoreRow{}).Error; err != nil {
			return fmt.Errorf("write analytics: %w", err)
		}
		if err := tx.db.Where("tenant_id = ? AND employee_id IN ?", t, chunk).Delete(&analyticsEmployeeRow{}).Error; err != nil {
			return fmt.Errorf("write analytics: %w", err)
		}
	}
	var emps []analyticsEmployeeRow
	var scores []analyticsScoreRow
	for _, id := range ids {
		c := current[id]
		if !c.present {
			continue
		}
		e, s := tx.toAnalyticsRows(c.AnalyticsEmployee)
		emps = append(emps, e)
		scores = append(scores, s...)
	}
	return tx.insertAnalyticsRows(emps, scores)
}

func (tx *Tx) insertAnalyticsRows(emps []analyticsEmployeeRow, scores []analyticsScoreRow) error {
	if len(emps) > 0 {
		if err := tx.db.CreateInBatches(emps, analyticsBatch).Error; err != nil {
			return fmt.Errorf("write analytics employees: %w", translate(err))
		}
	}
	if len(scores) > 0 {
		if err := tx.db.CreateInBatches(scores, analyticsBatch).Error; err != nil {
			return fmt.Errorf("write analytics scores: %w", translate(err))
		}
	}
	return nil
}
