package store

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
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

// AnalyticsDimension is how analytics cells are grouped.
type AnalyticsDimension string

// The analytics dimensions: the whole tenant (one group, ""), teams and
// roles (role slugs).
const (
	DimensionAll  AnalyticsDimension = "all"
	DimensionTeam AnalyticsDimension = "team"
	DimensionRole AnalyticsDimension = "role"
)

// analyticsLock is the purpose of the tenant lock analytics writes hold.
const analyticsLock = "analytics"

// AnalyticsCell aggregates the latest scored results of a group of
// employees for one competency. Scores are summed in thousandths, so sums
// are exact whatever order they were added in.
type AnalyticsCell struct {
	Dimension      AnalyticsDimension
	Group          string // "" for DimensionAll, and for employees without a team
	CompetencySlug string
	// Employees is how many employees of the group have a scored result for
	// the competency in their latest scored assessment.
	Employees int
	// ScoreMilliSum is the sum of their scores (0–5) in thousandths.
	ScoreMilliSum int64
	// GapSum is the sum of their gaps (levels below the required level).
	GapSum int64
	// Meeting is how many of them meet the required level.
	Meeting int
}

// MeanScore is the mean score (0–5) of the cell.
func (c AnalyticsCell) MeanScore() float64 {
	if c.Employees == 0 {
		return 0
	}
	return float64(c.ScoreMilliSum) / 1000 / float64(c.Employees)
}

// MeanGap is the mean gap of the cell.
func (c AnalyticsCell) MeanGap() float64 {
	if c.Employees == 0 {
		return 0
	}
	return float64(c.GapSum) / float64(c.Employees)
}

// ShareMeeting is the share (0–1) of the cell's employees who meet the
// required level.
func (c AnalyticsCell) ShareMeeting() float64 {
	if c.Employees == 0 {
		return 0
	}
	return float64(c.Meeting) / float64(c.Employees)
}

// AnalyticsTotals are the tenant's analytics counters.
type AnalyticsTotals struct {
	// Employees is the tenant's employees; Assessed those with a scored
	// assessment.
	Employees, Assessed int
	// PlanEmployees is the employees with a development plan; the other
	// fields count the items of their current plans by status.
	PlanEmployees                        int
	NotStarted, InProgress, Done, Closed int64
}

// AnalyticsEmployee is what the aggregates hold of one employee.
type AnalyticsEmployee struct {
	EmployeeID   uuid.UUID
	Team         string
	RoleSlug     string
	AssessmentID uuid.UUID  // the latest scored assessment; uuid.Nil when none
	ScoredAt     *time.Time // when it was scored
	PlanVersion  int        // 0: no plan
	NotStarted   int
	InProgress   int
	Done         int
	Closed       int
	Scores       []AnalyticsScore // by competency slug
}

// AnalyticsScore is one competency of an employee's latest scored
// assessment, as the aggregates count it.
type AnalyticsScore struct {
	CompetencySlug string
	ScoreMilli     int64
	Gap            int64
	Meets          bool
}

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
	if !c.present {
		return true
	}
	a, b := c.AnalyticsEmployee, o.AnalyticsEmployee
	sameTime := (a.ScoredAt == nil) == (b.ScoredAt == nil) && (a.ScoredAt == nil || a.ScoredAt.Equal(*b.ScoredAt))
	return a.Team == b.Team && a.RoleSlug == b.RoleSlug && a.AssessmentID == b.AssessmentID && sameTime &&
		a.PlanVersion == b.PlanVersion && a.NotStarted == b.NotStarted && a.InProgress == b.InProgress &&
		a.Done == b.Done && a.Closed == b.Closed && slices.Equal(a.Scores, b.Scores)
}

// cellKey names an analytics cell of the tenant.
type cellKey struct {
	dim   AnalyticsDimension
	group string
	slug  string
}

func compareCellKeys(a, b cellKey) int {
	if c := strings.Compare(string(a.dim), string(b.dim)); c != 0 {
		return c
	}
	if c := strings.Compare(a.group, b.group); c != 0 {
		return c
	}
	return strings.Compare(a.slug, b.slug)
}

// cellDelta is a change to a cell's counters.
type cellDelta struct {
	employees, scoreMilli, gap, meeting int64
}

func (d cellDelta) zero() bool { return d == cellDelta{} }

// add adds sign × c's contribution to cells and totals.
func (c contribution) add(sign int64, cells map[cellKey]cellDelta, totals *analyticsTotalsRow) {
	if !c.present {
		return
	}
	for _, s := range c.Scores {
		meets := int64(0)
		if s.Meets {
			meets = 1
		}
		for _, k := range []cellKey{{DimensionAll, "", s.CompetencySlug}, {DimensionTeam, c.Team, s.CompetencySlug}, {DimensionRole, c.RoleSlug, s.CompetencySlug}} {
			d := cells[k]
			d.employees += sign
			d.scoreMilli += sign * s.ScoreMilli
			d.gap += sign * s.Gap
			d.meeting += sign * meets
			cells[k] = d
		}
	}
	totals.Employees += int(sign)
	if c.AssessmentID != uuid.Nil {
		totals.Assessed += int(sign)
	}
	if c.PlanVersion > 0 {
		totals.PlanEmployees += int(sign)
		totals.PlanNotStarted += sign * int64(c.NotStarted)
		totals.PlanInProgress += sign * int64(c.InProgress)
		totals.PlanDone += sign * int64(c.Done)
		totals.PlanClosed += sign * int64(c.Closed)
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
	cells := map[cellKey]cellDelta{}
	var totals analyticsTotalsRow
	var changed []uuid.UUID
	for _, id := range ids {
		old, cur := recorded[id], current[id]
		if old.equal(cur) {
			continue
		}
		old.add(-1, cells, &totals)
		cur.add(+1, cells, &totals)
		changed = append(changed, id)
	}
	if len(changed) == 0 {
		return 0, nil
	}
	if err := tx.applyCellDeltas(cells); err != nil {
		return 0, err
	}
	if err := tx.applyTotalsDelta(totals); err != nil {
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
			c.Scores = append(c.Scores, AnalyticsScore{CompetencySlug: r.CompetencySlug, ScoreMilli: int64(math.Round(r.Score * 1000)),
				Gap: int64(max(r.Gap, 0)), Meets: r.Level >= r.RequiredLevel})
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
				Status string `json:"status"`
			}
			if err := json.Unmarshal([]byte(p.Items), &items); err != nil {
				return nil, fmt.Errorf("analytics source plan of %s: %w", id, err)
			}
			c.PlanVersion = p.Version
			for _, it := range items {
				switch it.Status {
				case "not_started":
					c.NotStarted++
				case "in_progress":
					c.InProgress++
				case "done":
					c.Done++
				case "closed":
					c.Closed++
				}
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
func (tx *Tx) applyCellDeltas(cells map[cellKey]cellDelta) error {
	keys := make([]cellKey, 0, len(cells))
	for k, d := range cells {
		if !d.zero() {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, compareCellKeys)
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
			d := cells[k]
			args = append(args, t, string(k.dim), k.group, k.slug, d.employees, d.scoreMilli, d.gap, d.meeting)
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
func (tx *Tx) applyTotalsDelta(d analyticsTotalsRow) error {
	if d == (analyticsTotalsRow{}) {
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
		t, d.Employees, d.Assessed, d.PlanEmployees, d.PlanNotStarted, d.PlanInProgress, d.PlanDone, d.PlanClosed).Error
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

// Equal reports whether two snapshots hold the same rows.
func (s AnalyticsSnapshot) Equal(o AnalyticsSnapshot) bool {
	if s.Totals != o.Totals || !slices.Equal(s.Cells, o.Cells) || len(s.Employees) != len(o.Employees) {
		return false
	}
	for i := range s.Employees {
		if !(contribution{true, s.Employees[i]}).equal(contribution{true, o.Employees[i]}) || s.Employees[i].EmployeeID != o.Employees[i].EmployeeID {
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
