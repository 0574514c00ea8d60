package assessment_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
)

// benchAnswers are open-text answers for the competencies that have no
// labelled ones.
var benchAnswers = map[string]string{
	"ci-cd":                             `I designed the pipeline for our new ledger service end to end: unit and contract tests on every push, versioned images, automatic promotion from staging to production after smoke tests, and a one-click rollback. Deploys went from weekly to several times a day.`,
	"security-best-practices":           `When we added card tokenisation I threat-modelled the feature with the team, moved all secrets to Vault, enforced encryption at rest and in transit, and fixed the two findings from the pen test myself within a week.`,
	"automation-and-scripting":          `I wrote a Python tool that rotates our database credentials and updates the services that use them; it is tested, documented, and removed about four hours of manual toil a week for the team.`,
	"monitoring-and-performance-tuning": `I defined SLOs for the payments API, profiled the slowest endpoint and removed an N+1 query, and tuned our alerts so that on-call pages dropped from around thirty a week to five.`,
}

func BenchmarkGenerate(b *testing.B) {
	f := framework(b)
	if len(f.Entries) != 8 {
		b.Fatalf("framework has %d competencies, want 8", len(f.Entries))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := assessment.Generate(f, competency.TierMid, "bench-seed"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScore(b *testing.B) {
	a, rs := benchAssessment(b)
	b.Run("warm", func(b *testing.B) {
		s := assessment.NewScorer()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Score(a, rs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := assessment.NewScorer().Score(a, rs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchAssessment is the 8-competency assessment with 32 realistic
// responses.
func benchAssessment(b *testing.B) (assessment.Assessment, []assessment.Response) {
	a, err := assessment.Generate(framework(b), competency.TierMid, "bench-seed")
	if err != nil {
		b.Fatal(err)
	}
	texts := map[string]string{}
	for _, la := range labelledAnswers {
		if la.level == 3 {
			texts[la.slug] = la.text
		}
	}
	for k, v := range benchAnswers {
		texts[k] = v
	}
	var rs []assessment.Response
	for _, it := range a.Items {
		switch it.Kind {
		case assessment.SelfRating:
			rs = append(rs, assessment.Response{ItemID: it.ID, Rating: ptr(3)})
		case assessment.Scenario:
			rs = append(rs, assessment.Response{ItemID: it.ID, OptionID: ptr(it.Options[1].ID)})
		case assessment.OpenText:
			text, ok := texts[it.CompetencySlug]
			if !ok {
				b.Fatalf("no answer for %s", it.CompetencySlug)
			}
			rs = append(rs, assessment.Response{ItemID: it.ID, Text: ptr(text)})
		}
	}
	if len(rs) != 32 {
		b.Fatalf("got %d responses, want 32", len(rs))
	}
	return a, rs
}
