package analysis_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sentenceTexts returns the text of each span.
func sentenceTexts(text string, spans []analysis.Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = text[s.Start:s.End]
	}
	return out
}

func TestSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"two sentences", "We ship often. We test first!", []string{"We ship often.", "We test first!"}},
		{"abbreviation e.g.", "Use tools, e.g. Terraform, daily. Then rest.", []string{"Use tools, e.g. Terraform, daily.", "Then rest."}},
		{"title Dr.", "Ask Dr. Smith about it. She knows.", []string{"Ask Dr. Smith about it.", "She knows."}},
		{"initial", "Written by J. R. Tolkien here. Next one.", []string{"Written by J. R. Tolkien here.", "Next one."}},
		{"decimal", "Uptime rose to 99.95 percent. Good.", []string{"Uptime rose to 99.95 percent.", "Good."}},
		{"version and domain", "Upgrade to v1.2 on example.com now. Done.", []string{"Upgrade to v1.2 on example.com now.", "Done."}},
		{"lower case after dot", "It costs approx. five hours. Fine.", []string{"It costs approx. five hours.", "Fine."}},
		{"question and quote", "Why? \"Because.\" Then go.", []string{"Why?", "\"Because.\"", "Then go."}},
		{"bullets", "Skills:\n- writes tests\n- reviews code\n* mentors peers", []string{"Skills:", "writes tests", "reviews code", "mentors peers"}},
		{"numbered", "1. Plan work\n2) Ship it", []string{"Plan work", "Ship it"}},
		{"line separated items", "Communication\nImpact\nTechnical skill", []string{"Communication", "Impact", "Technical skill"}},
		{"wrapped line joined", "This sentence wraps\nonto the next line. Next.", []string{"This sentence wraps\nonto the next line.", "Next."}},
		{"blank line ends", "Heading without dot\n\nbody starts lower", []string{"Heading without dot", "body starts lower"}},
		{"colon then lower line", "Values:\nopenness matters", []string{"Values:", "openness matters"}},
		{"ellipsis mid", "Wait... Then more.", []string{"Wait...", "Then more."}},
		{"no text", " - \n\n * ", nil},
		{"unicode", "Führung ist wichtig. Ça va.", []string{"Führung ist wichtig.", "Ça va."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := sentenceTexts(tt.in, analysis.Sentences(tt.in))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Sentences(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestSentencesLong(t *testing.T) {
	t.Parallel()
	long := ""
	for range 300 {
		long += "word "
	}
	spans := analysis.Sentences(long)
	if len(spans) < 3 {
		t.Fatalf("Sentences: got %d spans, want at least 3", len(spans))
	}
	for _, s := range spans {
		if n := s.End - s.Start; n > analysis.MaxSentenceBytes {
			t.Errorf("span %v: got %d bytes, want at most %d", s, n, analysis.MaxSentenceBytes)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	in := "On-call SREs don't skip C++ or C#; Node.js’s API, naïve Ünïcode 42."
	want := []analysis.Token{
		{"on", 0, 2}, {"call", 3, 7}, {"sres", 8, 12}, {"don't", 13, 18}, {"skip", 19, 23},
		{"c++", 24, 27}, {"or", 28, 30}, {"c#", 31, 33}, {"node.js's", 35, 46}, {"api", 47, 50},
		{"naïve", 52, 58}, {"ünïcode", 59, 68}, {"42", 69, 71},
	}
	got := analysis.Tokens(in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens mismatch (-want +got):\n%s", diff)
	}
	for _, tok := range got {
		if analysis.Stem(tok.Text) == "" {
			t.Errorf("Stem(%q): got empty", tok.Text)
		}
	}
}

func TestNGrams(t *testing.T) {
	t.Parallel()
	got := analysis.NGrams([]string{"incid", "respons", "rotat"}, 1, 3)
	want := []string{"incid", "respons", "rotat", "incid respons", "respons rotat", "incid respons rotat"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NGrams mismatch (-want +got):\n%s", diff)
	}
	if got := analysis.Terms("The engineers are mentoring the new hires"); !cmp.Equal(got, []string{"engin", "mentor", "new", "hire"}) {
		t.Errorf("Terms: got %q, want [engin mentor new hire]", got)
	}
}
