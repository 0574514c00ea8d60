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

func TestGenerateBuildsThreeItemsPerCompetency(t *testing.T) {
	t.Parallel()
	f := framework(t)
	a := generate(t, "seed-1")
	if got, want := len(a.Items), 3*len(f.Entries); got != want {
		t.Fatalf("got %d items, want %d", got, want)
	}
	ids := map[string]bool{}
	for i, e := range f.Entries {
		kinds := []assessment.Kind{assessment.SelfRating, assessment.Scenario, assessment.OpenText}
		for j, k := range kinds {
			it := a.Items[3*i+j]
			if it.CompetencySlug != e.Competency.Slug || it.Kind != k {
				t.Errorf("item %d = %s/%s, want %s/%s", 3*i+j, it.CompetencySlug, it.Kind, e.Competency.Slug, k)
			}
			if want := e.Levels.At(competency.TierMid); it.RequiredLevel != want {
				t.Errorf("%s %s required level = %d, want %d", it.CompetencySlug, it.Kind, it.RequiredLevel, want)
			}
			if ids[it.ID] || len(it.ID) != 12 {
				t.Errorf("item id %q duplicated or not 12 characters", it.ID)
			}
			ids[it.ID] = true
		}
		self, scen, open := a.Items[3*i], a.Items[3*i+1], a.Items[3*i+2]
		for l, o := range self.Options {
			if o.ID != strconv.Itoa(l+1) || o.Text != e.Competency.Descriptors[l] {
				t.Errorf("%s self-rating option %d = %+v, want id %d and the level descriptor", e.Competency.Slug, l, o, l+1)
			}
		}
		if len(scen.Options) != 5 {
			t.Errorf("%s scenario has %d options, want 5", e.Competency.Slug, len(scen.Options))
		}
		levels := map[competency.Level]bool{}
		for _, o := range scen.Options {
			l, ok := a.Key.Levels[o.ID]
			if !ok || !strings.HasPrefix(o.Text, "I would ") {
				t.Errorf("%s scenario option %+v: in key %v, want a keyed first-person option", e.Competency.Slug, o, ok)
			}
			levels[l] = true
		}
		if len(levels) != 5 {
			t.Errorf("%s scenario options map to %d distinct levels, want 5", e.Competency.Slug, len(levels))
		}
		if !strings.HasPrefix(open.Prompt, "Describe a recent situation where you") || open.Options != nil {
			t.Errorf("%s open-text item = %+v, want a behavioural prompt without options", e.Competency.Slug, open)
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

func TestGenerateScenarioOptionsReadInTheFirstPerson(t *testing.T) {
	t.Parallel()
	a := generate(t, "grammar")
	it := itemOf(t, a, "cloud-infrastructure-management", assessment.Scenario)
	want := "I would manage cloud environments for a single service using infrastructure as code templates, apply routine changes and fix common configuration issues with occasional help."
	for _, o := range it.Options {
		if a.Key.Levels[o.ID] == competency.Developing && o.Text != want {
			t.Errorf("level 2 option = %q, want %q", o.Text, want)
		}
	}
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
