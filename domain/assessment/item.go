package assessment

import "github.com/cadrehq/cadre/domain/competency"

// Item is one question of an assessment, as a client sees it: nothing in it
// reveals which scenario option maps to which level.
type Item struct {
	// ID is stable for the same seed, competency slug and kind.
	ID             string `json:"id"`
	CompetencySlug string `json:"competency_slug"`
	Kind           Kind   `json:"kind"`
	Prompt         string `json:"prompt"`
	// Options are the choices of a self-rating (the five level descriptors,
	// in level order, with ids "1" to "5") or of a scenario (shuffled, with
	// opaque ids); open-text items have none.
	Options []Option `json:"options,omitempty"`
	// RequiredLevel is the level the framework requires at the assessment's
	// tier.
	RequiredLevel competency.Level `json:"required_level"`
}

// Option is one choice of a self-rating or scenario item.
type Option struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// hasOption reports whether the item offers the option id.
func (it Item) hasOption(id string) bool {
	for _, o := range it.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}
