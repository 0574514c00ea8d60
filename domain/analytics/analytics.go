// Package analytics holds the arithmetic of the tenant analytics read
// models: what one employee contributes to the aggregates (cells per
// competency and group, and the tenant's counters), how contributions are
// added and taken away, and the means and shares the dashboards show. It
// does no I/O: the store keeps the SQL and the rows, and hands employees in
// and cells out.
package analytics

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/plan"
)

// Dimension is how cells are grouped.
type Dimension string

// The dimensions: the whole tenant (one group, ""), teams and roles (role
// slugs).
const (
	DimensionAll  Dimension = "all"
	DimensionTeam Dimension = "team"
	DimensionRole Dimension = "role"
)

// Cell aggregates the latest scored results of a group of employees for
// one competency. Scores are summed in thousandths, so sums are exact
// whatever order they were added in.
type Cell struct {
	Dimension      Dimension
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
func (c Cell) MeanScore() float64 {
	if c.Employees == 0 {
		return 0
	}
	return float64(c.ScoreMilliSum) / 1000 / float64(c.Employees)
}

// MeanGap is the mean gap of the cell.
func (c Cell) MeanGap() float64 {
	if c.Employees == 0 {
		return 0
	}
	return float64(c.GapSum) / float64(c.Employees)
}

// ShareMeeting is the share (0–1) of the cell's employees who meet the
// required level.
func (c Cell) ShareMeeting() float64 {
	if c.Employees == 0 {
		return 0
	}
	return float64(c.Meeting) / float64(c.Employees)
}

// Totals are the tenant's counters.
type Totals struct {
	// Employees is the tenant's employees; Assessed those with a scored
	// assessment.
	Employees, Assessed int
	// PlanEmployees is the employees with a development plan; the other
	// fields count the items of their current plans by status.
	PlanEmployees                        int
	NotStarted, InProgress, Done, Closed int64
}

// Employee is what the aggregates hold of one employee: their contribution.
type Employee struct {
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
	Scores       []Score // by competency slug
}

// Equal reports whether e and o contribute the same to the aggregates (the
// employee id aside).
func (e Employee) Equal(o Employee) bool {
	sameTime := (e.ScoredAt == nil) == (o.ScoredAt == nil) && (e.ScoredAt == nil || e.ScoredAt.Equal(*o.ScoredAt))
	return e.Team == o.Team && e.RoleSlug == o.RoleSlug && e.AssessmentID == o.AssessmentID && sameTime &&
		e.PlanVersion == o.PlanVersion && e.NotStarted == o.NotStarted && e.InProgress == o.InProgress &&
		e.Done == o.Done && e.Closed == o.Closed && slices.Equal(e.Scores, o.Scores)
}

// CountItem counts one item of the employee's current plan by its status;
// an unknown status counts nowhere.
func (e *Employee) CountItem(status plan.Status) {
	switch status {
	case plan.NotStarted:
		e.NotStarted++
	case plan.InProgress:
		e.InProgress++
	case plan.Done:
		e.Done++
	case plan.Closed:
		e.Closed++
	}
}

// Score is one competency of an employee's latest scored assessment, as
// the aggregates count it.
type Score struct {
	CompetencySlug string
	ScoreMilli     int64
	Gap            int64
	Meets          bool
}

// NewScore is how a scored result counts: the score (0–5) in thousandths,
// a negative gap (above the required level) as none, and whether the level
// meets the required one.
func NewScore(slug string, score float64, level, required, gap int) Score {
	return Score{CompetencySlug: slug, ScoreMilli: int64(math.Round(score * 1000)), Gap: int64(max(gap, 0)), Meets: level >= required}
}

// CellKey names a cell of the tenant.
type CellKey struct {
	Dimension Dimension
	Group     string
	Slug      string
}

// CompareCellKeys orders keys by dimension, group and competency: the
// order cells are written in, so concurrent writers lock them alike.
func CompareCellKeys(a, b CellKey) int {
	if c := strings.Compare(string(a.Dimension), string(b.Dimension)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Group, b.Group); c != 0 {
		return c
	}
	return strings.Compare(a.Slug, b.Slug)
}

// CellDelta is a change to a cell's counters.
type CellDelta struct {
	Employees, ScoreMilli, Gap, Meeting int64
}

// Zero reports whether d changes nothing.
func (d CellDelta) Zero() bool { return d == CellDelta{} }

// Delta is a change to the aggregates: to cells by key, and to the totals.
type Delta struct {
	Cells  map[CellKey]CellDelta
	Totals Totals
}

// NewDelta returns a delta that changes nothing yet.
func NewDelta() *Delta { return &Delta{Cells: map[CellKey]CellDelta{}} }

// Add adds sign × e's contribution (sign is +1 to add it, -1 to take it
// away): one to the tenant's, the team's and the role's cell of each
// competency scored, and e to the counters.
func (d *Delta) Add(sign int64, e Employee) {
	for _, s := range e.Scores {
		meets := int64(0)
		if s.Meets {
			meets = 1
		}
		for _, k := range []CellKey{{DimensionAll, "", s.CompetencySlug}, {DimensionTeam, e.Team, s.CompetencySlug}, {DimensionRole, e.RoleSlug, s.CompetencySlug}} {
			c := d.Cells[k]
			c.Employees += sign
			c.ScoreMilli += sign * s.ScoreMilli
			c.Gap += sign * s.Gap
			c.Meeting += sign * meets
			d.Cells[k] = c
		}
	}
	t := &d.Totals
	t.Employees += int(sign)
	if e.AssessmentID != uuid.Nil {
		t.Assessed += int(sign)
	}
	if e.PlanVersion > 0 {
		t.PlanEmployees += int(sign)
		t.NotStarted += sign * int64(e.NotStarted)
		t.InProgress += sign * int64(e.InProgress)
		t.Done += sign * int64(e.Done)
		t.Closed += sign * int64(e.Closed)
	}
}

// ChangedCells returns the keys of the cells d changes, in CompareCellKeys
// order.
func (d *Delta) ChangedCells() []CellKey {
	keys := make([]CellKey, 0, len(d.Cells))
	for k, c := range d.Cells {
		if !c.Zero() {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, CompareCellKeys)
	return keys
}

// Share is part/whole rounded to three decimals, 0 for an empty whole.
func Share(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return Round3(float64(part) / float64(whole))
}

// Round3 rounds to three decimals (figures for dashboards, not ledgers).
func Round3(x float64) float64 { return math.Round(x*1000) / 1000 }
