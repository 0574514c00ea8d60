package library

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

// contentWords returns the words of texts that carry meaning: not stop
// words, not generic workplace words, at least three letters, in order of
// first appearance, one per stem (the first form seen).
func contentWords(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, text := range texts {
		for _, t := range analysis.Tokens(text) {
			w := t.Text
			if len(w) < 3 || analysis.IsStopWord(w) || weakWords[w] {
				continue
			}
			st := analysis.Stem(w)
			if analysis.IsGeneric(st) || seen[st] {
				continue
			}
			seen[st] = true
			out = append(out, w)
		}
	}
	return out
}

// weakWords are words that say little about a behaviour ("every", "really")
// and are left out of keywords built from a value's text.
var weakWords = map[string]bool{
	"every": true, "always": true, "never": true, "really": true, "just": true, "even": true,
	"much": true, "many": true, "lot": true, "lots": true, "things": true, "something": true,
	"anything": true, "everything": true, "nothing": true, "still": true, "already": true,
	"yet": true, "rather": true, "instead": true, "quite": true, "less": true, "least": true,
	"via": true, "etc": true, "per": true, "whatever": true, "whenever": true, "however": true,
	"don't": true, "doesn't": true, "won't": true, "can't": true, "it's": true, "we're": true,
	"you're": true, "let": true, "lets": true, "said": true, "says": true, "say": true,
	"want": true, "wants": true, "make": true, "makes": true, "made": true, "get": true,
	"gets": true, "got": true, "going": true, "way": true, "ways": true, "one": true,
}

// joinList joins words as "a", "a and b" or "a, b and c".
func joinList(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// firstSentence returns the first sentence of text, trimmed, without its
// final full stop.
func firstSentence(text string) string {
	text = strings.TrimSpace(text)
	if sp := analysis.Sentences(text); len(sp) > 0 {
		text = text[sp[0].Start:sp[0].End]
	}
	return strings.TrimRight(strings.TrimSpace(text), ".!")
}

// lowerFirst lower-cases the first letter of s unless the first word looks
// like an acronym or a name ("API", "PostHog").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	word, _, _ := strings.Cut(s, " ")
	if len(word) > 1 && strings.ToLower(word[1:]) != word[1:] {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// inSentence returns a competency name as it reads inside a sentence:
// lower-cased ("On-call Readiness" → "on-call readiness") unless a word
// has capitals after its first letter ("CI/CD", "PostHog"), which stays.
func inSentence(name string) string {
	for _, w := range strings.Fields(name) {
		_, n := utf8.DecodeRuneInString(w)
		if rest := w[n:]; strings.ToLower(rest) != rest {
			return name
		}
	}
	return strings.ToLower(name)
}

// formatFloat formats a rounded score for a reason.
func formatFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// quote puts s in typographic quotes.
func quote(s string) string { return "“" + s + "”" }

// clip shortens s to at most n bytes at a word boundary, adding "…".
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
