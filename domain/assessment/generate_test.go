package assessment_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
)

func TestGenerateBuildsItemsPerCompetency(t *testing.T) {
	t.Parallel()
	f := framework(t)
	a := generate(t, "seed-1")
	ids := map[string]bool{}
	i := 0
	for _, e := range f.Entries {
		c := e.Competency
		scenarios := assessment.ValueScenarios(c.Name, c.Description)
		kinds := []assessment.Kind{assessment.SelfRating}
		for range scenarios {
			kinds = append(kinds, assessment.Scenario)
		}
		kinds = append(kinds, assessment.OpenText)
		for j, k := range kinds {
			if i+j >= len(a.Items) {
				t.Fatalf("got %d items, want more", len(a.Items))
			}
			it := a.Items[i+j]
			if it.CompetencySlug != c.Slug || it.Kind != k {
				t.Errorf("item %d = %s/%s, want %s/%s", i+j, it.CompetencySlug, it.Kind, c.Slug, k)
			}
			if want := e.Levels.At(competency.TierMid); it.RequiredLevel != want {
				t.Errorf("%s %s required level = %d, want %d", it.CompetencySlug, it.Kind, it.RequiredLevel, want)
			}
			if ids[it.ID] || len(it.ID) != 12 {
				t.Errorf("item id %q duplicated or not 12 characters", it.ID)
			}
			ids[it.ID] = true
		}
		self, open := a.Items[i], a.Items[i+len(kinds)-1]
		for l, o := range self.Options {
			if o.ID != strconv.Itoa(l+1) || o.Text != c.Descriptors[l] {
				t.Errorf("%s self-rating option %d = %+v, want id %d and the level descriptor", c.Slug, l, o, l+1)
			}
		}
		for j, sc := range scenarios {
			it := a.Items[i+1+j]
			if !strings.HasPrefix(it.Prompt, sc.Situation) || len(it.Options) != len(sc.Options) {
				t.Errorf("%s scenario item %d = %+v, want the situation and %d options", c.Slug, j, it, len(sc.Options))
			}
			want := map[string]competency.Level{}
			for _, o := range sc.Options {
				want[o.Text] = o.Effectiveness
			}
			for _, o := range it.Options {
				l, ok := a.Key.Levels[o.ID]
				if !ok || want[o.Text] != l {
					t.Errorf("%s option %q keyed %d (in key %v), want %d", c.Slug, o.Text, l, ok, want[o.Text])
				}
				for _, d := range c.Descriptors {
					if strings.Contains(strings.ToLower(o.Text), strings.ToLower(strings.TrimSuffix(d, "."))) {
						t.Errorf("%s option %q repeats a level descriptor", c.Slug, o.Text)
					}
				}
			}
		}
		if !strings.HasPrefix(open.Prompt, "Describe a recent situation where you") || open.Options != nil {
			t.Errorf("%s open-text item = %+v, want a behavioural prompt without options", c.Slug, open)
		}
		i += len(kinds)
	}
	if i != len(a.Items) {
		t.Errorf("got %d items, want %d", len(a.Items), i)
	}
}

func TestGenerateUsesAuthoredScenarios(t *testing.T) {
	t.Parallel()
	a := devopsAssessment(t, "authored")
	n := 0
	for _, it := range a.Items {
		if it.Kind == assessment.Scenario {
			n++
			if strings.Contains(it.Prompt, "\u201c") {
				t.Errorf("scenario %q looks generated, want the authored one", it.Prompt)
			}
		}
	}
	if n != 2*len(devopsSlugs) {
		t.Errorf("got %d scenario items, want %d (two authored per competency)", n, 2*len(devopsSlugs))
	}
}

func TestValueScenarios(t *testing.T) {
	t.Parallel()
	desc := "We fix the small things we trip over instead of working around them, and we hand our work over in a state the next person can pick up easily."
	got := assessment.ValueScenarios("Leave it better than you found it", desc)
	if !reflect.DeepEqual(got, assessment.ValueScenarios("Leave it better than you found it", desc)) {
		t.Fatalf("ValueScenarios is not deterministic")
	}
	if len(got) != 2 {
		t.Fatalf("got %d scenarios, want 2", len(got))
	}
	third := assessment.ValueScenarios("CI/CD", "Builds and runs the pipelines that test and release software.")
	if want := "you do what it describes (builds and runs the pipelines that test and release software)"; !strings.Contains(third[0].Situation, want) {
		t.Errorf("situation %q, want it to contain %q", third[0].Situation, want)
	}
	for _, sc := range got {
		if !strings.Contains(sc.Situation, "you fix the small things you trip over") {
			t.Errorf("situation %q, want the value's behaviour in the second person", sc.Situation)
		}
		if len(sc.Options) != 4 || sc.Best() != 5 {
			t.Errorf("%s: %d options, best %d, want 4 options, best 5", sc.ID, len(sc.Options), sc.Best())
		}
		levels := map[competency.Level]bool{}
		for _, o := range sc.Options {
			levels[o.Effectiveness] = true
			if o.Rationale == "" {
				t.Errorf("%s option %q has no rationale", sc.ID, o.Text)
			}
		}
		if len(levels) != 4 {
			t.Errorf("%s: options keyed %v, want four distinct effectiveness levels", sc.ID, levels)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := generate(t, "seed-1"), generate(t, "seed-1")
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two assessments from the same seed differ")
	}
	c := generate(t, "seed-2")
	sameIDs, sameOrder := 0, 0
	for i := range a.Items {
		if a.Items[i].ID == c.Items[i].ID {
			sameIDs++
		}
		if a.Items[i].Kind == assessment.Scenario && optionTexts(a.Items[i]) == optionTexts(c.Items[i]) {
			sameOrder++
		}
		if a.Items[i].Kind != assessment.Scenario && !reflect.DeepEqual(optionTexts(a.Items[i]), optionTexts(c.Items[i])) {
			t.Errorf("item %d (%s) options differ across seeds, want the same", i, a.Items[i].Kind)
		}
	}
	if sameIDs != 0 {
		t.Errorf("%d item ids shared across seeds, want 0 (ids depend on the seed)", sameIDs)
	}
	if sameOrder == len(a.Items)/3 {
		t.Errorf("every scenario has the same option order under another seed, want shuffled")
	}
}

func optionTexts(it assessment.Item) string {
	var b strings.Builder
	for _, o := range it.Options {
		b.WriteString(o.Text)
		b.WriteByte('|')
	}
	return b.String()
}

func TestAssessmentJSONHidesKey(t *testing.T) {
	t.Parallel()
	a := generate(t, "json")
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	for _, secret := range []string{"levels", "rubrics", "json\""} {
		if strings.Contains(string(b), secret) {
			t.Errorf("assessment JSON contains %q, want the key hidden", secret)
		}
	}
	var back assessment.Assessment
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	back.Key = a.Key
	if !reflect.DeepEqual(back, a) {
		t.Errorf("assessment does not survive a JSON round trip with its key restored")
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	f := framework(t)
	dup := framework(t)
	dup.Entries = append(dup.Entries, dup.Entries[0])
	blank := framework(t)
	blank.Entries[1].Competency.Descriptors[3] = " "
	tests := []struct {
		name string
		f    competency.RoleFramework
		tier competency.Tier
		seed string
		want error
	}{
		{"zero tier", f, 0, "s", assessment.ErrInvalidTier},
		{"empty seed", f, competency.TierMid, "", assessment.ErrEmptySeed},
		{"no competencies", competency.RoleFramework{Role: f.Role}, competency.TierMid, "s", assessment.ErrEmptyFramework},
		{"duplicate competency", dup, competency.TierMid, "s", assessment.ErrInvalidFramework},
		{"blank descriptor", blank, competency.TierMid, "s", assessment.ErrInvalidFramework},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assessment.Generate(tt.f, tt.tier, tt.seed)
			if !errors.Is(err, tt.want) {
				t.Errorf("Generate error = %v, want %v", err, tt.want)
			}
		})
	}
}
