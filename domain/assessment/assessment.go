package assessment

import "github.com/cadrehq/cadre/domain/competency"

// DefaultMaxAnswerChars is the longest open-text answer, in characters
// (runes), that Generate allows.
const DefaultMaxAnswerChars = 5000

// Assessment is a generated set of items for one framework and tier, with
// the key needed to score the answers. Items are grouped by competency in
// framework order: self-rating, scenario, open text.
//
// Key is excluded from the JSON encoding of an Assessment, so an assessment
// can be returned to its taker as it is; a store persists the key on its own
// (AnswerKey marshals normally).
type Assessment struct {
	Tier  competency.Tier `json:"tier"`
	Items []Item          `json:"items"`
	// MaxAnswerChars bounds open-text answers; zero means
	// DefaultMaxAnswerChars.
	MaxAnswerChars int       `json:"max_answer_chars"`
	Key            AnswerKey `json:"-"`
}

// AnswerKey is the part of an assessment its taker must not see: the seed,
// the level behind every scenario option, and the rubric of every competency
// the scorer compares free text with.
type AnswerKey struct {
	Seed string `json:"seed"`
	// Levels maps every scenario option id to the level it stands for.
	Levels map[string]competency.Level `json:"levels"`
	// Rubrics holds one rubric per competency, in item order.
	Rubrics []Rubric `json:"rubrics"`
}

// Rubric is what the scorer needs to know of a competency: its words and its
// five level descriptors, and the level required at the assessment's tier.
type Rubric struct {
	Slug        string           `json:"slug"`
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Descriptors [5]string        `json:"descriptors"`
	Keywords    []string         `json:"keywords,omitempty"`
	Aliases     []string         `json:"aliases,omitempty"`
	Required    competency.Level `json:"required"`
}

// Item returns the item with the given id.
func (a Assessment) Item(id string) (Item, bool) {
	for _, it := range a.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// maxChars returns the effective answer length limit.
func (a Assessment) maxChars() int {
	if a.MaxAnswerChars > 0 {
		return a.MaxAnswerChars
	}
	return DefaultMaxAnswerChars
}
