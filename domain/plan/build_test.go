package plan_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

func TestBuildOrdersGapsByPriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		tier      competency.Tier
		results   []plan.Current
		relevance map[string]float64
		want      []summary
		wantPrio  []float64
		assessed  bool
	}{
		{
			name: "assessed, relevance weighs in",
			tier: competency.TierMid,
			results: results(map[string]competency.Level{
				"cloud": 2, "cicd": 3, "security": 1, "agile": 3,
			}),
			relevance: map[string]float64{"cicd": 0.9, "security": 1},
			want: []summary{
				{"cloud", 2, 4, 2, plan.NotStarted, ""},    // 2 × 1.0 × 1.0
				{"security", 1, 3, 2, plan.NotStarted, ""}, // 2 × 0.6 × 1.5
				{"cicd", 3, 4, 1, plan.NotStarted, ""},     // 1 × 1.0 × 1.4
			},
			wantPrio: []float64{2, 1.8, 1.4},
			assessed: true,
		},
		{
			name: "unassessed counts as level 1, ties by slug",
			tier: competency.TierMid,
			want: []summary{
				{"cicd", 1, 4, 3, plan.NotStarted, ""},
				{"cloud", 1, 4, 3, plan.NotStarted, ""},
				{"agile", 1, 3, 2, plan.NotStarted, ""},
				{"security", 1, 3, 2, plan.NotStarted, ""},
			},
			wantPrio: []float64{3, 3, 1.2, 1.2},
		},
		{
			name: "invalid level counts as unassessed, later result wins",
			tier: competency.TierEntry,
			results: []plan.Current{
				{Slug: "cloud", Level: 2}, {Slug: "cicd", Level: 1}, {Slug: "cicd", Level: 2},
				{Slug: "security", Level: 1}, {Slug: "agile", Level: 1}, {Slug: "cloud", Level: 0},
			},
			want:     []summary{{"cloud", 1, 2, 1, plan.NotStarted, ""}},
			wantPrio: []float64{1},
		},
		{
			name:      "out of range relevance is clamped",
			tier:      competency.TierEntry,
			results:   results(map[string]competency.Level{"security": 1, "agile": 1}),
			relevance: map[string]float64{"cloud": 7, "cicd": -3},
			want: []summary{
				{"cloud", 1, 2, 1, plan.NotStarted, ""}, // 1 × 1.0 × 1.5
				{"cicd", 1, 2, 1, plan.NotStarted, ""},  // 1 × 1.0 × 0.5
			},
			wantPrio: []float64{1.5, 0.5},
		},
		{
			name:    "no gap, no items",
			tier:    competency.TierEntry,
			results: results(map[string]competency.Level{"cloud": 5, "cicd": 2, "security": 1, "agile": 3}),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := plan.Build(plan.Input{
				EmployeeID: employee, Framework: devops(t), Tier: tc.tier,
				Results: tc.results, Relevance: tc.relevance, Now: t0,
			})
			if diff := cmp.Diff(tc.want, summarize(p)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			var prio []float64
			for _, it := range p.Items {
				prio = append(prio, it.Priority)
				if tc.assessed != it.Assessed {
					t.Errorf("%s: Assessed = %v, want %v", it.CompetencySlug, it.Assessed, tc.assessed)
				}
				if want := plan.DueDate(t0, it.Gap); !it.DueDate.Equal(want) {
					t.Errorf("%s: DueDate = %v, want %v", it.CompetencySlug, it.DueDate, want)
				}
				if !it.CreatedAt.Equal(t0) {
					t.Errorf("%s: CreatedAt = %v, want %v", it.CompetencySlug, it.CreatedAt, t0)
				}
				if n := len(it.Actions); n == 0 || n > plan.MaxActions {
					t.Errorf("%s: %d actions, want 1 to %d", it.CompetencySlug, n, plan.MaxActions)
				}
			}
			if diff := cmp.Diff(tc.wantPrio, prio); diff != "" {
				t.Errorf("priorities (-want +got):\n%s", diff)
			}
			if p.Version != 1 || !p.Changed || !p.BuiltAt.Equal(t0) {
				t.Errorf("got version %d changed %v built %v, want 1 true %v", p.Version, p.Changed, p.BuiltAt, t0)
			}
			if got, want := p.Open(), len(tc.want); got != want {
				t.Errorf("Open() = %d, want %d", got, want)
			}
		})
	}
}

func TestBuildCarriesOverStatusAndNotes(t *testing.T) {
	t.Parallel()
	in := plan.Input{
		EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, Now: t0,
		Results: results(map[string]competency.Level{"cloud": 2, "cicd": 3, "security": 1, "agile": 3}),
	}
	first := plan.Build(in)
	cloud, cicd, security := bySlug(t, first, "cloud"), bySlug(t, first, "cicd"), bySlug(t, first, "security")
	p := update(t, first, cloud.ID, plan.InProgress, "booked the course")
	p = update(t, p, cicd.ID, plan.InProgress, "")
	p = update(t, p, cicd.ID, plan.Done, "shipped the pipeline")

	t1 := t0.Add(30 * 24 * time.Hour)
	in.Previous, in.Now = &p, t1
	in.Results = results(map[string]competency.Level{"cloud": 3, "cicd": 3, "security": 1, "agile": 3})
	got := plan.Build(in)

	tests := []struct {
		slug    string
		id      string
		status  plan.Status
		note    string
		gap     int
		dueDate time.Time
	}{
		{"cloud", cloud.ID, plan.InProgress, "booked the course", 1, plan.DueDate(t1, 1)}, // gap changed
		{"security", security.ID, plan.NotStarted, "", 2, security.DueDate},               // gap kept
		{"cicd", cicd.ID, plan.Done, "shipped the pipeline", 1, cicd.DueDate},             // done stays done
	}
	for _, tc := range tests {
		it := bySlug(t, got, tc.slug)
		if it.ID != tc.id || it.Status != tc.status || it.Note != tc.note || it.Gap != tc.gap {
			t.Errorf("%s: got id %s status %s note %q gap %d, want %s %s %q %d",
				tc.slug, it.ID, it.Status, it.Note, it.Gap, tc.id, tc.status, tc.note, tc.gap)
		}
		if !it.DueDate.Equal(tc.dueDate) || !it.CreatedAt.Equal(t0) {
			t.Errorf("%s: got due %v created %v, want %v %v", tc.slug, it.DueDate, it.CreatedAt, tc.dueDate, t0)
		}
	}
	if len(got.Items) != 3 {
		t.Errorf("got %d items, want 3: %+v", len(got.Items), summarize(got))
	}
	if got.Version != 2 || !got.Changed || !got.BuiltAt.Equal(t1) {
		t.Errorf("got version %d changed %v built %v, want 2 true %v", got.Version, got.Changed, got.BuiltAt, t1)
	}
	if got.Open() != 2 {
		t.Errorf("Open() = %d, want 2 (the done item is not open)", got.Open())
	}
}

func TestBuildClosesItemsNoLongerNeeded(t *testing.T) {
	t.Parallel()
	base := func(t *testing.T) plan.Input {
		return plan.Input{
			EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, Now: t0,
			Results: results(map[string]competency.Level{"cloud": 2, "cicd": 3, "security": 1, "agile": 2}),
		}
	}
	without := func(f competency.RoleFramework, slug string) competency.RoleFramework {
		f.Entries = slices.DeleteFunc(slices.Clone(f.Entries), func(e competency.Entry) bool { return e.Competency.Slug == slug })
		return f
	}
	tests := []struct {
		name       string
		change     func(in *plan.Input)
		slug       string
		wantReason plan.ClosedReason
		wantLevel  competency.Level
	}{
		{
			name:       "gap met",
			change:     func(in *plan.Input) { in.Results = append(in.Results, plan.Current{Slug: "cloud", Level: 5}) },
			slug:       "cloud",
			wantReason: plan.Met,
			wantLevel:  5,
		},
		{
			name: "done item met",
			change: func(in *plan.Input) {
				in.Results = append(in.Results, plan.Current{Slug: "cicd", Level: 4})
			},
			slug:       "cicd",
			wantReason: plan.Met,
			wantLevel:  4,
		},
		{
			name:       "competency retired",
			change:     func(in *plan.Input) { in.Retired = map[string]bool{"security": true} },
			slug:       "security",
			wantReason: plan.CompetencyRetired,
			wantLevel:  1,
		},
		{
			name: "retired wins over removed",
			change: func(in *plan.Input) {
				in.Retired = map[string]bool{"security": true}
				in.Framework = without(in.Framework, "security")
			},
			slug:       "security",
			wantReason: plan.CompetencyRetired,
			wantLevel:  1,
		},
		{
			name:       "removed from the framework",
			change:     func(in *plan.Input) { in.Framework = without(in.Framework, "agile") },
			slug:       "agile",
			wantReason: plan.NotInFramework,
			wantLevel:  2,
		},
		{
			name:       "removed with the role changed",
			change:     func(in *plan.Input) { in.Framework = without(in.Framework, "agile"); in.RoleChanged = true },
			slug:       "agile",
			wantReason: plan.RoleChanged,
			wantLevel:  2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := base(t)
			first := plan.Build(in)
			cicd := bySlug(t, first, "cicd")
			prev := update(t, first, cicd.ID, plan.InProgress, "")
			prev = update(t, prev, cicd.ID, plan.Done, "")
			before := bySlug(t, prev, tc.slug)

			t1 := t0.Add(7 * 24 * time.Hour)
			in.Previous, in.Now = &prev, t1
			tc.change(&in)
			got := plan.Build(in)

			var closed []plan.Item
			for _, it := range got.Items {
				if it.CompetencySlug == tc.slug {
					closed = append(closed, it)
				}
			}
			if len(closed) != 1 {
				t.Fatalf("got %d items for %s, want 1: %+v", len(closed), tc.slug, summarize(got))
			}
			it := closed[0]
			if it.ID != before.ID || it.Status != plan.Closed || it.ClosedReason != tc.wantReason || !it.ClosedAt.Equal(t1) {
				t.Errorf("got id %s status %s reason %q closed %v, want %s closed %q %v",
					it.ID, it.Status, it.ClosedReason, it.ClosedAt, before.ID, tc.wantReason, t1)
			}
			if it.CurrentLevel != tc.wantLevel {
				t.Errorf("got current level %d, want %d", it.CurrentLevel, tc.wantLevel)
			}
			if last := got.Items[len(got.Items)-1]; last.ID != it.ID {
				t.Errorf("last item is %s, want the closed %s", last.CompetencySlug, tc.slug)
			}
			if got.Version != 2 || !got.Changed {
				t.Errorf("got version %d changed %v, want 2 true", got.Version, got.Changed)
			}

			// A rebuild with the same inputs keeps the closed item once and
			// changes nothing.
			in.Previous, in.Now = &got, t1.Add(24*time.Hour)
			again := plan.Build(in)
			if again.Changed || again.Version != 2 {
				t.Errorf("rebuild: got version %d changed %v, want 2 false", again.Version, again.Changed)
			}
			if diff := cmp.Diff(summarize(got), summarize(again)); diff != "" {
				t.Errorf("rebuild items (-first +again):\n%s", diff)
			}
		})
	}
}

func TestBuildRoleChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		flag bool
	}{
		{"flag set", true},
		{"implied by the previous plan's role", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := plan.Input{
				EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, Now: t0,
				Results: results(map[string]competency.Level{"cloud": 2, "cicd": 3, "security": 1, "agile": 2}),
			}
			first := plan.Build(in)
			agile := bySlug(t, first, "agile")
			prev := update(t, first, agile.ID, plan.InProgress, "scrum course")

			t1 := t0.Add(14 * 24 * time.Hour)
			in.Previous, in.Now, in.Framework, in.RoleChanged = &prev, t1, analyst(t), tc.flag
			got := plan.Build(in)

			want := []summary{
				{"sql", 1, 3, 2, plan.NotStarted, ""},
				{"agile", 2, 3, 1, plan.InProgress, ""},
				{"cicd", 3, 4, 1, plan.Closed, plan.RoleChanged},
				{"cloud", 2, 4, 2, plan.Closed, plan.RoleChanged},
				{"security", 1, 3, 2, plan.Closed, plan.RoleChanged},
			}
			if diff := cmp.Diff(want, summarize(got)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if it := bySlug(t, got, "agile"); it.ID != agile.ID || it.Note != "scrum course" {
				t.Errorf("agile: got id %s note %q, want %s %q", it.ID, it.Note, agile.ID, "scrum course")
			}
			if got.Role != "data-analyst" {
				t.Errorf("Role = %q, want data-analyst", got.Role)
			}
		})
	}
}

func TestBuildTargetTier(t *testing.T) {
	t.Parallel()
	res := results(map[string]competency.Level{"cloud": 2, "cicd": 2, "security": 1, "agile": 1})
	tests := []struct {
		name       string
		tier       competency.Tier
		target     competency.Tier
		wantTarget competency.Tier
		want       []summary
	}{
		{name: "no target, no gap", tier: competency.TierEntry, wantTarget: competency.TierEntry},
		{
			name: "next tier raises targets", tier: competency.TierEntry, target: competency.TierMid,
			wantTarget: competency.TierMid,
			want: []summary{
				{"cicd", 2, 4, 2, plan.NotStarted, ""},
				{"cloud", 2, 4, 2, plan.NotStarted, ""},
				{"agile", 1, 3, 2, plan.NotStarted, ""},
				{"security", 1, 3, 2, plan.NotStarted, ""},
			},
		},
		{
			name: "two tiers up", tier: competency.TierEntry, target: competency.TierSenior,
			wantTarget: competency.TierSenior,
			want: []summary{
				{"cicd", 2, 5, 3, plan.NotStarted, ""},
				{"cloud", 2, 5, 3, plan.NotStarted, ""},
				{"security", 1, 5, 4, plan.NotStarted, ""},
				{"agile", 1, 4, 3, plan.NotStarted, ""},
			},
		},
		{
			name: "target below tier is ignored", tier: competency.TierMid, target: competency.TierEntry,
			wantTarget: competency.TierMid,
			want: []summary{
				{"cicd", 2, 4, 2, plan.NotStarted, ""},
				{"cloud", 2, 4, 2, plan.NotStarted, ""},
				{"agile", 1, 3, 2, plan.NotStarted, ""},
				{"security", 1, 3, 2, plan.NotStarted, ""},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := plan.Build(plan.Input{
				EmployeeID: employee, Framework: devops(t), Tier: tc.tier, TargetTier: tc.target,
				Results: res, Now: t0,
			})
			if diff := cmp.Diff(tc.want, summarize(p)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if p.TargetTier != tc.wantTarget || p.Tier != tc.tier {
				t.Errorf("got tier %s target %s, want %s %s", p.Tier, p.TargetTier, tc.tier, tc.wantTarget)
			}
		})
	}
}

func TestBuildReopensWithNewItem(t *testing.T) {
	t.Parallel()
	in := plan.Input{
		EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, Now: t0,
		Results: results(map[string]competency.Level{"cloud": 3, "cicd": 4, "security": 3, "agile": 3}),
	}
	first := plan.Build(in)
	old := bySlug(t, first, "cloud")

	in.Previous, in.Now = &first, t0.Add(24*time.Hour)
	in.Results = results(map[string]competency.Level{"cloud": 4, "cicd": 4, "security": 3, "agile": 3})
	met := plan.Build(in) // cloud closes as met

	in.Previous, in.Now, in.TargetTier = &met, t0.Add(48*time.Hour), competency.TierSenior
	got := plan.Build(in)
	reopened := bySlug(t, got, "cloud")
	if reopened.ID == old.ID || reopened.Status != plan.NotStarted || reopened.Gap != 1 {
		t.Errorf("reopened cloud: got id %s status %s gap %d, want a new id (not %s) not_started 1",
			reopened.ID, reopened.Status, reopened.Gap, old.ID)
	}
	ids := map[string]int{}
	for _, it := range got.Items {
		ids[it.ID]++
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("id %s appears %d times, want once", id, n)
		}
	}
	closed, ok := got.Item(old.ID)
	if !ok || closed.ClosedReason != plan.Met {
		t.Errorf("old cloud item: got %+v (found %v), want it closed as met", closed, ok)
	}

	// Reproducible: building the same history again gives the same ids.
	again := plan.Build(plan.Input{
		EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, TargetTier: competency.TierSenior,
		Results: in.Results, Previous: &met, Now: in.Now,
	})
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("rebuild of the same history (-first +again):\n%s", diff)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	t.Parallel()
	res := []plan.Current{{Slug: "cloud", Level: 2}, {Slug: "cicd", Level: 3}, {Slug: "security", Level: 1}}
	rev := slices.Clone(res)
	slices.Reverse(rev)
	in := func(r []plan.Current, emp string) plan.Input {
		return plan.Input{
			EmployeeID: emp, Framework: devops(t), Tier: competency.TierSenior, Now: t0,
			Results: r, Relevance: map[string]float64{"cloud": 0.2, "agile": 0.9},
			Basis: plan.Basis{LibraryVersion: 3, AssessmentID: "a1"},
		}
	}
	a := plan.Build(in(res, employee))
	for range 5 {
		if diff := cmp.Diff(a, plan.Build(in(rev, employee))); diff != "" {
			t.Fatalf("Build differs between runs (-first +later):\n%s", diff)
		}
	}
	// Ids are derived from employee and slug: stable across builds, distinct
	// across employees.
	if got, want := bySlug(t, a, "cloud").ID, "06e71182-7e0e-5839-b2aa-ac7e91d3e5ae"; got != want {
		t.Errorf("cloud item id = %s, want %s (changing the derivation breaks stored ids)", got, want)
	}
	b := plan.Build(in(res, "another-employee"))
	for i := range a.Items {
		if a.Items[i].ID == b.Items[i].ID {
			t.Errorf("%s: two employees share item id %s", a.Items[i].CompetencySlug, a.Items[i].ID)
		}
	}
}

func TestBuildUnchangedInputs(t *testing.T) {
	t.Parallel()
	in := plan.Input{
		EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, Now: t0,
		Results: results(map[string]competency.Level{"cloud": 2, "cicd": 3, "security": 1, "agile": 3}),
		Basis:   plan.Basis{LibraryVersion: 1},
	}
	first := plan.Build(in)
	t1 := t0.Add(72 * time.Hour)

	tests := []struct {
		name        string
		change      func(in *plan.Input)
		wantChanged bool
	}{
		{"same inputs later", func(*plan.Input) {}, false},
		{"new library version, same content", func(in *plan.Input) { in.Basis.LibraryVersion = 2 }, false},
		{"higher level, same gaps", func(in *plan.Input) { in.Results = append(in.Results, plan.Current{Slug: "agile", Level: 4}) }, false},
		{"relevance changes priority", func(in *plan.Input) { in.Relevance = map[string]float64{"cicd": 1} }, true},
		{"progress closes a gap", func(in *plan.Input) { in.Results = append(in.Results, plan.Current{Slug: "cicd", Level: 4}) }, true},
		{"tier changes", func(in *plan.Input) { in.Tier = competency.TierSenior }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			next := in
			next.Results = slices.Clone(in.Results)
			next.Previous, next.Now = &first, t1
			tc.change(&next)
			got := plan.Build(next)
			if got.Changed != tc.wantChanged || got.SameContent(first) == tc.wantChanged {
				t.Fatalf("got Changed %v SameContent %v, want %v %v", got.Changed, got.SameContent(first), tc.wantChanged, !tc.wantChanged)
			}
			if !tc.wantChanged {
				if diff := cmp.Diff(first, got, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Changed" }, cmp.Ignore())); diff != "" {
					t.Errorf("unchanged build must return the previous plan (-previous +got):\n%s", diff)
				}
				return
			}
			if got.Version != 2 || !got.BuiltAt.Equal(t1) || got.Basis != next.Basis {
				t.Errorf("got version %d built %v basis %+v, want 2 %v %+v", got.Version, got.BuiltAt, got.Basis, t1, next.Basis)
			}
		})
	}
}

func TestBuildLeavesPreviousAlone(t *testing.T) {
	t.Parallel()
	in := plan.Input{
		EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, Now: t0,
		Results: results(map[string]competency.Level{"cloud": 2, "cicd": 3, "security": 1, "agile": 2}),
	}
	prev := plan.Build(in)
	snapshot := plan.Build(in)
	in.Previous, in.Now, in.Retired = &prev, t0.Add(time.Hour), map[string]bool{"cloud": true}
	in.Results = results(map[string]competency.Level{"cloud": 2, "cicd": 4, "security": 2, "agile": 2})
	_ = plan.Build(in)
	if diff := cmp.Diff(snapshot, prev); diff != "" {
		t.Errorf("Build modified the previous plan (-before +after):\n%s", diff)
	}
}
