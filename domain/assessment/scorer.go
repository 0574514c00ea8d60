package assessment

import (
	"fmt"
	"math"

	"github.com/cadrehq/cadre/domain/competency"
)

// Scorer scores the responses to an assessment. The built-in LexicalScorer
// is the default; a hosted model can implement Scorer later and be swapped in
// by the assessment scorer worker.
type Scorer interface {
	Score(a Assessment, responses []Response) (Result, error)
}

// LexicalScorer is the built-in Scorer: explainable lexical and behavioural
// scoring (see the package documentation). Build one with NewScorer; its
// settings never change and it is safe for concurrent use. It remembers the
// rubrics it has prepared, which changes its speed, never its results.
type LexicalScorer struct {
	weights         [3]float64 // by Kind-1
	copyBack        float64
	stuffingDensity float64
	rubrics         *rubricCache
}

// ScorerOption configures a LexicalScorer.
type ScorerOption func(*LexicalScorer)

// Default weights and thresholds of NewScorer.
const (
	// DefaultSelfRatingWeight is low: self-reports inflate.
	DefaultSelfRatingWeight = 1.0
	// DefaultScenarioWeight is medium.
	DefaultScenarioWeight = 2.0
	// DefaultOpenTextWeight is the weight of a substantive open-text answer;
	// a thin one weighs down to 30 % of it, a flagged one keeps it all so that
	// gaming the text pulls the score down rather than out of the mean.
	DefaultOpenTextWeight = 3.0
	// DefaultCopyBackThreshold is the share of 3-grams an answer may share
	// with the rubric (or of a descriptor's 3-grams it may repeat) before it
	// is flagged as copy-back.
	DefaultCopyBackThreshold = 0.5
	// DefaultStuffingDensity is the share of an answer's content words that
	// are competency or marker keywords above which an answer without
	// sentence structure (few function words, or many repeats) is flagged as
	// keyword stuffing.
	DefaultStuffingDensity = 0.5
)

// WithWeights sets the weights of the three item kinds (each must be > 0;
// others are ignored). Defaults: DefaultSelfRatingWeight,
// DefaultScenarioWeight, DefaultOpenTextWeight.
func WithWeights(selfRating, scenario, openText float64) ScorerOption {
	return func(s *LexicalScorer) {
		for i, w := range [3]float64{selfRating, scenario, openText} {
			if w > 0 {
				s.weights[i] = w
			}
		}
	}
}

// WithCopyBackThreshold sets the copy-back threshold, a share in (0, 1];
// other values are ignored. Default DefaultCopyBackThreshold.
func WithCopyBackThreshold(share float64) ScorerOption {
	return func(s *LexicalScorer) {
		if share > 0 && share <= 1 {
			s.copyBack = share
		}
	}
}

// WithStuffingDensity sets the keyword density above which an unstructured
// answer counts as stuffing, a share in (0, 1]; other values are ignored.
// Default DefaultStuffingDensity.
func WithStuffingDensity(share float64) ScorerOption {
	return func(s *LexicalScorer) {
		if share > 0 && share <= 1 {
			s.stuffingDensity = share
		}
	}
}

// NewScorer returns a LexicalScorer with the defaults, changed by opts.
func NewScorer(opts ...ScorerOption) *LexicalScorer {
	s := &LexicalScorer{
		weights:         [3]float64{DefaultSelfRatingWeight, DefaultScenarioWeight, DefaultOpenTextWeight},
		copyBack:        DefaultCopyBackThreshold,
		stuffingDensity: DefaultStuffingDensity,
		rubrics:         &rubricCache{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// DefaultScorer is the LexicalScorer with default settings that Score uses.
var DefaultScorer = NewScorer()

// Score scores the responses with DefaultScorer.
func Score(a Assessment, responses []Response) (Result, error) {
	return DefaultScorer.Score(a, responses)
}

// Score validates the responses (see ValidateAll; unanswered items are
// allowed and count as missing evidence) and scores every competency of the
// assessment.
func (s *LexicalScorer) Score(a Assessment, responses []Response) (Result, error) {
	byItem, err := a.index(responses)
	if err != nil {
		return Result{}, fmt.Errorf("score assessment: %w", err)
	}
	rubrics := make(map[string]Rubric, len(a.Key.Rubrics))
	for _, r := range a.Key.Rubrics {
		rubrics[r.Slug] = r
	}
	res := Result{Competencies: make([]CompetencyResult, 0, len(a.Key.Rubrics))}
	var cur *CompetencyResult
	var items []scoredItem
	var model *rubricModel
	finish := func() {
		if cur != nil {
			s.combine(cur, items)
			res.Competencies = append(res.Competencies, *cur)
		}
	}
	for _, it := range a.Items {
		if cur == nil || cur.CompetencySlug != it.CompetencySlug {
			finish()
			r, ok := rubrics[it.CompetencySlug]
			if !ok {
				return Result{}, fmt.Errorf("score assessment: no rubric for %q", it.CompetencySlug)
			}
			cur = &CompetencyResult{CompetencySlug: it.CompetencySlug, RequiredLevel: r.Required}
			items = items[:0]
			model = s.rubrics.model(r)
		}
		resp, ok := byItem[it.ID]
		if !ok {
			continue
		}
		si, err := s.scoreItem(a, it, resp, rubrics[it.CompetencySlug], model)
		if err != nil {
			return Result{}, fmt.Errorf("score assessment: %w", err)
		}
		items = append(items, si)
	}
	finish()
	return res, nil
}

// scoredItem is one answered item before combination.
type scoredItem struct {
	ev      Evidence
	base    float64 // the kind's configured weight
	quality float64 // for open text; -1 for other kinds
}

// scoreItem scores one answered item.
func (s *LexicalScorer) scoreItem(a Assessment, it Item, r Response, rb Rubric, m *rubricModel) (scoredItem, error) {
	base := s.weights[it.Kind-1]
	ev := Evidence{ItemID: it.ID, Kind: it.Kind}
	switch it.Kind {
	case SelfRating:
		ev.ItemScore, ev.Weight = float64(*r.Rating), base
		ev.MatchedLevel = competency.Level(*r.Rating)
		ev.Excerpt = rb.Descriptors[*r.Rating-1]
	case Scenario:
		l, ok := a.Key.Levels[*r.OptionID]
		if !ok || !l.Valid() {
			return scoredItem{}, fmt.Errorf("no level for option %q of item %q", *r.OptionID, it.ID)
		}
		ev.ItemScore, ev.Weight, ev.MatchedLevel = float64(l), base, l
		for _, o := range it.Options {
			if o.ID == *r.OptionID {
				ev.Excerpt = o.Text
			}
		}
	case OpenText:
		ts := s.scoreText(m, *r.Text)
		ev.ItemScore, ev.Matches, ev.Excerpt, ev.Flags = ts.score, ts.matches, ts.excerpt, ts.flags
		if ts.score > 0 {
			ev.MatchedLevel = roundLevel(ts.score)
		}
		ev.Weight = base * (0.3 + 0.7*ts.quality)
		if hasFlag(ts.flags, FlagKeywordStuffing) || hasFlag(ts.flags, FlagCopyBack) {
			ev.Weight = base
		}
		return scoredItem{ev: ev, base: base, quality: ts.quality}, nil
	}
	return scoredItem{ev: ev, base: base, quality: -1}, nil
}

// combine fills in the score, level, gap, confidence and evidence of c from
// its answered items.
func (s *LexicalScorer) combine(c *CompetencyResult, items []scoredItem) {
	var wsum, total, answered float64
	for _, it := range items {
		wsum += it.ev.Weight
		total += it.ev.Weight * it.ev.ItemScore
		answered += it.base
	}
	c.Evidence = make([]Evidence, len(items))
	if wsum > 0 {
		c.Score = round2(total / wsum)
	}
	c.Level = roundLevel(c.Score)
	if c.RequiredLevel > c.Level {
		c.Gap = int(c.RequiredLevel - c.Level)
	}
	var variance float64
	quality, flagged := 0.7, false
	for i, it := range items {
		ev := it.ev
		ev.Contribution = round2(ev.Weight * ev.ItemScore / wsum)
		ev.Weight = round2(ev.Weight)
		ev.ItemScore = round2(ev.ItemScore)
		c.Evidence[i] = ev
		d := it.ev.ItemScore - total/wsum
		variance += it.ev.Weight * d * d / wsum
		if it.quality >= 0 {
			quality = 0.3 + 0.7*it.quality
		}
		for _, f := range ev.Flags {
			if !hasFlag(c.Flags, f) {
				c.Flags = append(c.Flags, f)
			}
			flagged = flagged || f == FlagKeywordStuffing || f == FlagCopyBack
		}
	}
	if len(items) == 0 {
		return
	}
	coverage := answered / (s.weights[0] + s.weights[1] + s.weights[2])
	agreement := 0.6
	if len(items) > 1 {
		agreement = math.Max(0, 1-math.Sqrt(variance)/2)
	}
	conf := coverage * (0.4 + 0.6*agreement) * quality
	if flagged {
		conf *= 0.5
	}
	c.Confidence = round2(conf)
}

// roundLevel rounds a score to the nearest level, at least Basic.
func roundLevel(score float64) competency.Level {
	l := int(math.Round(score))
	return competency.Level(min(5, max(1, l)))
}

// round2 rounds to two decimals, so results read cleanly and compare stably.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// hasFlag reports whether fs holds f.
func hasFlag(fs []Flag, f Flag) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}
