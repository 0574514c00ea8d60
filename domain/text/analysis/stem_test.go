package analysis_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

// TestStem checks stems from the Snowball Porter2 reference vocabulary
// (voc.txt / output.txt) and the rules' special cases.
func TestStem(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"consign": "consign", "consigned": "consign", "consigning": "consign", "consignment": "consign",
		"consist": "consist", "consisted": "consist", "consistency": "consist", "consistent": "consist",
		"consistently": "consist", "consisting": "consist", "consists": "consist",
		"consolation": "consol", "consolations": "consol", "consolatory": "consolatori",
		"console": "consol", "consoled": "consol", "consoles": "consol", "consolidate": "consolid",
		"consolidated": "consolid", "consolidating": "consolid", "consoling": "consol",
		"consolingly": "consol", "consols": "consol", "consonant": "conson", "consort": "consort",
		"conspicuous": "conspicu", "conspicuously": "conspicu", "conspiracy": "conspiraci",
		"conspirator": "conspir", "conspirators": "conspir", "conspire": "conspir",
		"conspired": "conspir", "conspiring": "conspir", "constable": "constabl",
		"constables": "constabl", "constance": "constanc", "constancy": "constanc",
		"constant": "constant", "knack": "knack", "knackeries": "knackeri", "knaves": "knave",
		"knavish": "knavish", "kneaded": "knead", "kneading": "knead", "knee": "knee",
		"kneeled": "kneel", "kneels": "kneel", "knees": "knee", "knightly": "knight",
		"knitted": "knit", "knitting": "knit", "knives": "knive", "knocker": "knocker",
		"knocking": "knock",
		// special cases
		"skies": "sky", "dying": "die", "news": "news", "early": "earli", "only": "onli",
		"inning": "inning", "proceed": "proceed", "succeeding": "succeed", "generously": "generous",
		"communication": "communic", "arsenal": "arsenal",
		// rules
		"caresses": "caress", "ponies": "poni", "ties": "tie", "cries": "cri", "gas": "gas",
		"gaps": "gap", "kiwis": "kiwi", "agreed": "agre", "feed": "feed", "hopping": "hop",
		"hoping": "hope", "luxuriating": "luxuri", "happy": "happi", "say": "say",
		"enjoying": "enjoy", "crying": "cri", "youth": "youth", "yelling": "yell",
		"running": "run", "meetings": "meet", "engineering": "engin", "engineer": "engin",
		"management": "manag", "managing": "manag", "leadership": "leadership",
		"mentoring": "mentor", "responsibilities": "respons", "responsible": "respons",
		"reliability": "reliabl", "organization": "organ", "development": "develop",
		"effective": "effect", "effectively": "effect", "hopefulness": "hope",
		"sensational": "sensat", "rational": "ration", "digitizer": "digit",
		"debugging": "debug", "collaboration": "collabor", "collaborative": "collabor",
		"the": "the", "is": "is", "go": "go", "c++": "c++", "naïve": "naïve",
		"customer's": "custom", "'quoted": "quot",
	}
	for in, want := range tests {
		if got := analysis.Stem(in); got != want {
			t.Errorf("Stem(%q): got %q, want %q", in, got, want)
		}
	}
}

func BenchmarkStem(b *testing.B) {
	words := []string{"responsibilities", "engineering", "collaboration", "the", "mentoring", "incidents", "observability"}
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range words {
			analysis.Stem(w)
		}
	}
}
