package assessment

import "github.com/cadrehq/cadre/domain/competency"

// Result is the scored assessment: one CompetencyResult per competency, in
// the assessment's order.
type Result struct {
	Competencies []CompetencyResult `json:"competencies"`
}

// Competency returns the result for the competency slug.
func (r Result) Competency(slug string) (CompetencyResult, bool) {
	for _, c := range r.Competencies {
		if c.CompetencySlug == slug {
			return c, true
		}
	}
	return CompetencyResult{}, false
}

// CompetencyResult is the score of one competency and the evidence behind it.
type CompetencyResult struct {
	CompetencySlug string `json:"competency_slug"`
	// Score is the weighted mean of what each item counts for, 0–5 (0 when
	// nothing was answered): a scenario item at most ScenarioLift above the
	// open-text answer, the self-rating at most ClaimLift above the
	// evidence. The Contributions of the Evidence add up to it.
	Score float64 `json:"score"`
	// Level is Score rounded to the scale (at least Basic).
	Level         competency.Level `json:"level"`
	RequiredLevel competency.Level `json:"required_level"`
	// Gap is how many levels Level falls short of RequiredLevel: never
	// negative, zero when the requirement is met or exceeded.
	Gap int `json:"gap"`
	// Confidence, 0–1, says how much evidence there is and how well the
	// sources agree: it grows with the share of items answered, their
	// agreement and the completeness of the free-text account, and drops
	// when the self-rating is inflated or understated or an answer is gamed.
	Confidence float64    `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
	// Flags collects the flags of the evidence and of the fusion
	// (FlagInflated, FlagUnderstated, FlagCalibrate).
	Flags []Flag `json:"flags,omitempty"`
	// EvidenceLevel is what the scenario and open-text items show on their
	// own, 1–5 as a real number (zero when neither was answered): the
	// yardstick a self-rating and a manager's rating are compared with.
	EvidenceLevel float64 `json:"evidence_level,omitempty"`
	// Calibration is set when a manager's rating is two levels or more away
	// from the self-rating or from the evidence: a topic for a calibration
	// conversation.
	Calibration *Calibration `json:"calibration,omitempty"`
}

// Evidence is what one answered item contributed to a competency's score.
type Evidence struct {
	ItemID string `json:"item_id"`
	Kind   Kind   `json:"kind"`
	// Excerpt is the chosen descriptor (self-rating), the chosen option
	// (scenario), the manager's comment (manager rating), or the matched
	// phrases of an open-text answer joined with
	// " … " (never the whole answer).
	Excerpt string `json:"excerpt,omitempty"`
	// Contribution is the item's share of the competency score: its weight
	// times its score over the total weight.
	Contribution float64 `json:"contribution"`
	// ItemScore is the item's own score, 0–5, and Weight its weight in the
	// mean.
	ItemScore float64 `json:"item_score"`
	Weight    float64 `json:"weight"`
	// MatchedLevel is the level the item points to (zero for an empty or
	// unusable answer).
	MatchedLevel competency.Level `json:"matched_level,omitempty"`
	// Matches lists, for an open-text answer, which words matched which
	// level's behaviours.
	Matches []Match `json:"matches,omitempty"`
	Flags   []Flag  `json:"flags,omitempty"`
	// Elements lists, for an open-text answer, the parts of a behavioural
	// account it contains (see Element).
	Elements []Element `json:"elements,omitempty"`
}

// The kinds of Element.
const (
	// ElementSituation is when and where it happened: a time ("last
	// quarter"), an event ("when the payment service went down"), a named
	// project.
	ElementSituation = "situation"
	// ElementAction is something the writer did: "I" and a verb of doing.
	ElementAction = "action"
	// ElementResult is an outcome: a change, a number, something fixed or
	// shipped.
	ElementResult = "result"
	// ElementScope is who the work reached (the writer, a team, several
	// teams, the organisation); it is listed only when the answer also says
	// what the writer did and gives specifics.
	ElementScope = "scope"
	// ElementSpecific is a concrete detail: a named system or tool, a
	// number, a date, a person's role.
	ElementSpecific = "specific"
)

// Element is one part of a behavioural account found in an open-text
// answer: its kind and where it is, as byte offsets into the answer and the
// text between them.
type Element struct {
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Match is a phrase of an open-text answer and the level whose behaviours it
// matched: through the level's descriptor (Source "descriptor") or through a
// behavioural marker (Source "marker").
type Match struct {
	Phrase string           `json:"phrase"`
	Level  competency.Level `json:"level"`
	Source string           `json:"source"`
}

// Flag marks an answer the scorer does not take at face value.
type Flag string

// The flags an open-text answer can carry.
const (
	// FlagEmpty marks an empty or blank answer.
	FlagEmpty Flag = "empty"
	// FlagOffTopic marks an answer that hardly touches the competency.
	FlagOffTopic Flag = "off_topic"
	// FlagKeywordStuffing marks a list of descriptor keywords or repeated
	// terms rather than an account of what happened.
	FlagKeywordStuffing Flag = "keyword_stuffing"
	// FlagCopyBack marks an answer that largely repeats a level descriptor,
	// the competency's description, a prompt of the assessment or another
	// answer of the same assessment.
	FlagCopyBack Flag = "copy_back"
	// FlagInflated marks a self-rating two levels or more above the
	// evidence.
	FlagInflated Flag = "inflated"
	// FlagUnderstated marks a self-rating two levels or more below the
	// evidence.
	FlagUnderstated Flag = "understated"
	// FlagCalibrate marks a manager's rating two levels or more away from
	// the self-rating or from the evidence.
	FlagCalibrate Flag = "calibrate"
)
