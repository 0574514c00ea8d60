package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a text.
type Token struct {
	// Text is the word, lower-cased, with a curly apostrophe folded to "'".
	Text string
	// Start and End are byte offsets of the word in the text it came from.
	Start, End int
}

// Tokens splits s into words: runs of letters and digits, keeping an
// apostrophe between letters ("don't"), a dot between letters ("node.js")
// and trailing "+" or "#" after a letter ("c++", "c#"). Hyphens and other
// punctuation separate words, so "on-call" is "on" and "call".
func Tokens(s string) []Token {
	toks := make([]Token, 0, len(s)/6)
	return appendTokens(toks, s, 0)
}

// appendTokens appends the tokens of s, offset by base, to toks.
func appendTokens(toks []Token, s string, base int) []Token {
	i := 0
	for i < len(s) {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		i += n
		for i < len(s) {
			r, n = rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, n = utf8.DecodeRuneInString(s[i:])
			}
			if isWordRune(r) {
				i += n
				continue
			}
			if (r == '\'' || r == '’' || r == '.') && i+n < len(s) && isLetterAt(s, i+n) && isLetterBefore(s, i) {
				i += n
				continue
			}
			break
		}
		if i < len(s) && (s[i] == '+' || s[i] == '#') && isLetterBefore(s, i) {
			j := i
			for j < len(s) && j-i < 2 && (s[j] == '+' || s[j] == '#') {
				j++
			}
			if j >= len(s) || !isWordByte(s[j]) {
				i = j
			}
		}
		toks = append(toks, Token{Text: lowerWord(s[start:i]), Start: base + start, End: base + i})
	}
	return toks
}

// isWordRune reports whether r is part of a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isWordByte reports whether the ASCII byte c is part of a word.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isLetterAt reports whether a letter starts at s[i].
func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// isLetterBefore reports whether a letter ends just before s[i].
func isLetterBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r)
}

// lowerWord lower-cases w and folds the curly apostrophe, avoiding an
// allocation for words already in lower-case ASCII.
func lowerWord(w string) string {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.ReplaceAll(strings.ToLower(w), "’", "'")
		}
	}
	return w
}
