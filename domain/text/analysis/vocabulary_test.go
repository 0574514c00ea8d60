package analysis_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestVocabularyFind(t *testing.T) {
	t.Parallel()
	v := analysis.NewVocabulary(
		analysis.Phrase{Label: "incident response", Aliases: []string{"incident management", "pager duty"}},
		analysis.Phrase{Label: "incident response planning"},
		analysis.Phrase{Label: "Kubernetes", Aliases: []string{"k8s"}},
		analysis.Phrase{Label: "manage musical staff", Aliases: []string{"manage staff of music"}},
	)
	tests := []struct {
		name string
		in   string
		want []string // surface text of each hit, then its label
	}{
		{"inflected", "She responded to incidents. Incident responses are logged.", []string{"Incident responses", "incident response"}},
		{"longest wins", "We own incident response planning.", []string{"incident response planning", "incident response planning"}},
		{"alias and hyphen", "Joins the pager-duty rota and manages k8s.", []string{"pager-duty", "incident response", "k8s", "Kubernetes"}},
		{"stop words skipped", "She manages the staff of the music school.", []string{"manages the staff of the music", "manage musical staff"}},
		{"no match across comma", "incident, response", nil},
		{"no match across sentence", "An incident. Response was quick.", nil},
		{"case insensitive", "INCIDENT MANAGEMENT", []string{"INCIDENT MANAGEMENT", "incident response"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, h := range v.Find(tt.in) {
				got = append(got, tt.in[h.Start:h.End], h.Phrase)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Find(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestVocabularyWith(t *testing.T) {
	t.Parallel()
	base := analysis.NewVocabulary(analysis.Phrase{Label: "code review"})
	ext := base.With(analysis.Phrase{Label: "peer review", Aliases: []string{"code review"}}, analysis.Phrase{Label: "pairing"})
	if got, want := ext.Len(), 3; got != want {
		t.Errorf("With: got %d phrases, want %d", got, want)
	}
	hits := ext.Find("We do code review and pairing.")
	if len(hits) != 2 || hits[0].Phrase != "peer review" || hits[1].Phrase != "pairing" {
		t.Errorf("With Find: got %+v, want peer review then pairing", hits)
	}
	if hits := base.Find("pairing"); len(hits) != 0 {
		t.Errorf("base after With: got %+v, want no hits", hits)
	}
}

func TestESCO(t *testing.T) {
	t.Parallel()
	v := analysis.ESCO()
	if v.Len() < 10000 {
		t.Fatalf("ESCO: got %d phrases, want over 10000", v.Len())
	}
	text := "Our engineers use Haskell, perform code reviews, apply cloud computing practices and manage projects. The team works hard."
	var got []string
	for _, h := range v.Find(text) {
		got = append(got, h.Phrase)
	}
	for _, want := range []string{"Haskell", "cloud technologies", "manage several projects"} {
		if !contains(got, want) {
			t.Errorf("ESCO Find: got %q, want it to include %q", got, want)
		}
	}
	for _, h := range v.Find("The team works hard. Access the source.") {
		t.Errorf("ESCO Find on generic text: got hit %+v, want none", h)
	}
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
