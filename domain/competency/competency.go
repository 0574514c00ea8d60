package competency

import (
	"fmt"
	"strings"
)

// Competency is a named, observable capability with five proficiency levels.
// Descriptors[0] describes level 1 (Basic) and Descriptors[4] level 5
// (Expert); each says what a person at that level actually does. Keywords and
// Aliases recognise the competency in company text. Actions holds development
// actions that help someone reach each level, Scenarios the situational
// judgement items that assess it.
//
// Competency is a plain value; call Validate before trusting one built from
// outside data.
type Competency struct {
	Slug        string             `json:"slug"`
	Name        string             `json:"name"`
	Category    Category           `json:"category"`
	Description string             `json:"description"`
	Descriptors [5]string          `json:"descriptors"`
	Keywords    []string           `json:"keywords"`
	Aliases     []string           `json:"aliases"`
	Actions     map[Level][]Action `json:"actions"`
	// Industries are the industries the competency belongs to; none means it
	// is useful in any industry. A library builder asks more evidence of a
	// competency tagged only for other industries than the company's.
	Industries []Industry `json:"industries,omitempty"`
	// Scenarios are the situational judgement items an assessment asks about
	// the competency; a competency without them (one built from a company
	// value, a custom one) gets scenarios from its description. They carry
	// the answer key, so they are never marshalled with the competency (not
	// into a stored library, not into an API answer): the assessment that
	// uses them keeps its key apart.
	Scenarios []Scenario `json:"-"`
}

// Descriptor returns the behaviour descriptor of level l ("" for an invalid
// level).
func (c Competency) Descriptor(l Level) string {
	if !l.Valid() {
		return ""
	}
	return c.Descriptors[l-1]
}

// ActionsFor returns the development actions for reaching level l.
func (c Competency) ActionsFor(l Level) []Action { return c.Actions[l] }

// Validate checks that c has a slug, a name, a category, a description, five
// distinct non-empty descriptors, at least one keyword, no empty keyword or
// alias, and at least one valid development action for every level.
func (c Competency) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %q: %s", ErrInvalidCompetency, c.Slug, fmt.Sprintf(format, args...))
	}
	if err := checkSlug(c.Slug); err != nil {
		return fail("%v", err)
	}
	if strings.TrimSpace(c.Name) == "" {
		return fail("no name")
	}
	if !c.Category.Valid() {
		return fail("no category")
	}
	if strings.TrimSpace(c.Description) == "" {
		return fail("no description")
	}
	seen := make(map[string]int, len(c.Descriptors))
	for i, d := range c.Descriptors {
		if strings.TrimSpace(d) == "" {
			return fail("level %d has no descriptor", i+1)
		}
		if j, dup := seen[d]; dup {
			return fail("levels %d and %d share a descriptor", j+1, i+1)
		}
		seen[d] = i
	}
	if len(c.Keywords) == 0 {
		return fail("no keywords")
	}
	for _, k := range c.Keywords {
		if strings.TrimSpace(k) == "" {
			return fail("empty keyword")
		}
	}
	for _, a := range c.Aliases {
		if strings.TrimSpace(a) == "" {
			return fail("empty alias")
		}
	}
	for l := range c.Actions {
		if !l.Valid() {
			return fail("actions for %v", l)
		}
	}
	for _, l := range AllLevels() {
		as := c.Actions[l]
		if len(as) == 0 {
			return fail("no development action for level %d", l)
		}
		for _, a := range as {
			if err := a.Validate(); err != nil {
				return fail("level %d: %v", l, err)
			}
		}
	}
	return nil
}
