package competency_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
)

func TestNewLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e, m, s competency.Level
		ok      bool
	}{
		{2, 4, 5, true}, {1, 1, 1, true}, {3, 2, 4, false}, {1, 5, 4, false}, {0, 2, 3, false}, {1, 2, 6, false},
	}
	for _, tc := range tests {
		l, err := competency.NewLevels(tc.e, tc.m, tc.s)
		if (err == nil) != tc.ok || (!tc.ok && !errors.Is(err, competency.ErrInvalidLevels)) {
			t.Errorf("NewLevels(%d,%d,%d) error = %v, want ok %v", tc.e, tc.m, tc.s, err, tc.ok)
			continue
		}
		if tc.ok && (l.At(competency.TierEntry) != tc.e || l.At(competency.TierMid) != tc.m || l.At(competency.TierSenior) != tc.s) {
			t.Errorf("NewLevels(%d,%d,%d) = %v", tc.e, tc.m, tc.s, l)
		}
	}
	l, _ := competency.NewLevels(2, 4, 5)
	b, _ := json.Marshal(l)
	if got, want := string(b), `{"entry":2,"mid":4,"senior":5}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var back competency.Levels
	if err := json.Unmarshal(b, &back); err != nil || back != l {
		t.Errorf("Unmarshal = %v, %v; want %v", back, err, l)
	}
	if err := json.Unmarshal([]byte(`{"entry":4,"mid":2,"senior":5}`), &back); !errors.Is(err, competency.ErrInvalidLevels) {
		t.Errorf("Unmarshal(decreasing) error = %v, want ErrInvalidLevels", err)
	}
	if _, err := l.With(competency.TierMid, competency.Basic); !errors.Is(err, competency.ErrInvalidLevels) {
		t.Errorf("With(mid, 1) error = %v, want ErrInvalidLevels", err)
	}
}

// validCompetency returns a competency that passes Validate.
func validCompetency(slug string) competency.Competency {
	c := competency.Competency{
		Slug: slug, Name: "Name " + slug, Category: competency.Technical, Description: "d",
		Keywords: []string{"k"}, Actions: map[competency.Level][]competency.Action{},
	}
	for i := range c.Descriptors {
		c.Descriptors[i] = fmt.Sprintf("does level %d things", i+1)
	}
	for _, l := range competency.AllLevels() {
		c.Actions[l] = []competency.Action{{Kind: competency.Course, Title: "t"}}
	}
	return c
}

func TestCompetencyValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c *competency.Competency)
		ok   bool
	}{
		{"valid", func(*competency.Competency) {}, true},
		{"bad slug", func(c *competency.Competency) { c.Slug = "Bad Slug" }, false},
		{"no name", func(c *competency.Competency) { c.Name = " " }, false},
		{"no category", func(c *competency.Competency) { c.Category = 0 }, false},
		{"empty descriptor", func(c *competency.Competency) { c.Descriptors[4] = "" }, false},
		{"repeated descriptor", func(c *competency.Competency) { c.Descriptors[1] = c.Descriptors[0] }, false},
		{"no keywords", func(c *competency.Competency) { c.Keywords = nil }, false},
		{"missing level actions", func(c *competency.Competency) { delete(c.Actions, competency.Expert) }, false},
		{"action without kind", func(c *competency.Competency) { c.Actions[competency.Basic] = []competency.Action{{Title: "t"}} }, false},
	}
	for _, tc := range tests {
		c := validCompetency("x")
		tc.edit(&c)
		err := c.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

func TestRoleFramework(t *testing.T) {
	t.Parallel()
	lv := func(e, m, s competency.Level) competency.Levels {
		l, err := competency.NewLevels(e, m, s)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	f := competency.RoleFramework{
		Role: competency.Role{Slug: "r", Title: "R"},
		Entries: []competency.Entry{
			{Competency: validCompetency("a"), Group: competency.Primary, Levels: lv(1, 2, 3)},
			{Competency: validCompetency("b"), Group: competency.Supporting, Levels: lv(2, 3, 5),
				Adjustments: []competency.Adjustment{{Tier: competency.TierSenior, From: 4, To: 5, Reason: "regulated"}}},
			{Competency: validCompetency("c"), Group: competency.Primary, Levels: lv(1, 1, 2)},
		},
	}
	if err := f.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if got := len(f.Primary()); got != 2 {
		t.Errorf("len(Primary()) = %d, want 2", got)
	}
	if got := len(f.Supporting()); got != 1 {
		t.Errorf("len(Supporting()) = %d, want 1", got)
	}
	if got := f.Required("b", competency.TierSenior); got != competency.Expert {
		t.Errorf("Required(b, senior) = %v, want Expert", got)
	}
	bad := []struct {
		name string
		edit func(f *competency.RoleFramework)
	}{
		{"duplicate", func(f *competency.RoleFramework) { f.Entries[2].Competency.Slug = "a" }},
		{"no reason", func(f *competency.RoleFramework) { f.Entries[1].Adjustments[0].Reason = "" }},
		{"adjustment disagrees", func(f *competency.RoleFramework) {
			f.Entries[1].Adjustments[0].To = 4
			f.Entries[1].Adjustments[0].From = 3
		}},
		{"no group", func(f *competency.RoleFramework) { f.Entries[0].Group = 0 }},
		{"no levels", func(f *competency.RoleFramework) { f.Entries[0].Levels = competency.Levels{} }},
	}
	for _, tc := range bad {
		g := f
		g.Entries = make([]competency.Entry, len(f.Entries))
		copy(g.Entries, f.Entries)
		g.Entries[1].Adjustments = append([]competency.Adjustment(nil), f.Entries[1].Adjustments...)
		tc.edit(&g)
		if err := g.Validate(); !errors.Is(err, competency.ErrInvalidFramework) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidFramework", tc.name, err)
		}
	}
}
