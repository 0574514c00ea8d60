package assessment_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
)

// devopsSlugs are the eight competencies of the reference DevOps Engineer
// framework.
var devopsSlugs = []string{
	"cloud-infrastructure-management", "ci-cd", "collaboration-communication", "problem-solving",
	"security-best-practices", "automation-scripting", "monitoring-performance-tuning", "agile-methodologies",
}

// devopsAssessment generates the DevOps Engineer assessment of the catalog
// at tier mid, with the fixture scenarios of testdata/scenarios.json.
func devopsAssessment(t testing.TB, seed string) assessment.Assessment {
	t.Helper()
	f, err := catalog.Default().Framework("devops-engineer", "finance")
	if err != nil {
		t.Fatalf("catalog framework: %v", err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "scenarios.json"))
	if err != nil {
		t.Fatalf("read scenarios: %v", err)
	}
	var file struct {
		Scenarios map[string][]competency.Scenario `json:"scenarios"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatalf("decode scenarios: %v", err)
	}
	var slugs []string
	for i := range f.Entries {
		c := &f.Entries[i].Competency
		slugs = append(slugs, c.Slug)
		c.Scenarios = file.Scenarios[c.Slug]
		if len(c.Scenarios) < 2 {
			t.Fatalf("no fixture scenarios for %s", c.Slug)
		}
	}
	if !slices.Equal(slugs, devopsSlugs) {
		t.Fatalf("DevOps framework competencies = %v, want %v", slugs, devopsSlugs)
	}
	a, err := assessment.Generate(f, competency.TierMid, seed)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return a
}

// clicks chooses a self-rating and a scenario option per item.
type clicks struct {
	rating func(slug string) int
	option func(a assessment.Assessment, it assessment.Item) string
}

// seniorWords sound senior whatever the situation.
var seniorWords = []string{"company", "organisation", "strateg", "all teams", "every team", "escalate", "cto",
	"architecture", "platform", "programme", "framework", "working group", "policy", "review"}

// seniorOption is the option a gamer picks: the one with the most
// senior-sounding words, the longest on a tie.
func seniorOption(_ assessment.Assessment, it assessment.Item) string {
	best, bestN := "", -1
	bestLen := 0
	for _, o := range it.Options {
		n := 0
		for _, w := range seniorWords {
			n += strings.Count(strings.ToLower(o.Text), w)
		}
		if n > bestN || (n == bestN && len(o.Text) > bestLen) {
			best, bestN, bestLen = o.ID, n, len(o.Text)
		}
	}
	return best
}

// bestOption is the most effective option.
func bestOption(a assessment.Assessment, it assessment.Item) string {
	best := it.Options[0].ID
	for _, o := range it.Options {
		if a.Key.Levels[o.ID] > a.Key.Levels[best] {
			best = o.ID
		}
	}
	return best
}

// takeAssessment answers every item of a with the clicks and the texts (by
// competency slug) and scores it.
func takeAssessment(t testing.TB, a assessment.Assessment, c clicks, text func(slug string, it assessment.Item) string) assessment.Result {
	t.Helper()
	var rs []assessment.Response
	for _, it := range a.Items {
		r := assessment.Response{ItemID: it.ID}
		switch it.Kind {
		case assessment.SelfRating:
			r.Rating = ptr(c.rating(it.CompetencySlug))
		case assessment.Scenario:
			r.OptionID = ptr(c.option(a, it))
		case assessment.OpenText:
			r.Text = ptr(text(it.CompetencySlug, it))
		}
		rs = append(rs, r)
	}
	res, err := assessment.Score(a, rs)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	return res
}

// meanLevel and meanConfidence average over the competencies.
func meanLevel(res assessment.Result) float64 {
	var sum float64
	for _, c := range res.Competencies {
		sum += float64(c.Level)
	}
	return sum / float64(len(res.Competencies))
}

func meanConfidence(res assessment.Result) float64 {
	var sum float64
	for _, c := range res.Competencies {
		sum += c.Confidence
	}
	return sum / float64(len(res.Competencies))
}

// genericClaim is one sentence of claimed seniority with nothing behind it.
const genericClaim = "I lead this across the whole organisation and set the strategy for several teams, with measurable results."

// strongAnswers returns, per DevOps competency, a level-5 answer of the
// tune half of the labelled corpus: concrete accounts of expert work.
func strongAnswers(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, ans := range loadCorpus(t).Answers {
		if ans.Half == tuneHalf && ans.Level == 5 && out[ans.Competency] == "" {
			out[ans.Competency] = ans.Text
		}
	}
	for _, s := range devopsSlugs {
		if out[s] == "" {
			t.Fatalf("no level-5 tune answer for %s", s)
		}
	}
	return out
}

func TestScoreResistsGaming(t *testing.T) {
	t.Parallel()
	a := devopsAssessment(t, "gaming-suite")
	cat := catalog.Default()
	def := func(slug string) competency.Competency {
		c, ok := cat.Competency(slug)
		if !ok {
			t.Fatalf("catalog has no %s", slug)
		}
		return c
	}
	top := clicks{rating: func(string) int { return 5 }, option: seniorOption}
	honest := clicks{rating: func(string) int { return 5 }, option: bestOption}
	strong := strongAnswers(t)
	tests := []struct {
		name  string
		clk   clicks
		text  func(slug string, it assessment.Item) string
		max   float64 // mean level at most
		min   float64 // mean level at least
		flags []assessment.Flag
	}{
		{"top clicks and yes", top, func(string, assessment.Item) string { return "Yes." }, 2.0, 0, []assessment.Flag{assessment.FlagInflated}},
		{"top clicks and a generic claim", top, func(string, assessment.Item) string { return genericClaim }, 2.5, 0, []assessment.Flag{assessment.FlagInflated}},
		{"top clicks and keyword stuffing", top, func(slug string, _ assessment.Item) string {
			c := def(slug)
			return strings.Join(c.Keywords, " ") + " strategy organisation several teams expert leadership roadmap"
		}, 2.5, 0, []assessment.Flag{assessment.FlagKeywordStuffing}},
		{"top clicks and the expert descriptor pasted", top, func(slug string, _ assessment.Item) string { return def(slug).Descriptors[4] }, 2.5, 0, []assessment.Flag{assessment.FlagCopyBack}},
		{"top clicks and every descriptor pasted", top, func(slug string, _ assessment.Item) string {
			ds := def(slug).Descriptors
			return strings.Join(ds[:], " ")
		}, 2.5, 0, []assessment.Flag{assessment.FlagCopyBack}},
		{"top clicks and the prompt pasted", top, func(_ string, it assessment.Item) string { return it.Prompt }, 2.5, 0, []assessment.Flag{assessment.FlagCopyBack}},
		{"honest strong answers", honest, func(slug string, _ assessment.Item) string { return strong[slug] }, 5, 4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := takeAssessment(t, a, tt.clk, tt.text)
			got := meanLevel(res)
			t.Logf("mean level %.2f, mean confidence %.2f", got, meanConfidence(res))
			if got > tt.max || got < tt.min {
				t.Errorf("mean level = %.2f, want %.1f to %.1f", got, tt.min, tt.max)
			}
			for _, c := range res.Competencies {
				t.Logf("%-32s level %d score %.2f evidence %.2f conf %.2f flags %v", c.CompetencySlug, c.Level, c.Score, c.EvidenceLevel, c.Confidence, c.Flags)
				for _, f := range tt.flags {
					if !slices.Contains(c.Flags, f) {
						t.Errorf("%s flags = %v, want %s", c.CompetencySlug, c.Flags, f)
					}
				}
			}
		})
	}
}

func TestScoreRandomAnswersHaveLowConfidence(t *testing.T) {
	t.Parallel()
	a := devopsAssessment(t, "random")
	cat := catalog.Default()
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 15))
		var vocab []string
		for _, s := range devopsSlugs {
			c, _ := cat.Competency(s)
			for _, d := range c.Descriptors {
				vocab = append(vocab, strings.Fields(d)...)
			}
		}
		random := clicks{
			rating: func(string) int { return 1 + rng.IntN(5) },
			option: func(_ assessment.Assessment, it assessment.Item) string {
				return it.Options[rng.IntN(len(it.Options))].ID
			},
		}
		res := takeAssessment(t, a, random, func(string, assessment.Item) string {
			words := make([]string, 20+rng.IntN(30))
			for i := range words {
				words[i] = vocab[rng.IntN(len(vocab))]
			}
			return strings.Join(words, " ")
		})
		if got := meanConfidence(res); got > 0.4 {
			t.Errorf("seed %d: mean confidence = %.2f, want <= 0.4", seed, got)
		}
		for _, c := range res.Competencies {
			if c.Confidence > 0.55 {
				t.Errorf("seed %d %s: confidence = %.2f, want <= 0.55", seed, c.CompetencySlug, c.Confidence)
			}
		}
	}
}

func TestScoreClaimWithoutAccountIsCapped(t *testing.T) {
	t.Parallel()
	a := devopsAssessment(t, "claim")
	for _, text := range []string{
		genericClaim,
		"I am the expert on this in the organisation: I set the strategy and the roadmap, lead several teams and am recognised as an authority.",
	} {
		c := scoreText(t, a, "ci-cd", text)
		ev := c.Evidence[0]
		if ev.MatchedLevel > 2 || c.Level > 2 {
			t.Errorf("%q: matched level %d, level %d, want both <= 2", text, ev.MatchedLevel, c.Level)
		}
		for _, e := range ev.Elements {
			if e.Kind == assessment.ElementScope {
				t.Errorf("%q: scope element %+v credited without the account behind it", text, e)
			}
		}
	}
}

func TestScoreListsElementsWithSpans(t *testing.T) {
	t.Parallel()
	a := devopsAssessment(t, "elements")
	text := "Last quarter, when the payment service went down twice, I moved its database to a multi-AZ Postgres cluster on AWS " +
		"and wrote the failover runbook with the on-call SREs of three teams. Failovers now take 40 seconds instead of 15 minutes."
	c := scoreText(t, a, "cloud-infrastructure-management", text)
	kinds := map[string]bool{}
	for _, e := range c.Evidence[0].Elements {
		kinds[e.Kind] = true
		if e.Start < 0 || e.End > len(text) || e.Start >= e.End || text[e.Start:e.End] != e.Text {
			t.Errorf("element %+v: span does not match the answer", e)
		}
	}
	for _, k := range []string{assessment.ElementSituation, assessment.ElementAction, assessment.ElementResult, assessment.ElementScope, assessment.ElementSpecific} {
		if !kinds[k] {
			t.Errorf("elements %+v: no %s, want one", c.Evidence[0].Elements, k)
		}
	}
	if c.Level < 3 {
		t.Errorf("level %d for a complete account, want at least 3", c.Level)
	}
	if yes := scoreText(t, a, "cloud-infrastructure-management", "Yes."); len(yes.Evidence[0].Elements) != 0 || yes.Level != 1 {
		t.Errorf("\"Yes.\": elements %+v level %d, want none and level 1", yes.Evidence[0].Elements, yes.Level)
	}
}

func TestScoreFlagsAnswerCopiedFromAnother(t *testing.T) {
	t.Parallel()
	a := devopsAssessment(t, "copied")
	strong := strongAnswers(t)
	own := scoreText(t, a, "ci-cd", strong["ci-cd"])
	if slices.Contains(own.Flags, assessment.FlagCopyBack) {
		t.Fatalf("answer alone flagged %v, want no copy_back", own.Flags)
	}
	// The same account pasted under a second competency is caught in both.
	var rs []assessment.Response
	for _, slug := range []string{"ci-cd", "automation-scripting"} {
		rs = append(rs, assessment.Response{ItemID: itemOf(t, a, slug, assessment.OpenText).ID, Text: ptr(strong["ci-cd"])})
	}
	res, err := assessment.Score(a, rs)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	for _, slug := range []string{"ci-cd", "automation-scripting"} {
		c, _ := res.Competency(slug)
		if !slices.Contains(c.Flags, assessment.FlagCopyBack) || c.Level > 2 {
			t.Errorf("%s: flags %v level %d, want copy_back and level <= 2", slug, c.Flags, c.Level)
		}
	}
}
