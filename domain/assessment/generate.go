package assessment

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
)

// Generate builds the assessment of framework f at tier for one taker: for
// every competency, in framework order, a self-rating, one situational
// judgement item per scenario of the competency (scenarios made by
// [ValueScenarios] from its name and description when it has none) and an
// open-text item (see the package documentation).
//
// The seed makes the assessment reproducible: the same framework, tier and
// seed give an identical assessment. Item and option ids and the order of
// scenario options depend on the seed, so two assessments with different
// seeds share no ids (a response meant for one cannot be replayed against
// the other) and present options in another order; the prompts and option
// texts stay the same. Use the assessment's own id as the seed.
//
// Generate checks what it needs of f (each competency has a slug, a name and
// five descriptors, every scenario has a situation and keyed options, a
// level is required at tier, no competency appears twice), not everything
// competency.RoleFramework.Validate checks.
func Generate(f competency.RoleFramework, tier competency.Tier, seed string) (Assessment, error) {
	if !tier.Valid() {
		return Assessment{}, fmt.Errorf("generate assessment: %w: %d", ErrInvalidTier, tier)
	}
	if seed == "" {
		return Assessment{}, fmt.Errorf("generate assessment: %w", ErrEmptySeed)
	}
	if len(f.Entries) == 0 {
		return Assessment{}, fmt.Errorf("generate assessment: %w: %q", ErrEmptyFramework, f.Role.Slug)
	}
	a := Assessment{
		Tier:           tier,
		Items:          make([]Item, 0, 4*len(f.Entries)),
		MaxAnswerChars: DefaultMaxAnswerChars,
		Key: AnswerKey{
			Seed:    seed,
			Levels:  make(map[string]competency.Level, 8*len(f.Entries)),
			Rubrics: make([]Rubric, 0, len(f.Entries)),
		},
	}
	seen := make(map[string]bool, len(f.Entries))
	for _, e := range f.Entries {
		c := e.Competency
		scenarios := c.Scenarios
		if len(scenarios) == 0 {
			scenarios = ValueScenarios(c.Name, c.Description)
		}
		if err := checkEntry(e, tier, scenarios, seen); err != nil {
			return Assessment{}, fmt.Errorf("generate assessment: %w", err)
		}
		req := e.Levels.At(tier)
		a.Items = append(a.Items, selfRatingItem(c, req, seed))
		for _, sc := range scenarios {
			a.Items = append(a.Items, scenarioItem(c.Slug, sc, req, seed, a.Key.Levels))
		}
		a.Items = append(a.Items, openTextItem(c, req, seed))
		a.Key.Rubrics = append(a.Key.Rubrics, Rubric{
			Slug: c.Slug, Name: c.Name, Description: c.Description, Descriptors: c.Descriptors,
			Keywords: c.Keywords, Aliases: c.Aliases, Required: req,
		})
	}
	return a, nil
}

// checkEntry checks that e can be turned into items and records its slug.
func checkEntry(e competency.Entry, tier competency.Tier, scenarios []competency.Scenario, seen map[string]bool) error {
	c := e.Competency
	switch {
	case !competency.ValidSlug(c.Slug):
		return fmt.Errorf("%w: slug %q", ErrInvalidFramework, c.Slug)
	case seen[c.Slug]:
		return fmt.Errorf("%w: %q appears twice", ErrInvalidFramework, c.Slug)
	case strings.TrimSpace(c.Name) == "":
		return fmt.Errorf("%w: %q has no name", ErrInvalidFramework, c.Slug)
	case !e.Levels.At(tier).Valid():
		return fmt.Errorf("%w: %q has no required level at tier %s", ErrInvalidFramework, c.Slug, tier)
	}
	for i, d := range c.Descriptors {
		if strings.TrimSpace(d) == "" {
			return fmt.Errorf("%w: %q has no descriptor for level %d", ErrInvalidFramework, c.Slug, i+1)
		}
	}
	for _, sc := range scenarios {
		if err := checkScenario(sc); err != nil {
			return fmt.Errorf("%w: %q: %w", ErrInvalidFramework, c.Slug, err)
		}
	}
	seen[c.Slug] = true
	return nil
}

// selfRatingItem offers the five descriptors, in level order, with the level
// numbers as option ids (a rating answers it).
func selfRatingItem(c competency.Competency, req competency.Level, seed string) Item {
	opts := make([]Option, 5)
	for i, d := range c.Descriptors {
		opts[i] = Option{ID: strconv.Itoa(i + 1), Text: d}
	}
	return Item{
		ID: itemID(seed, c.Slug, SelfRating), CompetencySlug: c.Slug, Kind: SelfRating,
		Prompt: selfRatingPrompt(c.Name), Options: opts, RequiredLevel: req,
	}
}

// scenarioItem offers the options of one scenario, shuffled by the seed
// under opaque ids, and records each option's effectiveness in levels.
func scenarioItem(slug string, sc competency.Scenario, req competency.Level, seed string, levels map[string]competency.Level) Item {
	opts := make([]Option, len(sc.Options))
	for i, o := range sc.Options {
		id := optionID(seed, slug, sc.ID, i)
		opts[i] = Option{ID: id, Text: o.Text}
		levels[id] = o.Effectiveness
	}
	shuffle(opts, seed, slug, sc.ID)
	return Item{
		ID: scenarioItemID(seed, slug, sc.ID), CompetencySlug: slug, Kind: Scenario,
		Prompt: scenarioPrompt(sc), Options: opts, RequiredLevel: req,
	}
}

// openTextItem asks for a recent situation.
func openTextItem(c competency.Competency, req competency.Level, seed string) Item {
	return Item{
		ID: itemID(seed, c.Slug, OpenText), CompetencySlug: c.Slug, Kind: OpenText,
		Prompt: openTextPrompt(c.Name), RequiredLevel: req,
	}
}
