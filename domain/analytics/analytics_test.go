package analytics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/analytics"
	"github.com/cadrehq/cadre/domain/plan"
)

func TestCellMeans(t *testing.T) {
	cases := []struct {
		name                   string
		cell                   analytics.Cell
		score, gap, shareMeets float64
	}{
		{"empty", analytics.Cell{}, 0, 0, 0},
		{"two", analytics.Cell{Employees: 2, ScoreMilliSum: 5500, GapSum: 3, Meeting: 1}, 2.75, 1.5, 0.5},
		{"three", analytics.Cell{Employees: 3, ScoreMilliSum: 15000, GapSum: 0, Meeting: 3}, 5, 0, 1},
	}
	for _, c := range cases {
		if got := c.cell.MeanScore(); got != c.score {
			t.Errorf("%s: MeanScore got %v, want %v", c.name, got, c.score)
		}
		if got := c.cell.MeanGap(); got != c.gap {
			t.Errorf("%s: MeanGap got %v, want %v", c.name, got, c.gap)
		}
		if got := c.cell.ShareMeeting(); got != c.shareMeets {
			t.Errorf("%s: ShareMeeting got %v, want %v", c.name, got, c.shareMeets)
		}
	}
}

func TestNewScore(t *testing.T) {
	cases := []struct {
		name                 string
		score                float64
		level, required, gap int
		want                 analytics.Score
	}{
		{"below", 2.3456, 2, 3, 1, analytics.Score{CompetencySlug: "x", ScoreMilli: 2346, Gap: 1}},
		{"meets", 3, 3, 3, 0, analytics.Score{CompetencySlug: "x", ScoreMilli: 3000, Meets: true}},
		{"above: no negative gap", 4.9996, 5, 3, -2, analytics.Score{CompetencySlug: "x", ScoreMilli: 5000, Meets: true}},
	}
	for _, c := range cases {
		if got := analytics.NewScore("x", c.score, c.level, c.required, c.gap); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

// TestDeltaAddAndTakeAway: adding a contribution and taking it away again
// leaves nothing; one contribution touches three cells per competency.
func TestDeltaAddAndTakeAway(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := analytics.Employee{EmployeeID: uuid.New(), Team: "ops", RoleSlug: "sre", AssessmentID: uuid.New(), ScoredAt: &at,
		PlanVersion: 2, NotStarted: 3, InProgress: 1, Done: 2, Closed: 1,
		Scores: []analytics.Score{{CompetencySlug: "a", ScoreMilli: 2500, Gap: 1}, {CompetencySlug: "b", ScoreMilli: 4000, Meets: true}}}
	d := analytics.NewDelta()
	d.Add(+1, e)
	want := []analytics.CellKey{
		{Dimension: analytics.DimensionAll, Slug: "a"}, {Dimension: analytics.DimensionAll, Slug: "b"},
		{Dimension: analytics.DimensionRole, Group: "sre", Slug: "a"}, {Dimension: analytics.DimensionRole, Group: "sre", Slug: "b"},
		{Dimension: analytics.DimensionTeam, Group: "ops", Slug: "a"}, {Dimension: analytics.DimensionTeam, Group: "ops", Slug: "b"},
	}
	if diff := cmp.Diff(want, d.ChangedCells()); diff != "" {
		t.Errorf("changed cells (-want +got):\n%s", diff)
	}
	if got := d.Cells[analytics.CellKey{Dimension: analytics.DimensionTeam, Group: "ops", Slug: "b"}]; got != (analytics.CellDelta{Employees: 1, ScoreMilli: 4000, Meeting: 1}) {
		t.Errorf("team cell b: got %+v", got)
	}
	wantTotals := analytics.Totals{Employees: 1, Assessed: 1, PlanEmployees: 1, NotStarted: 3, InProgress: 1, Done: 2, Closed: 1}
	if d.Totals != wantTotals {
		t.Errorf("totals: got %+v, want %+v", d.Totals, wantTotals)
	}
	d.Add(-1, e)
	if keys := d.ChangedCells(); len(keys) != 0 || d.Totals != (analytics.Totals{}) {
		t.Errorf("after taking it away: got cells %v and totals %+v, want none", keys, d.Totals)
	}

	// Without an assessment or a plan, an employee counts only as one.
	d.Add(+1, analytics.Employee{EmployeeID: uuid.New(), NotStarted: 5})
	if d.Totals != (analytics.Totals{Employees: 1}) {
		t.Errorf("unassessed employee without a plan: got totals %+v, want one employee", d.Totals)
	}
}

func TestEmployeeEqual(t *testing.T) {
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := t1.In(time.FixedZone("X", 3600))
	base := analytics.Employee{Team: "ops", ScoredAt: &t1, Scores: []analytics.Score{{CompetencySlug: "a"}}}
	same := base
	same.ScoredAt = &t2
	if !base.Equal(same) {
		t.Errorf("the same instant in another zone: got unequal")
	}
	for name, change := range map[string]func(*analytics.Employee){
		"team":      func(e *analytics.Employee) { e.Team = "dev" },
		"no time":   func(e *analytics.Employee) { e.ScoredAt = nil },
		"scores":    func(e *analytics.Employee) { e.Scores = []analytics.Score{{CompetencySlug: "a", Meets: true}} },
		"done item": func(e *analytics.Employee) { e.CountItem(plan.Done) },
	} {
		o := base
		change(&o)
		if base.Equal(o) {
			t.Errorf("%s changed: got equal", name)
		}
	}
}

func TestCountItem(t *testing.T) {
	var e analytics.Employee
	for _, s := range []plan.Status{plan.NotStarted, plan.InProgress, plan.InProgress, plan.Done, plan.Closed, plan.Closed, plan.Closed, "other"} {
		e.CountItem(s)
	}
	if e.NotStarted != 1 || e.InProgress != 2 || e.Done != 1 || e.Closed != 3 {
		t.Errorf("got %d/%d/%d/%d, want 1/2/1/3", e.NotStarted, e.InProgress, e.Done, e.Closed)
	}
}

func TestShare(t *testing.T) {
	cases := []struct {
		part, whole int64
		want        float64
	}{{1, 3, 0.333}, {2, 3, 0.667}, {0, 0, 0}, {5, -1, 0}, {4, 4, 1}}
	for _, c := range cases {
		if got := analytics.Share(c.part, c.whole); got != c.want {
			t.Errorf("Share(%d, %d): got %v, want %v", c.part, c.whole, got, c.want)
		}
	}
}
