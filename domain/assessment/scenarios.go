package assessment

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/cadrehq/cadre/domain/competency"
)

// minScenarioOptions is the fewest options a scenario may offer: with fewer,
// a guess is right too often for the choice to say anything.
const minScenarioOptions = 3

// checkScenario checks that sc can be asked and scored: an id, a situation,
// at least minScenarioOptions options with text and a valid effectiveness,
// and not all options equally effective (else every choice is the best).
func checkScenario(sc competency.Scenario) error {
	switch {
	case strings.TrimSpace(sc.ID) == "":
		return errors.New("scenario without an id")
	case strings.TrimSpace(sc.Situation) == "":
		return fmt.Errorf("scenario %q has no situation", sc.ID)
	case len(sc.Options) < minScenarioOptions:
		return fmt.Errorf("scenario %q has %d options, want at least %d", sc.ID, len(sc.Options), minScenarioOptions)
	}
	lo, hi := competency.Level(5), competency.Level(0)
	for i, o := range sc.Options {
		if strings.TrimSpace(o.Text) == "" || !o.Effectiveness.Valid() {
			return fmt.Errorf("scenario %q option %d needs a text and an effectiveness of 1 to 5", sc.ID, i+1)
		}
		lo, hi = min(lo, o.Effectiveness), max(hi, o.Effectiveness)
	}
	if lo == hi {
		return fmt.Errorf("scenario %q: every option is equally effective", sc.ID)
	}
	return nil
}

// ValueScenarios builds two situational judgement scenarios for a
// competency that has no authored ones, typically the cultural competency of
// a company value, from its name and description.
//
// They are made from two fixed templates in which the value's stated
// behaviour is at stake: a deadline that makes it costly to act on the value,
// and a colleague whose conduct runs against it. The behaviour is the
// value's own words: the first sentence of its description, with "we" and
// "our" turned to "you" and "your" ("We fix the small things we trip over"
// becomes "you fix the small things you trip over"), or the value's name
// when there is no description. Each scenario has four options: acting on
// the value openly and owning the cost (effectiveness 5), a deferred or
// delegated version of it (3), and two tempting shortcuts, asking for
// permission and waiting, or skipping it because nobody will notice (2 and
// 1). No option repeats a level descriptor: the options say what to do in
// the situation, not how senior the person is. The same input always gives
// the same scenarios.
func ValueScenarios(name, description string) []competency.Scenario {
	name = strings.Join(strings.Fields(name), " ")
	behaviour := valueBehaviour(name, description)
	slug := idPart(name)
	q := "\u201c" + name + "\u201d"
	return []competency.Scenario{
		{
			ID: slug + "-deadline",
			Situation: "Two days before a deadline your team has promised, you notice a situation where living " + q +
				" would mean that " + behaviour + ". Doing it properly will take most of a day you had planned for the deadline work.",
			Question: "What do you do?",
			Options: []competency.ScenarioOption{
				{Text: "Do it now, as the value asks, and tell the people waiting on your deadline work what it costs and when they will have it.", Effectiveness: 5,
					Rationale: "Acts on the value and owns its cost openly, so nobody is surprised."},
				{Text: "Write it down and come back to it straight after the deadline.", Effectiveness: 3,
					Rationale: "Keeps the value in sight but lets the moment pass; it often never happens."},
				{Text: "Ask your manager whether it is worth the time and wait for an answer before doing anything.", Effectiveness: 2,
					Rationale: "Hands a call the value already makes to someone else and loses the time anyway."},
				{Text: "Skip it this time; the deadline matters more and nobody will notice.", Effectiveness: 1,
					Rationale: "Treats the value as optional whenever it is inconvenient."},
			},
		},
		{
			ID: slug + "-colleague",
			Situation: "A respected colleague in another team keeps working against " + q + ": where the value asks that " + behaviour +
				", they do the opposite, and it has started to slow your team down.",
			Question: "What do you do?",
			Options: []competency.ScenarioOption{
				{Text: "Talk to the colleague directly, with a concrete example of what happened and its effect on your team, and agree what each of you will do next time.", Effectiveness: 5,
					Rationale: "Raises it early, with the person concerned, on facts, and ends with an agreement."},
				{Text: "Bring it up at your team's next retrospective so the team can decide whether to raise it.", Effectiveness: 3,
					Rationale: "Well meant, but talks about the colleague rather than with them."},
				{Text: "Complain to your manager and ask them to deal with it.", Effectiveness: 2,
					Rationale: "Escalates before trying the direct conversation the value calls for."},
				{Text: "Work around the colleague and say nothing; it is not your place.", Effectiveness: 1,
					Rationale: "Lets the problem grow and leaves the colleague unaware of it."},
			},
		},
	}
}

// valueBehaviour returns the behaviour a value's description states, in the
// second person and as a clause ("you share your work openly"), or a clause
// built from the name when the description is empty.
func valueBehaviour(name, description string) string {
	s := firstSentence(strings.TrimSpace(description))
	if s == "" {
		return "you act on " + "\u201c" + name + "\u201d" + " in your own work"
	}
	words := strings.Fields(s)
	if w := strings.ToLower(words[0]); w != "we" && w != "our" {
		// A description in the third person ("Builds and runs the
		// pipelines …") is quoted as what the value asks.
		return "you do what it describes (" + sentenceFragment(s) + ")"
	}
	for i, w := range words {
		core := strings.TrimRight(w, ",;:")
		tail := w[len(core):]
		switch strings.ToLower(core) {
		case "we":
			words[i] = "you" + tail
		case "our":
			words[i] = "your" + tail
		case "us":
			words[i] = "you" + tail
		case "ours":
			words[i] = "yours" + tail
		case "ourselves":
			words[i] = "yourselves" + tail
		}
	}
	return sentenceFragment(strings.Join(words, " "))
}

// firstSentence returns s up to and including its first full stop followed
// by a space (all of s when there is none).
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// idPart turns a name into the lower-case, hyphenated stem of a scenario id
// ("Open by default" becomes "open-by-default"; "value" when nothing is
// left).
func idPart(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "value"
	}
	return b.String()
}
