package assessment

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cadrehq/cadre/domain/competency"
)

// selfRatingPrompt is the prompt of a self-rating item.
func selfRatingPrompt(name string) string {
	return fmt.Sprintf("Which statement best describes how you work in %s today?", name)
}

// scenarioPrompt is the prompt of a situational judgement item: the
// situation, then the question.
func scenarioPrompt(sc competency.Scenario) string {
	return strings.TrimSpace(sc.Situation) + " " + strings.TrimSpace(sc.Question)
}

// openTextPrompt is the prompt of an open-text item.
func openTextPrompt(name string) string {
	return fmt.Sprintf("Describe a recent situation where you used %s in your work: "+
		"what was the situation, what did you do yourself, and what was the result?", name)
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
