package analysis_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

func TestBaseForm(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		// irregular pasts
		"led": "lead", "built": "build", "ran": "run", "written": "write", "understood": "understand",
		// British spellings
		"organised": "organized", "organise": "organize", "organises": "organizes", "organising": "organizing",
		"organisation": "organization", "organisations": "organizations", "organisational": "organizational",
		"prioritise": "prioritize", "analysed": "analyzed", "analyses": "analyzes", "analyse": "analyze",
		"analysis": "analyze", "realiser": "realizer",
		// unchanged: no -ise suffix, too short to carry one, or an exception
		"lead": "lead", "design": "design", "rise": "rise", "raised": "raised", "advise": "advise",
		"promised": "promised", "exercises": "exercises", "expertise": "expertise", "otherwise": "otherwise",
		"likewise": "likewise", "basis": "basis", "business": "business", "": "",
	}
	for in, want := range tests {
		if got := analysis.BaseForm(in); got != want {
			t.Errorf("BaseForm(%q): got %q, want %q", in, got, want)
		}
	}
}

// TestBaseFormJoinsStems checks what BaseForm is for: with it, Porter2 gives
// the forms of one word one stem.
func TestBaseFormJoinsStems(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"lead", "led", "leads", "leading"},
		{"organization", "organisation", "organised", "organized", "organise"},
		{"analyze", "analyse", "analysed", "analysis", "analyses"},
		{"run", "running", "ran"},
		{"write", "writes", "wrote", "written", "writing"},
	}
	for _, forms := range groups {
		want := analysis.Stem(analysis.BaseForm(forms[0]))
		for _, w := range forms[1:] {
			if got := analysis.Stem(analysis.BaseForm(w)); got != want {
				t.Errorf("Stem(BaseForm(%q)): got %q, want %q as for %q", w, got, want, forms[0])
			}
		}
	}
}

func TestIrregularPast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, verb string
		ok       bool
	}{{"led", "lead", true}, {"thought", "think", true}, {"lead", "", false}, {"walked", "", false}, {"analysis", "", false}}
	for _, tt := range tests {
		if verb, ok := analysis.IrregularPast(tt.in); verb != tt.verb || ok != tt.ok {
			t.Errorf("IrregularPast(%q): got %q, %v, want %q, %v", tt.in, verb, ok, tt.verb, tt.ok)
		}
	}
}
