package assessment

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scenarioFrames are the situations a scenario item can open with; Generate
// picks one per competency from the seed. Each takes the competency name and
// its description.
var scenarioFrames = []string{
	"Your team takes on new work that depends on %s (%s). The usual way of working will not be enough this time. Which of these is closest to what you would do?",
	"A colleague asks for your help with a problem in %s (%s) that now puts a deadline at risk. Which of these is closest to what you would do?",
	"Your manager asks you to improve how %s is handled where you work (%s). Which of these is closest to what you would do?",
	"Something has gone wrong that touches %s (%s), and people are waiting on you. Which of these is closest to what you would do?",
}

// selfRatingPrompt is the prompt of a self-rating item.
func selfRatingPrompt(name string) string {
	return fmt.Sprintf("Which statement best describes how you work in %s today?", name)
}

// scenarioPrompt is the prompt of a scenario item using the given frame.
func scenarioPrompt(frame int, name, description string) string {
	return fmt.Sprintf(scenarioFrames[frame], name, sentenceFragment(description))
}

// openTextPrompt is the prompt of an open-text item.
func openTextPrompt(name string) string {
	return fmt.Sprintf("Describe a recent situation where you used %s in your work: "+
		"what was the situation, what did you do yourself, and what was the result?", name)
}

// scenarioOption turns a level descriptor ("Leads the architecture of …,
// sets standards …") into a first-person option ("I would lead the
// architecture of …, set standards …").
func scenarioOption(descriptor string) string {
	words := strings.Fields(strings.TrimSpace(descriptor))
	for i, w := range words {
		if i == 0 || words[i-1] == "and" || strings.HasSuffix(words[i-1], ",") {
			if i == 0 || (i+1 < len(words) && !strings.ContainsAny(w, ",.;:")) {
				words[i] = baseForm(w, i == 0)
			}
		}
	}
	return "I would " + strings.Join(words, " ")
}

// baseForm turns a third-person present verb into its base form ("applies" →
// "apply", "fixes" → "fix", "is" → "be"), lower-casing a capitalised first
// word; other words are returned unchanged (first words only lower-cased).
func baseForm(w string, first bool) string {
	lw := w
	if first && !isAcronym(w) {
		r, n := utf8.DecodeRuneInString(w)
		lw = string(unicode.ToLower(r)) + w[n:]
	}
	switch lw {
	case "is":
		return "be"
	case "has":
		return "have"
	}
	switch {
	case len(lw) < 4, strings.HasSuffix(lw, "ss"), strings.HasSuffix(lw, "us"), strings.HasSuffix(lw, "is"),
		!strings.HasSuffix(lw, "s"):
		return lw
	case strings.HasSuffix(lw, "ies"):
		return lw[:len(lw)-3] + "y"
	case strings.HasSuffix(lw, "sses"), strings.HasSuffix(lw, "shes"), strings.HasSuffix(lw, "ches"),
		strings.HasSuffix(lw, "xes"), strings.HasSuffix(lw, "zes"), strings.HasSuffix(lw, "oes"):
		return lw[:len(lw)-2]
	}
	return lw[:len(lw)-1]
}

// isAcronym reports whether w starts with two upper-case letters ("CI/CD").
func isAcronym(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) {
			break
		}
		n++
	}
	return n >= 2
}

// sentenceFragment lower-cases the first letter of s (unless it starts an
// acronym) and drops its final full stop, so it reads inside parentheses.
func sentenceFragment(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" || isAcronym(s) {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
