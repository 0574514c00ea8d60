package analysis

import "strings"

// Stem returns the English (Porter2, Snowball) stem of a lower-case word:
// "running" and "runs" give "run", "responsibilities" gives "respons".
// Words of two letters or fewer, and words holding anything other than
// ASCII letters and an apostrophe, are returned unchanged.
func Stem(word string) string {
	if len(word) <= 2 {
		return word
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if !('a' <= c && c <= 'z') && c != '\'' {
			return word
		}
	}
	if s, ok := stemExceptions[word]; ok {
		return s
	}
	word = strings.TrimLeft(word, "'")
	if len(word) <= 2 {
		return word
	}
	// The stem is built in a buffer on the stack; most stems are a prefix of
	// the word and are returned without allocating (see stemOf).
	var buf [32]byte
	w := append(buf[:0], word...)
	// Mark consonant y as Y.
	for i := range w {
		if w[i] == 'y' && (i == 0 || isVowel(w[i-1])) {
			w[i] = 'Y'
		}
	}
	r1, r2 := regions(w)

	w = step0(w)
	w, stop := step1a(w)
	if stop {
		return stemOf(word, w)
	}
	if _, ok := stemInvariant1a[string(w)]; ok {
		return stemOf(word, w)
	}
	w = step1b(w, r1)
	w = step1c(w)
	w = step2(w, r1)
	w = step3(w, r1, r2)
	w = step4(w, r2)
	w = step5(w, r1, r2)
	return stemOf(word, w)
}

// stemExceptions are the Porter2 words stemmed by table.
var stemExceptions = map[string]string{
	"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
	"idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli",
	"singly": "singl", "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas",
	"cosmos": "cosmos", "bias": "bias", "andes": "andes",
}

// stemInvariant1a are the Porter2 words left alone after step 1a.
var stemInvariant1a = setOf("inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed")

// isVowel reports whether c is a Porter2 vowel (y counts, Y does not).
func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// regions returns the starts of R1 and R2.
func regions(w []byte) (int, int) {
	r1 := len(w)
	s := string(w)
	switch {
	case strings.HasPrefix(s, "gener"), strings.HasPrefix(s, "arsen"):
		r1 = 5
	case strings.HasPrefix(s, "commun"):
		r1 = 6
	default:
		r1 = regionAfter(w, 0)
	}
	return r1, regionAfter(w, r1)
}

// regionAfter returns the index after the first non-vowel following a vowel
// at or after from, or len(w).
func regionAfter(w []byte, from int) int {
	for i := from + 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return i + 1
		}
	}
	return len(w)
}

// hasSuffix reports whether w ends with suf.
func hasSuffix(w []byte, suf string) bool {
	return len(w) >= len(suf) && string(w[len(w)-len(suf):]) == suf
}

// replace swaps the suffix suf of w for rep.
func replace(w []byte, suf, rep string) []byte {
	return append(w[:len(w)-len(suf)], rep...)
}

// containsVowel reports whether w holds a vowel.
func containsVowel(w []byte) bool {
	for _, c := range w {
		if isVowel(c) {
			return true
		}
	}
	return false
}

// endsShortSyllable reports whether w ends in a short syllable: a vowel
// followed by a non-vowel other than w, x or Y and preceded by a non-vowel,
// or a vowel at the start followed by a non-vowel.
func endsShortSyllable(w []byte) bool {
	n := len(w)
	if n == 2 {
		return isVowel(w[0]) && !isVowel(w[1])
	}
	if n >= 3 {
		c := w[n-1]
		return !isVowel(w[n-3]) && isVowel(w[n-2]) && !isVowel(c) && c != 'w' && c != 'x' && c != 'Y'
	}
	return false
}

// isShort reports whether w is a short word: R1 is empty and it ends in a
// short syllable.
func isShort(w []byte, r1 int) bool {
	return r1 >= len(w) && endsShortSyllable(w)
}

// step0 removes the apostrophe suffixes 's' 's and '.
func step0(w []byte) []byte {
	for _, suf := range []string{"'s'", "'s", "'"} {
		if hasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// step1a handles plurals; stop reports a word finished by the step.
func step1a(w []byte) ([]byte, bool) {
	switch {
	case hasSuffix(w, "sses"):
		return replace(w, "sses", "ss"), false
	case hasSuffix(w, "ied"), hasSuffix(w, "ies"):
		if len(w) > 4 {
			return replace(w, w2s(w[len(w)-3:]), "i"), false
		}
		return replace(w, w2s(w[len(w)-3:]), "ie"), false
	case hasSuffix(w, "us"), hasSuffix(w, "ss"):
		return w, false
	case hasSuffix(w, "s"):
		if len(w) >= 2 && containsVowel(w[:len(w)-2]) {
			return w[:len(w)-1], false
		}
	}
	return w, false
}

// w2s converts a byte slice to a string.
func w2s(b []byte) string { return string(b) }

// isDouble reports whether w ends in one of the Porter2 doubles.
func isDouble(w []byte) bool {
	n := len(w)
	if n < 2 || w[n-1] != w[n-2] {
		return false
	}
	switch w[n-1] {
	case 'b', 'd', 'f', 'g', 'm', 'n', 'p', 'r', 't':
		return true
	}
	return false
}

// step1b handles -eed, -ed and -ing endings.
func step1b(w []byte, r1 int) []byte {
	for _, suf := range []string{"eedly", "eed"} {
		if hasSuffix(w, suf) {
			if len(w)-len(suf) >= r1 {
				return replace(w, suf, "ee")
			}
			return w
		}
	}
	for _, suf := range []string{"ingly", "edly", "ing", "ed"} {
		if !hasSuffix(w, suf) {
			continue
		}
		stem := w[:len(w)-len(suf)]
		if !containsVowel(stem) {
			return w
		}
		w = stem
		switch {
		case hasSuffix(w, "at"), hasSuffix(w, "bl"), hasSuffix(w, "iz"):
			return append(w, 'e')
		case isDouble(w):
			return w[:len(w)-1]
		case isShort(w, r1):
			return append(w, 'e')
		}
		return w
	}
	return w
}

// step1c turns a final y or Y after a non-vowel (not the first letter) into i.
func step1c(w []byte) []byte {
	n := len(w)
	if n > 2 && (w[n-1] == 'y' || w[n-1] == 'Y') && !isVowel(w[n-2]) {
		w[n-1] = 'i'
	}
	return w
}

// suffixRule replaces a suffix; the longest matching suffix wins.
type suffixRule struct{ suf, rep string }

// step2Rules are ordered longest first.
var step2Rules = []suffixRule{
	{"ization", "ize"}, {"ational", "ate"}, {"fulness", "ful"}, {"ousness", "ous"},
	{"iveness", "ive"}, {"tional", "tion"}, {"biliti", "ble"}, {"lessli", "less"},
	{"entli", "ent"}, {"ation", "ate"}, {"alism", "al"}, {"aliti", "al"}, {"ousli", "ous"},
	{"iviti", "ive"}, {"fulli", "ful"}, {"enci", "ence"}, {"anci", "ance"}, {"abli", "able"},
	{"izer", "ize"}, {"ator", "ate"}, {"alli", "al"}, {"bli", "ble"}, {"ogi", "og"},
	{"li", ""},
}

// step2 maps derivational suffixes in R1.
func step2(w []byte, r1 int) []byte {
	for _, r := range step2Rules {
		if !hasSuffix(w, r.suf) {
			continue
		}
		at := len(w) - len(r.suf)
		if at < r1 {
			return w
		}
		switch r.suf {
		case "ogi":
			if at == 0 || w[at-1] != 'l' {
				return w
			}
		case "li":
			if at == 0 {
				return w
			}
			switch w[at-1] {
			case 'c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't':
			default:
				return w
			}
		}
		return replace(w, r.suf, r.rep)
	}
	return w
}

// step3Rules are ordered longest first.
var step3Rules = []suffixRule{
	{"ational", "ate"}, {"tional", "tion"}, {"alize", "al"}, {"icate", "ic"}, {"iciti", "ic"},
	{"ative", ""}, {"ical", "ic"}, {"ness", ""}, {"ful", ""},
}

// step3 maps further suffixes in R1 (ative only in R2).
func step3(w []byte, r1, r2 int) []byte {
	for _, r := range step3Rules {
		if !hasSuffix(w, r.suf) {
			continue
		}
		at := len(w) - len(r.suf)
		if at < r1 || r.suf == "ative" && at < r2 {
			return w
		}
		return replace(w, r.suf, r.rep)
	}
	return w
}

// step4Suffixes are ordered longest first.
var step4Suffixes = []string{
	"ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous",
	"ive", "ize", "ion", "al", "er", "ic",
}

// step4 deletes residual suffixes in R2.
func step4(w []byte, r2 int) []byte {
	for _, suf := range step4Suffixes {
		if !hasSuffix(w, suf) {
			continue
		}
		at := len(w) - len(suf)
		if at < r2 {
			return w
		}
		if suf == "ion" && (at == 0 || w[at-1] != 's' && w[at-1] != 't') {
			return w
		}
		return w[:at]
	}
	return w
}

// step5 deletes a final e or the second l of a final ll.
func step5(w []byte, r1, r2 int) []byte {
	n := len(w)
	switch {
	case hasSuffix(w, "e"):
		if n-1 >= r2 || n-1 >= r1 && !endsShortSyllable(w[:n-1]) {
			return w[:n-1]
		}
	case hasSuffix(w, "l"):
		if n-1 >= r2 && n >= 2 && w[n-2] == 'l' {
			return w[:n-1]
		}
	}
	return w
}

// stemOf lower-cases the Y marks of w, the stem of word, and returns it:
// the prefix of word when it is one, a new string otherwise.
func stemOf(word string, w []byte) string {
	for i := range w {
		if w[i] == 'Y' {
			w[i] = 'y'
		}
	}
	if len(w) <= len(word) && string(w) == word[:len(w)] {
		return word[:len(w)]
	}
	return string(w)
}
