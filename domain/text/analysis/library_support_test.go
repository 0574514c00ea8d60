package analysis_test

import (
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

func TestStemLabels(t *testing.T) {
	t.Parallel()
	v := analysis.NewVocabulary(
		analysis.Phrase{Label: "lead a team", Aliases: []string{"leading teams", "team lead"}},
		analysis.Phrase{Label: "lead a project"},
		analysis.Phrase{Label: "use Kubernetes"},
	)
	tests := map[string]int{"lead": 2, "team": 1, "kubernet": 1, "project": 1, "absent": 0}
	for stem, want := range tests {
		if got := v.StemLabels(stem); got != want {
			t.Errorf("StemLabels(%q) = %d, want %d", stem, got, want)
		}
	}
	if got := v.Labels(); strings.Join(got, "|") != "lead a team|lead a project|use Kubernetes" {
		t.Errorf("Labels() = %q", got)
	}
	if analysis.ESCO().StemLabels("assess") < 100 || analysis.ESCO().StemLabels("kubernet") != 0 {
		t.Errorf("ESCO StemLabels: assess %d, kubernet %d; want a common and an absent word",
			analysis.ESCO().StemLabels("assess"), analysis.ESCO().StemLabels("kubernet"))
	}
}

func TestScoreEvidenceBounds(t *testing.T) {
	t.Parallel()
	var text strings.Builder
	for range 8 {
		text.WriteString("We run Kubernetes in production. ")
	}
	c := analysis.NewCorpus([]analysis.Doc{{ID: "a", Text: text.String()}})
	q := analysis.Query{Terms: []analysis.QueryTerm{{Text: "Kubernetes", Weight: 1}}}
	if got := len(c.Score(q).Evidence); got != analysis.MaxEvidencePerDoc {
		t.Errorf("default bounds: %d evidence sentences, want %d", got, analysis.MaxEvidencePerDoc)
	}
	q.MaxEvidence, q.MaxEvidencePerDoc = 6, 5
	res := c.Score(q)
	if got := len(res.Evidence); got != 5 {
		t.Errorf("per-document bound 5: %d evidence sentences, want 5", got)
	}
	if res.Reference <= 0 || res.Evidence[0].Score <= 0 {
		t.Errorf("Reference %v, first score %v; want both positive", res.Reference, res.Evidence[0].Score)
	}
}
