package plan_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

func TestPriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		gap       int
		group     competency.Group
		relevance float64
		want      float64
	}{
		{2, competency.Primary, 0.5, 2},
		{2, competency.Supporting, 0.5, 1.2},
		{1, competency.Primary, 1, 1.5},
		{1, competency.Primary, 0, 0.5},
		{3, competency.Supporting, 0.8, 2.34},
		{1, 0, 0.5, 0.6},
		{0, competency.Primary, 1, 0},
		{-1, competency.Primary, 1, 0},
		{1, competency.Supporting, 1.0 / 3, 0.5},
	}
	for _, tc := range tests {
		if got := plan.Priority(tc.gap, tc.group, tc.relevance); got != tc.want {
			t.Errorf("Priority(%d, %s, %v) = %v, want %v", tc.gap, tc.group, tc.relevance, got, tc.want)
		}
	}
}

func TestDueDate(t *testing.T) {
	t.Parallel()
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		now  time.Time
		gap  int
		want time.Time
	}{
		{t0, 1, time.Date(2026, 4, 13, 0, 0, 0, 0, time.UTC)},
		{t0, 2, time.Date(2026, 5, 25, 0, 0, 0, 0, time.UTC)},
		{t0, 0, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 2, 0, 30, 0, 0, berlin), 1, time.Date(2026, 4, 12, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		if got := plan.DueDate(tc.now, tc.gap); !got.Equal(tc.want) {
			t.Errorf("DueDate(%v, %d) = %v, want %v", tc.now, tc.gap, got, tc.want)
		}
	}
}

func TestBuildActions(t *testing.T) {
	t.Parallel()
	a := func(k competency.ActionKind, title string) competency.Action {
		return competency.Action{Kind: k, Title: title}
	}
	custom := func(t *testing.T, actions map[competency.Level][]competency.Action) competency.Entry {
		e := entry(t, "cloud", competency.Primary, 3, 4, 5)
		e.Competency.Actions = actions
		return e
	}
	tests := []struct {
		name    string
		entry   func(t *testing.T) competency.Entry
		current competency.Level
		want    []competency.Action
	}{
		{
			name:    "one level: every kind of it",
			entry:   func(t *testing.T) competency.Entry { return entry(t, "cloud", competency.Primary, 3, 4, 5) },
			current: 2,
			want: []competency.Action{
				a(competency.Course, "cloud 3 course"), a(competency.Project, "cloud 3 project"),
				a(competency.Mentoring, "cloud 3 mentoring"), a(competency.Reading, "cloud 3 reading"),
			},
		},
		{
			name:    "several levels: kinds and levels mixed, nearest first",
			entry:   func(t *testing.T) competency.Entry { return entry(t, "cloud", competency.Primary, 4, 4, 5) },
			current: 1,
			want: []competency.Action{
				a(competency.Course, "cloud 2 course"), a(competency.Project, "cloud 3 project"),
				a(competency.Mentoring, "cloud 4 mentoring"), a(competency.Reading, "cloud 2 reading"),
			},
		},
		{
			name: "one kind only: fill with what there is",
			entry: func(t *testing.T) competency.Entry {
				return custom(t, map[competency.Level][]competency.Action{
					2: {a(competency.Course, "A"), a(competency.Course, "B")},
					3: {a(competency.Course, "C")},
				})
			},
			current: 1,
			want:    []competency.Action{a(competency.Course, "A"), a(competency.Course, "B"), a(competency.Course, "C")},
		},
		{
			name: "an action repeated across levels is taken once",
			entry: func(t *testing.T) competency.Entry {
				return custom(t, map[competency.Level][]competency.Action{
					2: {a(competency.Reading, "X")},
					3: {a(competency.Reading, "X"), a(competency.Project, "Y")},
				})
			},
			current: 1,
			want:    []competency.Action{a(competency.Reading, "X"), a(competency.Project, "Y")},
		},
		{
			name: "levels outside current+1..target are not used",
			entry: func(t *testing.T) competency.Entry {
				return custom(t, map[competency.Level][]competency.Action{
					1: {a(competency.Course, "L1")},
					2: {a(competency.Course, "L2")},
					3: {a(competency.Course, "L3")},
					4: {a(competency.Course, "L4")},
				})
			},
			current: 1,
			want:    []competency.Action{a(competency.Course, "L2"), a(competency.Course, "L3")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := competency.RoleFramework{Role: competency.Role{Slug: "r", Title: "R"}, Entries: []competency.Entry{tc.entry(t)}}
			p := plan.Build(plan.Input{
				EmployeeID: employee, Framework: f, Tier: competency.TierEntry, Now: t0,
				Results: []plan.Current{{Slug: "cloud", Level: tc.current}},
			})
			if len(p.Items) != 1 {
				t.Fatalf("got %d items, want 1", len(p.Items))
			}
			if diff := cmp.Diff(tc.want, p.Items[0].Actions); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInputValidate(t *testing.T) {
	t.Parallel()
	valid := func() plan.Input {
		return plan.Input{
			EmployeeID: employee, Framework: competency.RoleFramework{Role: competency.Role{Slug: "r", Title: "R"}},
			Tier: competency.TierMid, Now: t0, Relevance: map[string]float64{"a": 0, "b": 1},
		}
	}
	tests := []struct {
		name    string
		change  func(in *plan.Input)
		wantErr error
	}{
		{"valid", func(*plan.Input) {}, nil},
		{"valid with target", func(in *plan.Input) { in.TargetTier = competency.TierSenior }, nil},
		{"no employee", func(in *plan.Input) { in.EmployeeID = " " }, plan.ErrInvalidInput},
		{"no tier", func(in *plan.Input) { in.Tier = 0 }, plan.ErrInvalidInput},
		{"bad target", func(in *plan.Input) { in.TargetTier = 9 }, plan.ErrInvalidInput},
		{"no role", func(in *plan.Input) { in.Framework.Role.Slug = "" }, plan.ErrInvalidInput},
		{"no clock", func(in *plan.Input) { in.Now = time.Time{} }, plan.ErrInvalidInput},
		{"relevance above 1", func(in *plan.Input) { in.Relevance["c"] = 1.1 }, plan.ErrInvalidInput},
		{"relevance NaN", func(in *plan.Input) { in.Relevance["c"] = math.NaN() }, plan.ErrInvalidInput},
	}
	for _, tc := range tests {
		in := valid()
		tc.change(&in)
		if err := in.Validate(); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: Validate() = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
}
