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
	weights         [4]float64 // by Kind-1
	copyBack        float64
	stuffingDensity float64
	rubrics         *rubricCache
}

// ScorerOption configures a LexicalScorer.
type ScorerOption func(*LexicalScorer)

// Default weights and thresholds of NewScorer. The weights say how much a
// source tells about what a person actually does at work; the order follows
// the validity of the methods: a behavioural account with specifics tells
// most, a manager who sees the work next, situational judgement less (it
// shows what someone knows to be effective, not what they have done), and a
// self-rating least (self-reports inflate and are the easiest to game).
const (
	// DefaultSelfRatingWeight is the weight of the self-rating, a claim: low,
	// and the claim counts at most ClaimLift above the evidence.
	DefaultSelfRatingWeight = 0.5
	// DefaultScenarioWeight is the weight of all the scenario items of a
	// competency together (each weighs its share).
	DefaultScenarioWeight = 1.0
	// DefaultOpenTextWeight is the weight of the open-text answer: an answer
	// that gives no account keeps it all, so that a blank or evasive answer
	// pulls the level down rather than dropping out of the mean.
	DefaultOpenTextWeight = 3.0
	// DefaultManagerWeight is the weight of a manager's rating: above a
	// self-rating and a scenario (a manager sees the work), below the
	// account of the work itself, so evidence still counts.
	DefaultManagerWeight = 2.0
	// DefaultCopyBackThreshold is the share of 3-grams an answer may share
	// with the rubric, a prompt or another answer (or of a descriptor's
	// 3-grams it may repeat) before it is flagged as copy-back.
	DefaultCopyBackThreshold = 0.5
	// DefaultStuffingDensity is the share of an answer's content words that
	// are competency or marker keywords above which an answer without
	// sentence structure (few function words, or many repeats) is flagged as
	// keyword stuffing.
	DefaultStuffingDensity = 0.5
)

// WithWeights sets the weights of the three item kinds and of a manager's
// rating (each must be > 0; others are ignored). Defaults:
// DefaultSelfRatingWeight, DefaultScenarioWeight, DefaultOpenTextWeight,
// DefaultManagerWeight.
func WithWeights(selfRating, scenario, openText, manager float64) ScorerOption {
	return func(s *LexicalScorer) {
		for i, w := range [4]float64{selfRating, scenario, openText, manager} {
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
		weights:         [4]float64{DefaultSelfRatingWeight, DefaultScenarioWeight, DefaultOpenTextWeight, DefaultManagerWeight},
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

// ScoreWithReview scores the responses and a manager's review with
// DefaultScorer.
func ScoreWithReview(a Assessment, responses []Response, review Review) (Result, error) {
	return DefaultScorer.ScoreWithReview(a, responses, review)
}

// Score validates the responses (see ValidateAll; unanswered items are
// allowed and count as missing evidence) and scores every competency of the
// assessment.
func (s *LexicalScorer) Score(a Assessment, responses []Response) (Result, error) {
	return s.ScoreWithReview(a, responses, Review{})
}

// ScoreWithReview is Score with a manager's review: every competency the
// review rates fuses the manager's rating with the self-rating and the
// evidence (see fuse), and is marked for calibration when they are far
// apart.
func (s *LexicalScorer) ScoreWithReview(a Assessment, responses []Response, review Review) (Result, error) {
	byItem, err := a.index(responses)
	if err != nil {
		return Result{}, fmt.Errorf("score assessment: %w", err)
	}
	if err := review.check(a); err != nil {
		return Result{}, fmt.Errorf("score assessment: %w", err)
	}
	rubrics := make(map[string]Rubric, len(a.Key.Rubrics))
	for _, r := range a.Key.Rubrics {
		rubrics[r.Slug] = r
	}
	texts := a.analyseAnswers(byItem)
	res := Result{Competencies: make([]CompetencyResult, 0, len(a.Key.Rubrics))}
	for start := 0; start < len(a.Items); {
		slug := a.Items[start].CompetencySlug
		end := start + 1
		for end < len(a.Items) && a.Items[end].CompetencySlug == slug {
			end++
		}
		r, ok := rubrics[slug]
		if !ok {
			return Result{}, fmt.Errorf("score assessment: no rubric for %q", slug)
		}
		c, err := s.scoreCompetency(a, a.Items[start:end], byItem, r, texts, review.Ratings[slug], review.Ratings != nil)
		if err != nil {
			return Result{}, fmt.Errorf("score assessment: %w", err)
		}
		res.Competencies = append(res.Competencies, c)
		start = end
	}
	return res, nil
}

// scoreCompetency scores the items of one competency and fuses them with
// the manager's rating mr (when rated and mr has a level).
func (s *LexicalScorer) scoreCompetency(a Assessment, items []Item, byItem map[string]Response, r Rubric,
	texts *answerSet, mr ManagerRating, rated bool) (CompetencyResult, error) {
	var in fusionInput
	in.weights = s.weights
	model := s.rubrics.model(r)
	var prompts [][]uint64
	for _, it := range items {
		if it.Kind == Scenario || it.Kind == OpenText {
			prompts = append(prompts, promptTrigrams(it.Prompt))
		}
	}
	for _, it := range items {
		resp, ok := byItem[it.ID]
		if !ok {
			continue
		}
		ev := Evidence{ItemID: it.ID, Kind: it.Kind}
		switch it.Kind {
		case SelfRating:
			ev.ItemScore, ev.MatchedLevel = float64(*resp.Rating), competency.Level(*resp.Rating)
			ev.Excerpt = r.Descriptors[*resp.Rating-1]
			in.self = &ev
		case Scenario:
			l, err := scenarioLevel(a, it, *resp.OptionID)
			if err != nil {
				return CompetencyResult{}, err
			}
			ev.ItemScore, ev.MatchedLevel = float64(l), l
			for _, o := range it.Options {
				if o.ID == *resp.OptionID {
					ev.Excerpt = o.Text
				}
			}
			in.scenarios = append(in.scenarios, ev)
		case OpenText:
			ts := s.scoreText(model, texts.get(it.ID), texts.others(it.ID), prompts)
			ev.ItemScore, ev.Matches, ev.Excerpt, ev.Flags, ev.Elements = ts.score, ts.matches, ts.excerpt, ts.flags, ts.elements
			ev.MatchedLevel = roundLevel(ts.score)
			in.text, in.quality = &ev, ts.quality
		}
	}
	if rated && mr.Level.Valid() {
		in.manager = &Evidence{Kind: Manager, ItemScore: float64(mr.Level), MatchedLevel: mr.Level, Excerpt: mr.Comment}
	}
	c := CompetencyResult{CompetencySlug: r.Slug, RequiredLevel: r.Required}
	fuse(&c, in)
	return c, nil
}

// scenarioLevel scores the chosen option of a scenario item by its distance
// to the best option: 5 for the best, one level less for each level of
// effectiveness it falls short, at least 1. Distance rather than the raw
// effectiveness, so a scenario whose best option is keyed 4 still credits
// the person who found it.
func scenarioLevel(a Assessment, it Item, option string) (competency.Level, error) {
	chosen, ok := a.Key.Levels[option]
	if !ok || !chosen.Valid() {
		return 0, fmt.Errorf("no effectiveness for option %q of item %q", option, it.ID)
	}
	var best competency.Level
	for _, o := range it.Options {
		best = max(best, a.Key.Levels[o.ID])
	}
	return competency.Level(max(1, 5-int(best-chosen))), nil
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
