package assessment_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
)

// answers builds the responses for a competency: a rating, for every
// scenario item the option whose item level (distance to the best option) is
// closest to the given level, and a text (no response for a zero rating, a
// zero level or a nil text).
func answers(t *testing.T, a assessment.Assessment, slug string, rating int, option competency.Level, text *string) []assessment.Response {
	t.Helper()
	var rs []assessment.Response
	if rating > 0 {
		rs = append(rs, assessment.Response{ItemID: itemOf(t, a, slug, assessment.SelfRating).ID, Rating: ptr(rating)})
	}
	if option > 0 {
		for _, scen := range a.Items {
			if scen.CompetencySlug == slug && scen.Kind == assessment.Scenario {
				rs = append(rs, assessment.Response{ItemID: scen.ID, OptionID: ptr(optionAt(a, scen, option))})
			}
		}
	}
	if text != nil {
		rs = append(rs, assessment.Response{ItemID: itemOf(t, a, slug, assessment.OpenText).ID, Text: text})
	}
	return rs
}

// optionAt returns the option of a scenario item whose item level, 5 less
// its distance to the best option, is closest to l (the lower on a tie).
func optionAt(a assessment.Assessment, it assessment.Item, l competency.Level) string {
	var best competency.Level
	for _, o := range it.Options {
		best = max(best, a.Key.Levels[o.ID])
	}
	id, dist := "", 99
	for _, o := range it.Options {
		lv := 5 - int(best-a.Key.Levels[o.ID])
		d := lv - int(l)
		if d < 0 {
			d = -d
		}
		if d < dist || (d == dist && lv < int(l)) {
			id, dist = o.ID, d
		}
	}
	return id
}

// labelText returns the first labelled answer for slug at level.
func labelText(t *testing.T, slug string, level int) *string {
	t.Helper()
	for _, la := range labelledAnswers {
		if la.slug == slug && la.level == level {
			return ptr(la.text)
		}
	}
	t.Fatalf("no labelled answer for %s at %d", slug, level)
	return nil
}

func TestScoreCombinesItems(t *testing.T) {
	t.Parallel()
	a := generate(t, "combine")
	slug := "cloud-infrastructure-management" // mid requires 4
	stuffed := ptr("cloud strategy platform roadmap organisation authority adoption multi-region architecture standards")
	tests := []struct {
		name             string
		rating           int
		option           competency.Level
		text             *string
		wantMin, wantMax competency.Level
		wantGap          int
		confMin, confMax float64
		wantEvidence     int
		wantFlag         assessment.Flag
	}{
		{"all agree at advanced", 4, 4, ptr(advancedCloud), 4, 4, 0, 0.5, 1, 4, ""},
		{"self-rating inflated", 5, 2, labelText(t, slug, 2), 2, 2, 2, 0, 0.6, 4, assessment.FlagInflated},
		{"expert text outweighs a modest self-rating", 3, 4, ptr(advancedCloud), 4, 5, 0, 0.3, 1, 4, ""},
		{"stuffed text pulls down", 5, 5, stuffed, 1, 2, 2, 0, 0.2, 4, assessment.FlagKeywordStuffing},
		{"self-rating alone", 5, 0, nil, 5, 5, 0, 0, 0.15, 1, ""},
		{"nothing answered", 0, 0, nil, 1, 1, 3, 0, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := assessment.Score(a, answers(t, a, slug, tt.rating, tt.option, tt.text))
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			if got, want := len(res.Competencies), len(specs); got != want {
				t.Fatalf("got %d competency results, want %d", got, want)
			}
			c, _ := res.Competency(slug)
			if c.Level < tt.wantMin || c.Level > tt.wantMax {
				t.Errorf("level = %d (score %.2f), want %d to %d", c.Level, c.Score, tt.wantMin, tt.wantMax)
			}
			if c.Gap != tt.wantGap || c.RequiredLevel != 4 {
				t.Errorf("gap = %d, required %d, want gap %d, required 4", c.Gap, c.RequiredLevel, tt.wantGap)
			}
			if c.Confidence < tt.confMin || c.Confidence > tt.confMax {
				t.Errorf("confidence = %.2f, want %.2f to %.2f", c.Confidence, tt.confMin, tt.confMax)
			}
			if len(c.Evidence) != tt.wantEvidence {
				t.Fatalf("got %d evidence entries, want %d", len(c.Evidence), tt.wantEvidence)
			}
			var sum float64
			for _, ev := range c.Evidence {
				sum += ev.Contribution
			}
			if math.Abs(sum-c.Score) > 0.02 {
				t.Errorf("contributions add up to %.2f, want the score %.2f", sum, c.Score)
			}
			if tt.wantFlag != "" && !slices.Contains(c.Flags, tt.wantFlag) {
				t.Errorf("flags = %v, want %s", c.Flags, tt.wantFlag)
			}
		})
	}
}

// advancedCloud is a concrete account of level-4 cloud work: actions,
// specifics, a result and a reach across several teams.
const advancedCloud = "Last year I led the move of our payments, ledger and onboarding teams to a multi-region setup on AWS. " +
	"I wrote the shared Terraform modules the three teams now use, reviewed every design, and ran two failover drills; " +
	"recovery time went from four hours to 20 minutes."

func TestScoreAgreementRaisesConfidence(t *testing.T) {
	t.Parallel()
	a := generate(t, "agreement")
	slug := "problem-solving"
	score := func(rating int, option competency.Level) float64 {
		res, err := assessment.Score(a, answers(t, a, slug, rating, option, labelText(t, slug, 3)))
		if err != nil {
			t.Fatalf("Score: %v", err)
		}
		c, _ := res.Competency(slug)
		return c.Confidence
	}
	agree, disagree := score(3, 3), score(5, 1)
	if agree <= disagree {
		t.Errorf("confidence when items agree = %.2f, when they disagree = %.2f, want the first higher", agree, disagree)
	}
}

func TestScoreLengthIsNotRewarded(t *testing.T) {
	t.Parallel()
	a := generate(t, "length")
	slug := "cloud-infrastructure-management"
	basic := *labelText(t, slug, 1)
	filler := " The weather was fine that week and the office coffee machine was broken again, so we went to the cafe on the corner most mornings."
	tests := []struct {
		name        string
		short, long string
	}{
		{"answer repeated", basic, basic + " " + basic},
		{"answer padded with filler", basic, basic + strings.Repeat(filler, 6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, l := scoreText(t, a, slug, tt.short), scoreText(t, a, slug, tt.long)
			if l.Level > s.Level || l.Score > s.Score+0.25 {
				t.Errorf("longer answer: level %d score %.2f, shorter: level %d score %.2f; want no gain from length", l.Level, l.Score, s.Level, s.Score)
			}
		})
	}
	short := scoreText(t, a, slug, labelledAnswers[6].text) // two-sentence expert answer
	long := scoreText(t, a, slug, labelledAnswers[1].text)  // long rambling basic answer
	if short.Level <= long.Level {
		t.Errorf("short expert answer level %d, long basic answer level %d, want the expert higher", short.Level, long.Level)
	}
}

func TestScoreExcerptsQuoteMatchesOnly(t *testing.T) {
	t.Parallel()
	a := generate(t, "excerpt")
	for i, la := range labelledAnswers {
		c := scoreText(t, a, la.slug, la.text)
		ev := c.Evidence[0]
		if ev.Excerpt == "" || len(ev.Excerpt) > len(la.text)/2+len(" … ")*maxPhrases {
			t.Errorf("answer %d: excerpt %q (%d bytes of %d), want a non-empty excerpt of at most half the answer", i, ev.Excerpt, len(ev.Excerpt), len(la.text))
		}
		if len(ev.Matches) == 0 {
			t.Errorf("answer %d: no matches, want the matched phrases", i)
		}
		for _, m := range ev.Matches {
			if !strings.Contains(la.text, m.Phrase) || !m.Level.Valid() || (m.Source != "marker" && m.Source != "descriptor") {
				t.Errorf("answer %d: match %+v, want a phrase of the answer with a level and a source", i, m)
			}
		}
	}
}

// maxPhrases is the most phrases an excerpt quotes.
const maxPhrases = 8
