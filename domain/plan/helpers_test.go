package plan_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

// t0 is the clock of the first build in the tests.
var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

const employee = "7f9c2b1e-5d4a-4c3b-8e2f-1a2b3c4d5e6f"

// kinds lists the development action kinds in the order fixtures use them.
var kinds = []competency.ActionKind{competency.Course, competency.Project, competency.Mentoring, competency.Reading}

// comp returns a competency whose level l has one action of every kind,
// titled "<slug> <l> <kind>".
func comp(slug string) competency.Competency {
	c := competency.Competency{
		Slug:     slug,
		Name:     slug,
		Category: competency.Technical,
		Actions:  map[competency.Level][]competency.Action{},
	}
	for _, l := range competency.AllLevels() {
		for _, k := range kinds {
			c.Actions[l] = append(c.Actions[l], competency.Action{Kind: k, Title: fmt.Sprintf("%s %d %s", slug, l, k)})
		}
	}
	return c
}

// entry returns a framework entry for a competency comp(slug) requiring
// entry/mid/senior levels e, m, s.
func entry(t testing.TB, slug string, g competency.Group, e, m, s competency.Level) competency.Entry {
	t.Helper()
	ls, err := competency.NewLevels(e, m, s)
	if err != nil {
		t.Fatalf("NewLevels(%d, %d, %d): %v", e, m, s, err)
	}
	return competency.Entry{Competency: comp(slug), Group: g, Levels: ls}
}

// devops returns a small framework for the role "devops-engineer":
//
//	cloud      primary    2/4/5
//	cicd       primary    2/4/5
//	security   supporting 1/3/5
//	agile      supporting 1/3/4
func devops(t testing.TB) competency.RoleFramework {
	t.Helper()
	return competency.RoleFramework{
		Role: competency.Role{Slug: "devops-engineer", Title: "DevOps Engineer"},
		Entries: []competency.Entry{
			entry(t, "cloud", competency.Primary, 2, 4, 5),
			entry(t, "cicd", competency.Primary, 2, 4, 5),
			entry(t, "security", competency.Supporting, 1, 3, 5),
			entry(t, "agile", competency.Supporting, 1, 3, 4),
		},
	}
}

// analyst returns a framework for another role, "data-analyst", sharing
// "agile" with devops:
//
//	sql        primary    2/3/4
//	agile      supporting 1/3/4
func analyst(t testing.TB) competency.RoleFramework {
	t.Helper()
	return competency.RoleFramework{
		Role: competency.Role{Slug: "data-analyst", Title: "Data Analyst"},
		Entries: []competency.Entry{
			entry(t, "sql", competency.Primary, 2, 3, 4),
			entry(t, "agile", competency.Supporting, 1, 3, 4),
		},
	}
}

// results returns one Current per slug → level.
func results(m map[string]competency.Level) []plan.Current {
	var out []plan.Current
	for s, l := range m {
		out = append(out, plan.Current{Slug: s, Level: l, Score: float64(l), Confidence: 0.8})
	}
	return out
}

// summary is the part of an item most tests check.
type summary struct {
	Slug    string
	Current competency.Level
	Target  competency.Level
	Gap     int
	Status  plan.Status
	Reason  plan.ClosedReason
}

// summarize returns the summaries of p's items, in order (nil for none).
func summarize(p plan.Plan) []summary {
	var out []summary
	for _, it := range p.Items {
		out = append(out, summary{it.CompetencySlug, it.CurrentLevel, it.TargetLevel, it.Gap, it.Status, it.ClosedReason})
	}
	return out
}

// bySlug returns p's item not closed for slug, failing the test if there is
// none.
func bySlug(t *testing.T, p plan.Plan, slug string) plan.Item {
	t.Helper()
	for _, it := range p.Items {
		if it.CompetencySlug == slug && it.Status != plan.Closed {
			return it
		}
	}
	t.Fatalf("plan has no open item for %q; items: %+v", slug, summarize(p))
	return plan.Item{}
}

// update applies UpdateItem, failing the test on error.
func update(t *testing.T, p plan.Plan, id string, s plan.Status, note string) plan.Plan {
	t.Helper()
	q, err := p.UpdateItem(id, &s, &note)
	if err != nil {
		t.Fatalf("UpdateItem(%s, %s, %q): %v", id, s, note, err)
	}
	return q
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
