package plan_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

// benchFramework returns a framework of 10 competencies, 4 primary and 6
// supporting, each with four actions per level.
func benchFramework(b *testing.B) competency.RoleFramework {
	b.Helper()
	f := competency.RoleFramework{Role: competency.Role{Slug: "devops-engineer", Title: "DevOps Engineer"}}
	for i := range 10 {
		g := competency.Supporting
		if i < 4 {
			g = competency.Primary
		}
		f.Entries = append(f.Entries, entry(b, fmt.Sprintf("competency-%02d", i), g, 2, 4, 5))
	}
	return f
}

// benchResults returns employee n's results: levels 1–4 varying by
// employee and competency, so plans have between a few and ten items.
func benchResults(f competency.RoleFramework, n int) []plan.Current {
	out := make([]plan.Current, 0, len(f.Entries))
	for i, e := range f.Entries {
		l := competency.Level(1 + (n+i*7)%4)
		out = append(out, plan.Current{Slug: e.Competency.Slug, Level: l, Score: float64(l), Confidence: 0.7})
	}
	return out
}

func BenchmarkBuild(b *testing.B) {
	f := benchFramework(b)
	base := plan.Input{
		EmployeeID: employee, Framework: f, Tier: competency.TierMid, Now: t0,
		Results: benchResults(f, 0), Relevance: map[string]float64{"competency-01": 0.9, "competency-05": 0.2},
	}
	prev := plan.Build(base)
	progressed := benchResults(f, 1)

	cases := []struct {
		name string
		in   plan.Input
	}{
		{"first", base},
		{"rebuild-unchanged", func() plan.Input { in := base; in.Previous, in.Now = &prev, t0.Add(time.Hour); return in }()},
		{"rebuild-changed", func() plan.Input {
			in := base
			in.Previous, in.Now, in.Results = &prev, t0.Add(time.Hour), progressed
			return in
		}()},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = plan.Build(c.in)
			}
		})
	}
}

// BenchmarkBuild10000Employees builds the plans of 10,000 employees one after
// the other, as the plan worker does after a library change; ns/plan is the
// time per employee.
func BenchmarkBuild10000Employees(b *testing.B) {
	const employees = 10_000
	f := benchFramework(b)
	ins := make([]plan.Input, employees)
	prevs := make([]plan.Plan, employees)
	for n := range ins {
		ins[n] = plan.Input{
			EmployeeID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n),
			Framework:  f, Tier: competency.TierMid, Now: t0, Results: benchResults(f, n),
		}
		prevs[n] = plan.Build(ins[n])
	}
	changedRelevance := map[string]float64{"competency-00": 0.9, "competency-07": 0.1}

	cases := []struct {
		name     string
		previous bool
		apply    func(in *plan.Input)
	}{
		{"first", false, func(*plan.Input) {}},
		{"library-change", true, func(in *plan.Input) { in.Relevance = changedRelevance }},
		{"unchanged", true, func(*plan.Input) {}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			changed := 0
			for b.Loop() {
				changed = 0
				for n := range ins {
					in := ins[n]
					in.Now = t0.Add(time.Hour)
					if c.previous {
						in.Previous = &prevs[n]
					}
					c.apply(&in)
					if plan.Build(in).Changed {
						changed++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/employees, "ns/plan")
			b.ReportMetric(float64(changed), "changed")
		})
	}
}
