package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a half-open byte range [Start, End) of a text.
type Span struct {
	Start, End int
}

// MaxSentenceBytes bounds a sentence: longer runs without a boundary (a
// table row, a list without punctuation) are cut at a space before it, so
// evidence excerpts stay readable.
const MaxSentenceBytes = 500

// abbreviations end with a dot that does not end a sentence (lower-case,
// without the final dot).
var abbreviations = setOf(
	"e.g", "i.e", "cf", "vs", "viz", "al", "approx", "dr", "mr", "mrs", "ms", "prof", "sr", "jr",
	"st", "no", "nos", "fig", "figs", "inc", "ltd", "co", "corp", "dept", "est", "min", "max",
	"mt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"ca", "resp", "approx", "incl", "excl", "esp", "eg", "ie", "p", "pp", "vol", "ed", "eds",
	"u.s", "u.k", "e.u", "a.m", "p.m", "ph.d", "gen", "col", "lt", "sgt", "capt", "hon", "rev",
)

// Sentences splits text into sentences and returns their byte spans, in
// order. A sentence ends at ".", "!" or "?" (with closing quotes or
// brackets) followed by space and an upper-case letter, digit, quote or
// bullet, unless the word before the dot is an abbreviation ("e.g.", "Dr.")
// or an initial; a dot inside a number ("2.5") never ends one. A blank line
// always ends a sentence; a single line break ends one unless the next line
// starts in lower case (a wrapped line), so bullet and line-separated items
// are separate sentences. Leading bullet markers ("-", "*", "•", "1.") and
// surrounding space are not part of a span; spans without a letter or digit
// are dropped; sentences longer than [MaxSentenceBytes] are cut at a space.
func Sentences(text string) []Span {
	var out []Span
	start := 0
	emit := func(end int) {
		out = appendSentence(out, text, start, end)
		start = end
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n':
			j := i + 1
			blank := false
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n') {
				if text[j] == '\n' {
					blank = true
				}
				j++
			}
			if blank || j >= len(text) || !continuesLine(text, i, j) {
				emit(i)
			}
			i = j
			continue
		case c == '.' || c == '!' || c == '?':
			j := i + 1
			for j < len(text) && strings.IndexByte(".!?\"')]’”»", text[j]) >= 0 {
				j++
			}
			for j < len(text) && text[j] >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(text[j:])
				if r != '’' && r != '”' && r != '»' && r != '…' {
					break
				}
				j += n
			}
			if j >= len(text) {
				i = j
				continue
			}
			if text[j] != ' ' && text[j] != '\t' {
				i = j
				continue
			}
			k := j
			for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			if k < len(text) && text[k] != '\n' && c == '.' && !startsSentence(text[k:]) {
				i = k
				continue
			}
			if c == '.' && j == i+1 && (isAbbreviation(text, i) || isListNumber(text, i)) {
				i = k
				continue
			}
			emit(j)
			i = k
			continue
		}
		i++
	}
	emit(len(text))
	return out
}

// continuesLine reports whether the line starting at next continues the
// sentence of the line ending at nl: it starts with a lower-case letter and
// the previous line does not end with a colon or start with a bullet.
func continuesLine(text string, nl, next int) bool {
	r, _ := utf8.DecodeRuneInString(text[next:])
	if !unicode.IsLower(r) {
		return false
	}
	prev := strings.TrimRight(text[:nl], " \t\r")
	return !strings.HasSuffix(prev, ":")
}

// startsSentence reports whether s begins like a new sentence: an upper-case
// letter, a digit, an opening quote or bracket, or a bullet.
func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"'(“‘[-*•", r) || unicode.IsTitle(r)
}

// isAbbreviation reports whether the dot at text[dot] closes an
// abbreviation or an initial.
func isAbbreviation(text string, dot int) bool {
	j := dot
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if !(unicode.IsLetter(r) || r == '.') {
			break
		}
		j -= n
	}
	w := text[j:dot]
	if w == "" {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r) // an initial: "J. Smith"
	}
	_, ok := abbreviations[strings.ToLower(w)]
	return ok
}

// isListNumber reports whether the dot at text[dot] follows a number that
// opens its line, as in "1. Plan work".
func isListNumber(text string, dot int) bool {
	j := dot
	for j > 0 && text[j-1] >= '0' && text[j-1] <= '9' {
		j--
	}
	if j == dot || dot-j > 3 {
		return false
	}
	for j > 0 && (text[j-1] == ' ' || text[j-1] == '\t') {
		j--
	}
	return j == 0 || text[j-1] == '\n'
}

// appendSentence trims text[start:end] of space and bullets and appends it,
// cut into pieces of at most MaxSentenceBytes, if it holds a letter or digit.
func appendSentence(out []Span, text string, start, end int) []Span {
	for start < end {
		s := start
		for s < end {
			if k := bulletLen(text[s:end]); k > 0 {
				s += k
				continue
			}
			r, n := utf8.DecodeRuneInString(text[s:end])
			if !unicode.IsSpace(r) {
				break
			}
			s += n
		}
		e := end
		for e > s {
			r, n := utf8.DecodeLastRuneInString(text[s:e])
			if !unicode.IsSpace(r) {
				break
			}
			e -= n
		}
		if e-s > MaxSentenceBytes {
			cut := strings.LastIndexByte(text[s:s+MaxSentenceBytes], ' ')
			if cut <= 0 {
				cut = MaxSentenceBytes
				for cut > 0 && !utf8.RuneStart(text[s+cut]) {
					cut--
				}
			}
			out = appendIfText(out, text, s, trimRightSpace(text, s, s+cut))
			start = s + cut
			continue
		}
		return appendIfText(out, text, s, e)
	}
	return out
}

// trimRightSpace returns end moved back over spaces, not before start.
func trimRightSpace(text string, start, end int) int {
	for end > start && (text[end-1] == ' ' || text[end-1] == '\t') {
		end--
	}
	return end
}

// appendIfText appends [s, e) when it holds a letter or digit.
func appendIfText(out []Span, text string, s, e int) []Span {
	for _, r := range text[s:e] {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return append(out, Span{Start: s, End: e})
		}
	}
	return out
}

// bulletLen returns the length of a bullet marker and its space at the
// start of s ("- ", "* ", "• ", "1. ", "a) "), or 0.
func bulletLen(s string) int {
	switch {
	case strings.HasPrefix(s, "- "), strings.HasPrefix(s, "* "), strings.HasPrefix(s, "+ "):
		return 2
	case strings.HasPrefix(s, "• "), strings.HasPrefix(s, "– "), strings.HasPrefix(s, "— "):
		return len("•") + 1
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' {
		return i + 2
	}
	return 0
}
