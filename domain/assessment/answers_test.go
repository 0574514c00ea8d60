package assessment_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/analytics"
	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
)

// corpusPath is the labelled open-text answer corpus (issue 15): answers
// written by people other than the scorer's authors, labelled by the
// behaviour they evidence, and split once into a "tune" and a "test" half.
var corpusPath = filepath.Join("testdata", "answers", "answers.json")

// corpusCompetencies are the catalog competencies the corpus must cover:
// the eight of the reference DevOps framework and four of management.
var corpusCompetencies = []string{
	"cloud-infrastructure-management", "ci-cd", "collaboration-communication", "problem-solving",
	"security-best-practices", "automation-scripting", "monitoring-performance-tuning", "agile-methodologies",
	"team-leadership", "people-development", "performance-management", "decision-making",
}

// Bounds on the corpus, from the issue: enough answers to measure a scorer,
// enough voices that it cannot learn one author's style, and answer length
// that does not give the level away.
const (
	minCorpusAnswers = 220
	minCorpusVoices  = 5
	minLengthRho     = -0.3
	maxLengthRho     = 0.5
)

// valuePrefix marks an answer about a company value rather than a catalog
// competency: "value:" and the value's name.
const valuePrefix = "value:"

// The two halves of the corpus. A scorer is tuned on tuneHalf only and
// reported on testHalf only; the split never changes.
const (
	tuneHalf = "tune"
	testHalf = "test"
)

// corpus is the file's shape.
type corpus struct {
	Source  string           `json:"source"`
	Values  []library.Value  `json:"values"`
	Answers []labelledAnswer `json:"answers"`
}

// labelledAnswer is one answer of the corpus: Competency is a catalog slug
// or valuePrefix and a value's name, Author the id of the writing voice.
type labelledAnswer struct {
	ID         string `json:"id"`
	Competency string `json:"competency"`
	Level      int    `json:"level"`
	Author     string `json:"author"`
	Half       string `json:"half"`
	Text       string `json:"text"`
}

// loadCorpus reads and decodes the corpus, rejecting unknown fields so that
// a misspelt key is not silently dropped.
func loadCorpus(t testing.TB) corpus {
	t.Helper()
	f, err := os.Open(corpusPath)
	if err != nil {
		t.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	var c corpus
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("decode %s: %v", corpusPath, err)
	}
	return c
}

func TestLabelledCorpusIsWellFormed(t *testing.T) {
	t.Parallel()
	c := loadCorpus(t)
	cat := catalog.Default()
	if strings.TrimSpace(c.Source) == "" {
		t.Error("corpus has no source")
	}
	values := map[string]bool{}
	for _, v := range c.Values {
		if strings.TrimSpace(v.Name) == "" || strings.TrimSpace(v.Description) == "" {
			t.Errorf("value %q: want a name and a description", v.Name)
		}
		values[v.Name] = true
	}
	if len(values) != len(c.Values) {
		t.Errorf("got %d distinct value names of %d values, want no repeats", len(values), len(c.Values))
	}

	ids := map[string]bool{}
	voices := map[string]int{}
	type cell struct {
		competency string
		level      int
		half       string
	}
	cells := map[cell]int{}
	var lengths, levels []float64
	for _, a := range c.Answers {
		if a.ID == "" || ids[a.ID] {
			t.Errorf("answer id %q: want a non-empty id used once", a.ID)
		}
		ids[a.ID] = true
		if name, ok := strings.CutPrefix(a.Competency, valuePrefix); ok {
			if !values[name] {
				t.Errorf("%s: value %q is not declared in the corpus's values", a.ID, name)
			}
		} else if _, ok := cat.Competency(a.Competency); !ok {
			t.Errorf("%s: competency %q is not in the catalog", a.ID, a.Competency)
		}
		if !competency.Level(a.Level).Valid() {
			t.Errorf("%s: level %d, want 1 to 5", a.ID, a.Level)
		}
		if a.Half != tuneHalf && a.Half != testHalf {
			t.Errorf("%s: half %q, want %q or %q", a.ID, a.Half, tuneHalf, testHalf)
		}
		if a.Author == "" {
			t.Errorf("%s: no author", a.ID)
		}
		if strings.TrimSpace(a.Text) == "" {
			t.Errorf("%s: no text", a.ID)
		}
		voices[a.Author]++
		cells[cell{a.Competency, a.Level, a.Half}]++
		lengths = append(lengths, float64(len(strings.Fields(a.Text))))
		levels = append(levels, float64(a.Level))
	}

	if n := len(c.Answers); n < minCorpusAnswers {
		t.Errorf("got %d answers, want at least %d", n, minCorpusAnswers)
	}
	if n := len(voices); n < minCorpusVoices {
		t.Errorf("got %d voices, want at least %d", n, minCorpusVoices)
	}

	// Every competency and every declared value has answers at every level
	// in both halves, so that each half can measure the whole scale.
	subjects := slices.Clone(corpusCompetencies)
	for _, v := range c.Values {
		subjects = append(subjects, valuePrefix+v.Name)
	}
	for _, s := range subjects {
		for l := 1; l <= 5; l++ {
			for _, h := range []string{tuneHalf, testHalf} {
				if cells[cell{s, l, h}] == 0 {
					t.Errorf("%s level %d has no answer in the %s half", s, l, h)
				}
			}
		}
	}

	// Level must not be readable from length: short expert answers and
	// long basic ones are in the corpus on purpose.
	rho := analytics.Spearman(lengths, levels)
	t.Logf("length (words) vs level Spearman rho = %.3f over %d answers", rho, len(lengths))
	if rho < minLengthRho || rho > maxLengthRho {
		t.Errorf("length vs level Spearman rho = %.3f, want within [%.1f, %.1f]", rho, minLengthRho, maxLengthRho)
	}
}

// Targets and reached figures of the scorer on the test half of the corpus
// (Spearman rho between the label and the level). The scorer was tuned on
// the tune half only; the test half was measured four times, never per
// answer: once after the first version (open text 0.537, fused 0.672); once
// after further tuning on the tune half alone (open text 0.603, fused 0.757;
// the tune half then gave 0.790 and 0.859, so the rules fit the tune half
// better than they generalise); and once after a round kept only where it
// held up in two-fold cross-validation by author inside the tune half (open
// text 0.618, fused 0.765; the tune half then gave 0.808 and 0.875). A
// fourth round (2026-12-08) was tuned on the tune half alone, its residuals
// printed by TestTuneHalfResiduals with the rho of each author, and each
// rule kept only where it raised the tune half's rho (possessives state a
// reach, the rubric's words count only in the sentences that tell what the
// writer did, a backed wide reach escapes the partial cap, duties told
// without a subject are actions; "whole" alone is no reach, which cost one
// author's answers 0.85 → 0.72 in rho); the test half was then measured
// once: open text 0.650, fused 0.769 (tune half 0.835 and 0.898).
const (
	textRhoTarget  = 0.8
	fusedRhoTarget = 0.85
	// textRhoFloor and fusedRhoFloor are the last test-half figures less a
	// margin of about 0.02. Both are BELOW the targets: the behavioural
	// scorer does not yet meet issue 15's bar on unseen answers.
	textRhoFloor  = 0.63
	fusedRhoFloor = 0.75
)

// corpusRho scores every answer of a half of the corpus: the open-text
// level alone, and the fused level with honest clicks (a self-rating equal
// to the label, and in every scenario the option whose effectiveness is
// closest to the label). It returns the Spearman rho of each with the label.
func corpusRho(t *testing.T, half string) (text, fused float64, n int) {
	t.Helper()
	c := loadCorpus(t)
	a, slugOf := corpusAssessment(t, c)
	var label, gotText, gotFused []float64
	for _, ans := range c.Answers {
		if ans.Half != half {
			continue
		}
		slug := slugOf[ans.Competency]
		res := scoreText(t, a, slug, ans.Text)
		fc := scoreHonestly(t, a, slug, ans)
		label = append(label, float64(ans.Level))
		gotText = append(gotText, float64(res.Evidence[0].MatchedLevel))
		gotFused = append(gotFused, float64(fc.Level))
	}
	return analytics.Spearman(label, gotText), analytics.Spearman(label, gotFused), len(label)
}

// scoreHonestly scores the answer with honest clicks: a self-rating equal to
// its label and, in every scenario of the competency, the option whose
// effectiveness is closest to the label.
func scoreHonestly(t *testing.T, a assessment.Assessment, slug string, ans labelledAnswer) assessment.CompetencyResult {
	t.Helper()
	rs := answers(t, a, slug, ans.Level, 0, ptr(ans.Text))
	for _, it := range a.Items {
		if it.CompetencySlug == slug && it.Kind == assessment.Scenario {
			rs = append(rs, assessment.Response{ItemID: it.ID, OptionID: ptr(closestEffectiveness(a, it, ans.Level))})
		}
	}
	full, err := assessment.Score(a, rs)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	fc, _ := full.Competency(slug)
	return fc
}

// closestEffectiveness returns the option of a scenario item whose keyed
// effectiveness is closest to level (the lower on a tie): the honest click
// of someone at that level.
func closestEffectiveness(a assessment.Assessment, it assessment.Item, level int) string {
	id, dist, eff := "", 99, 0
	for _, o := range it.Options {
		e := int(a.Key.Levels[o.ID])
		d := e - level
		if d < 0 {
			d = -d
		}
		if d < dist || (d == dist && e < eff) {
			id, dist, eff = o.ID, d, e
		}
	}
	return id
}

// TestLabelledCorpusScorer measures the scorer on the corpus. The tune half
// is what the scorer was tuned on and is only logged; the test half is the
// result, asserted against the floor reached when it was measured once.
func TestLabelledCorpusScorer(t *testing.T) {
	t.Parallel()
	tt, tf, tn := corpusRho(t, tuneHalf)
	t.Logf("tune half (tuned on, not a result): open text rho %.3f, fused rho %.3f over %d answers", tt, tf, tn)
	xt, xf, xn := corpusRho(t, testHalf)
	t.Logf("test half: open text rho %.3f (target %.2f), fused with honest clicks rho %.3f (target %.2f) over %d answers", xt, textRhoTarget, xf, fusedRhoTarget, xn)
	if xt < textRhoFloor {
		t.Errorf("test half open-text rho = %.3f, want >= %.2f", xt, textRhoFloor)
	}
	if xf < fusedRhoFloor {
		t.Errorf("test half fused rho = %.3f, want >= %.2f", xf, fusedRhoFloor)
	}
}

// perOf returns the accumulator of the key, creating it on first use.
func perOf[T any](m map[string]*T, key string) *T {
	if m[key] == nil {
		m[key] = new(T)
	}
	return m[key]
}

// corpusAssessment generates one assessment holding an open-text item for
// every competency and value of the corpus, and maps each answer's
// competency field to the slug it is scored under.
func corpusAssessment(t *testing.T, c corpus) (assessment.Assessment, map[string]string) {
	t.Helper()
	cat := catalog.Default()
	lib, err := library.Build(library.Inputs{Values: c.Values})
	if err != nil {
		t.Fatalf("build library of the corpus's values: %v", err)
	}
	lv, err := competency.NewLevels(2, 3, 4)
	if err != nil {
		t.Fatalf("levels: %v", err)
	}
	f := competency.RoleFramework{Role: competency.Role{Slug: "labelled-corpus", Title: "Labelled corpus"}}
	slugOf := map[string]string{}
	add := func(key string, def competency.Competency) {
		f.Entries = append(f.Entries, competency.Entry{Competency: def, Group: competency.Supporting, Levels: lv})
		slugOf[key] = def.Slug
	}
	for _, s := range corpusCompetencies {
		def, ok := cat.Competency(s)
		if !ok {
			t.Fatalf("catalog has no %q", s)
		}
		add(s, def)
	}
	for _, v := range c.Values {
		lc, ok := lib.Competency(library.ValueSlug(v.Name))
		if !ok {
			t.Fatalf("library has no competency for value %q", v.Name)
		}
		add(valuePrefix+v.Name, lc.Definition())
	}
	if err := f.Validate(); err != nil {
		t.Fatalf("corpus framework: %v", err)
	}
	a, err := assessment.Generate(f, competency.TierMid, "labelled-corpus")
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	for _, ans := range c.Answers {
		if _, ok := slugOf[ans.Competency]; !ok {
			t.Fatalf("%s: %s is not a competency of the corpus framework", ans.ID, ans.Competency)
		}
	}
	return a, slugOf
}
