package competency

// Scenario is a situational judgement item authored for a competency: a
// realistic work situation, a question, and options whose effectiveness a
// competent professional would judge differently. Unlike a level descriptor,
// an option says what someone would do in this one situation, so picking the
// most senior-sounding option is not the same as picking the most effective
// one.
type Scenario struct {
	// ID is stable across catalog versions ("ci-cd-1").
	ID        string           `json:"id"`
	Situation string           `json:"situation"`
	Question  string           `json:"question"`
	Options   []ScenarioOption `json:"options"`
}

// ScenarioOption is one course of action of a Scenario, keyed with how
// effective it is (1 the least, 5 the most) and why. The key is never shown
// to the person taking an assessment.
type ScenarioOption struct {
	Text          string `json:"text"`
	Effectiveness Level  `json:"effectiveness"`
	Rationale     string `json:"rationale"`
}

// Best returns the highest effectiveness among the options (zero when there
// are none).
func (s Scenario) Best() Level {
	var best Level
	for _, o := range s.Options {
		best = max(best, o.Effectiveness)
	}
	return best
}
