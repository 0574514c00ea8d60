package catalog

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
)

// Bounds on a scenario's options. Four or five options keep an item quick to
// answer while leaving room for a spread of keys.
const (
	MinScenarioOptions = 4
	MaxScenarioOptions = 5
)

// Scenario and ScenarioOption are the competency package's: the catalog
// authors them, an assessment asks them (see competency.Scenario).
type (
	Scenario       = competency.Scenario
	ScenarioOption = competency.ScenarioOption
)

// fileScenarios is one data/scenarios/<category>.json file.
type fileScenarios struct {
	Source    string                `json:"source"`
	Scenarios map[string][]Scenario `json:"scenarios"`
}

// Scenarios returns a copy of the situational-judgement scenarios written
// for the competency with the given slug, in file order, or nil if there are
// none (or the slug is unknown).
func (c *Catalog) Scenarios(slug string) []Scenario {
	ss := c.scenarios[slug]
	if ss == nil {
		return nil
	}
	out := make([]Scenario, len(ss))
	for i, s := range ss {
		s.Options = slices.Clone(s.Options)
		out[i] = s
	}
	return out
}

// loadScenarios decodes every scenarios/*.json file of fsys and checks each
// scenario against the catalog's competencies. A missing directory yields no
// scenarios: they are optional data, and whether every competency has enough
// of them is a property of the embedded catalog that its tests check.
func loadScenarios(fsys fs.FS, c *Catalog) (map[string][]Scenario, error) {
	names, err := fs.Glob(fsys, path.Join("scenarios", "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list scenarios: %w", err)
	}
	slices.Sort(names)
	out := map[string][]Scenario{}
	for _, n := range names {
		var f fileScenarios
		if err := decodeFile(fsys, n, &f); err != nil {
			return nil, err
		}
		if strings.TrimSpace(f.Source) == "" {
			return nil, fmt.Errorf("%w: %s has no source", ErrInvalidData, n)
		}
		// Sorted, so that a file with several faults always reports the same
		// one first.
		for _, slug := range slices.Sorted(maps.Keys(f.Scenarios)) {
			ss := f.Scenarios[slug]
			if _, ok := c.compIndex[slug]; !ok {
				return nil, fmt.Errorf("%w: %s: scenarios for undefined competency %q", ErrInvalidData, n, slug)
			}
			if _, dup := out[slug]; dup {
				return nil, fmt.Errorf("%w: %s: scenarios for %q defined twice", ErrInvalidData, n, slug)
			}
			if err := validateScenarios(slug, ss); err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrInvalidData, n, err)
			}
			out[slug] = ss
		}
	}
	return out, nil
}

// validateScenarios checks the structural rules of a competency's scenarios:
// ids "<slug>-1", "<slug>-2", ... in order, a situation and a question, and
// MinScenarioOptions to MaxScenarioOptions options with text, a rationale and
// a key in 1–5, at least one of them keyed 4 or more and one 2 or less, so
// that every item separates good judgement from poor.
func validateScenarios(slug string, ss []Scenario) error {
	if len(ss) == 0 {
		return fmt.Errorf("competency %q has an empty scenario list", slug)
	}
	for i, s := range ss {
		if want := slug + "-" + strconv.Itoa(i+1); s.ID != want {
			return fmt.Errorf("scenario %d of %q has id %q, want %q", i+1, slug, s.ID, want)
		}
		if strings.TrimSpace(s.Situation) == "" || strings.TrimSpace(s.Question) == "" {
			return fmt.Errorf("scenario %q lacks a situation or a question", s.ID)
		}
		if n := len(s.Options); n < MinScenarioOptions || n > MaxScenarioOptions {
			return fmt.Errorf("scenario %q has %d options, want %d to %d", s.ID, n, MinScenarioOptions, MaxScenarioOptions)
		}
		var high, low bool
		for j, o := range s.Options {
			if !o.Effectiveness.Valid() {
				return fmt.Errorf("scenario %q option %d has effectiveness %d, want 1 to 5", s.ID, j+1, o.Effectiveness)
			}
			if strings.TrimSpace(o.Text) == "" || strings.TrimSpace(o.Rationale) == "" {
				return fmt.Errorf("scenario %q option %d lacks text or a rationale", s.ID, j+1)
			}
			high = high || o.Effectiveness >= competency.Advanced
			low = low || o.Effectiveness <= competency.Developing
		}
		if !high || !low {
			return fmt.Errorf("scenario %q needs an option keyed 4 or 5 and one keyed 1 or 2", s.ID)
		}
	}
	return nil
}
