package analysis_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
	"github.com/google/go-cmp/cmp"
)

// testDocs is a small corpus: an SRE handbook, a sales guide and a values
// page full of generic words.
var testDocs = []analysis.Doc{
	{ID: "sre", Text: "Site reliability engineers own incident response. During an incident, the on-call engineer leads the response and writes a postmortem.\n\nThey improve monitoring and alerting."},
	{ID: "sales", Text: "Account executives negotiate contracts with customers. They forecast revenue each quarter."},
	{ID: "values", Text: "We work as a team. Our team works together and people help people. Good work matters to the team."},
}

// competency returns a query as the library builder would build it.
func competency(name string, aliases, keywords []string) analysis.Query {
	q := analysis.Query{Terms: []analysis.QueryTerm{{Text: name, Weight: 1}}}
	for _, a := range aliases {
		q.Terms = append(q.Terms, analysis.QueryTerm{Text: a, Weight: 0.8})
	}
	for _, k := range keywords {
		q.Terms = append(q.Terms, analysis.QueryTerm{Text: k, Weight: 0.4})
	}
	return q
}

func TestCorpusScoreRanksRelevantSentence(t *testing.T) {
	t.Parallel()
	c := analysis.NewCorpus(testDocs)
	got := c.Score(competency("Incident response", []string{"incident management"}, []string{"postmortem", "on-call"}))
	if len(got.Evidence) == 0 {
		t.Fatalf("Score: got no evidence, want sre sentences")
	}
	first := got.Evidence[0]
	if first.DocID != "sre" || first.Excerpt != "Site reliability engineers own incident response." {
		t.Errorf("best evidence: got %s %q, want sre %q", first.DocID, first.Excerpt, "Site reliability engineers own incident response.")
	}
	if diff := cmp.Diff([]string{"incident response"}, first.Terms); diff != "" {
		t.Errorf("best evidence terms mismatch (-want +got):\n%s", diff)
	}
	for _, e := range got.Evidence {
		if e.DocID != "sre" {
			t.Errorf("evidence from %s %q: want only sre", e.DocID, e.Excerpt)
		}
	}
	if got.Relevance < 0.9 || got.Relevance > 1 {
		t.Errorf("Relevance: got %.3f, want in [0.9, 1]", got.Relevance)
	}
}

func TestCorpusScorePhraseBeatsScatteredWords(t *testing.T) {
	t.Parallel()
	c := analysis.NewCorpus([]analysis.Doc{
		{ID: "a", Text: "The response to the last incident was slow. Incident review happens weekly. Response times matter."},
		{ID: "b", Text: "Incident response is practised every month."},
	})
	got := c.Score(competency("incident response", nil, nil))
	if len(got.Evidence) == 0 || got.Evidence[0].DocID != "b" {
		t.Fatalf("Score: got %+v, want doc b first", got.Evidence)
	}
	if len(got.Evidence) > 1 && got.Evidence[1].Score*3 > got.Evidence[0].Score {
		t.Errorf("scattered sentence scored %.3f against phrase %.3f, want under a third", got.Evidence[1].Score, got.Evidence[0].Score)
	}
}

func TestCorpusScoreGenericWords(t *testing.T) {
	t.Parallel()
	c := analysis.NewCorpus(testDocs)
	tests := []struct {
		name  string
		q     analysis.Query
		below float64
	}{
		{"teamwork via generic words", competency("Stakeholder negotiation", []string{"team work"}, []string{"work", "team", "people"}), 0.1},
		{"unrelated", competency("Financial auditing", nil, []string{"ledger"}), 0.01},
	}
	for _, tt := range tests {
		got := c.Score(tt.q)
		if got.Relevance >= tt.below {
			t.Errorf("%s: got relevance %.3f (evidence %+v), want below %.2f", tt.name, got.Relevance, got.Evidence, tt.below)
		}
	}
	if got := c.Score(competency("contract negotiation", []string{"negotiate contracts"}, nil)); got.Relevance < 0.8 {
		t.Errorf("negotiation: got relevance %.3f, want at least 0.8", got.Relevance)
	}
}

func TestCorpusEvidenceOffsets(t *testing.T) {
	t.Parallel()
	docs := syntheticDocs(20, 4<<10, 7)
	c := analysis.NewCorpus(docs)
	text := map[string]string{}
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	for _, q := range syntheticQueries(30) {
		for _, e := range c.Score(q).Evidence {
			if got := text[e.DocID][e.Start:e.End]; got != e.Excerpt {
				t.Fatalf("evidence %s [%d:%d]: got %q, want excerpt %q", e.DocID, e.Start, e.End, got, e.Excerpt)
			}
			for _, term := range e.Terms {
				if !strings.Contains(e.Excerpt, term) {
					t.Errorf("term %q not in excerpt %q", term, e.Excerpt)
				}
			}
		}
	}
}

func TestCorpusDeterministic(t *testing.T) {
	t.Parallel()
	docs := syntheticDocs(30, 4<<10, 3)
	queries := syntheticQueries(20)
	run := func() ([]analysis.Result, []analysis.KeyPhrase) {
		c := analysis.NewCorpus(docs)
		var rs []analysis.Result
		for _, q := range queries {
			rs = append(rs, c.Score(q))
		}
		return rs, c.KeyPhrases(analysis.ESCO(), 2)
	}
	r1, k1 := run()
	r2, k2 := run()
	if diff := cmp.Diff(r1, r2); diff != "" {
		t.Errorf("Score not deterministic (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(k1, k2); diff != "" {
		t.Errorf("KeyPhrases not deterministic (-first +second):\n%s", diff)
	}
}

func TestCorpusTiesByDocID(t *testing.T) {
	t.Parallel()
	same := "Writes clear design documents."
	c := analysis.NewCorpus([]analysis.Doc{{ID: "z", Text: same}, {ID: "a", Text: same}, {ID: "m", Text: same}})
	var got []string
	for _, e := range c.Score(competency("design documents", nil, nil)).Evidence {
		got = append(got, e.DocID)
	}
	if diff := cmp.Diff([]string{"a", "m", "z"}, got); diff != "" {
		t.Errorf("tie order mismatch (-want +got):\n%s", diff)
	}
}

func TestCorpusKeyPhrases(t *testing.T) {
	t.Parallel()
	v := analysis.NewVocabulary(
		analysis.Phrase{Label: "incident response"},
		analysis.Phrase{Label: "contract negotiation", Aliases: []string{"negotiate contracts"}},
		analysis.Phrase{Label: "capacity planning"},
	)
	c := analysis.NewCorpus([]analysis.Doc{
		{ID: "b", Text: "We negotiate contracts. Incident response matters."},
		{ID: "a", Text: "Incident response drills. Then incident response reviews. Incident response again."},
		{ID: "c", Text: "Capacity planning happens once."},
	})
	got := c.KeyPhrases(v, 2)
	var summary []string
	for _, kp := range got {
		summary = append(summary, fmt.Sprintf("%s %d %d", kp.Phrase, kp.Docs, kp.Count))
	}
	if diff := cmp.Diff([]string{"incident response 2 4"}, summary); diff != "" {
		t.Fatalf("KeyPhrases mismatch (-want +got):\n%s", diff)
	}
	ev := got[0].Evidence
	if len(ev) != 2 || ev[0].DocID != "a" || ev[0].Excerpt != "Incident response drills." || ev[1].DocID != "b" {
		t.Errorf("evidence: got %+v, want a's first sentence then b's", ev)
	}
	if got := c.KeyPhrases(v, 1); len(got) != 3 {
		t.Errorf("KeyPhrases minDocs 1: got %d phrases, want 3", len(got))
	}
}

func TestCorpusEmpty(t *testing.T) {
	t.Parallel()
	c := analysis.NewCorpus(nil)
	if got := c.Score(competency("x y", nil, nil)); got.Relevance != 0 || len(got.Evidence) != 0 {
		t.Errorf("Score on empty corpus: got %+v, want zero", got)
	}
	c = analysis.NewCorpus(testDocs)
	if got := c.Score(analysis.Query{Terms: []analysis.QueryTerm{{Text: "the and", Weight: 1}, {Text: "incident", Weight: -1}}}); got.Relevance != 0 {
		t.Errorf("Score of stop words and negative weights: got %+v, want zero", got)
	}
}

// Vocabulary for synthetic documents: skill phrases, generic filler and
// connecting words, so documents read roughly like handbooks.
var (
	synthSkills = []string{
		"incident response", "code review", "capacity planning", "stakeholder management",
		"technical writing", "data modelling", "threat modelling", "cloud computing",
		"continuous integration", "performance testing", "mentoring", "roadmap planning",
		"customer discovery", "budget forecasting", "contract negotiation", "accessibility audits",
		"observability", "release management", "api design", "database migrations",
	}
	synthFiller = strings.Fields("team work people company engineers managers quality customers product " +
		"goals context feedback decisions projects systems services growth impact clarity ownership " +
		"process outcomes changes ideas problems risks standards tools practices culture")
	synthVerbs = strings.Fields("owns leads improves writes reviews supports plans delivers shares explains " +
		"measures builds maintains documents coordinates drives")
)

// syntheticDocs returns n documents of about size bytes of handbook-like
// sentences, from a fixed seed.
func syntheticDocs(n, size int, seed uint64) []analysis.Doc {
	rng := rand.New(rand.NewPCG(seed, seed*7+1))
	docs := make([]analysis.Doc, n)
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	for i := range docs {
		var b strings.Builder
		for b.Len() < size {
			switch rng.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "- %s %s for the %s.\n", strings.ToUpper(pick(synthVerbs)[:1])+pick(synthVerbs)[1:], pick(synthSkills), pick(synthFiller))
			case 1:
				fmt.Fprintf(&b, "The %s %s %s and %s, e.g. %s with %d.5%% fewer %s. ", pick(synthFiller), pick(synthVerbs), pick(synthFiller), pick(synthFiller), pick(synthSkills), rng.IntN(90), pick(synthFiller))
			case 2:
				fmt.Fprintf(&b, "Our %s %s %s %s when %s %s. ", pick(synthFiller), pick(synthVerbs), pick(synthSkills), pick(synthFiller), pick(synthFiller), pick(synthVerbs))
			default:
				b.WriteString("\n\n")
			}
		}
		docs[i] = analysis.Doc{ID: fmt.Sprintf("doc-%03d", i), Text: b.String()}
	}
	return docs
}

// syntheticQueries returns n competency queries built from the synthetic
// vocabulary plus some that match nothing.
func syntheticQueries(n int) []analysis.Query {
	qs := make([]analysis.Query, n)
	for i := range qs {
		s := synthSkills[i%len(synthSkills)]
		other := synthSkills[(i*7+3)%len(synthSkills)]
		qs[i] = analysis.Query{Terms: []analysis.QueryTerm{
			{Text: s, Weight: 1},
			{Text: fmt.Sprintf("%s practice %d", s, i), Weight: 0.8},
			{Text: other, Weight: 0.3},
			{Text: synthFiller[i%len(synthFiller)], Weight: 0.4},
			{Text: "Explains decisions to stakeholders and improves " + other, Weight: 0.2},
		}}
	}
	return qs
}
