package assessment

import (
	"strings"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

// token is one word of a text as the scorer sees it: its lower-case form,
// its stem, whether it is a stop word, the sentence it belongs to and its
// byte offsets in the text.
type token struct {
	word       string
	stem       string
	hash       uint64 // of stem, for n-gram keys
	stop       bool
	sentence   int
	start, end int
}

// tokenize splits s into the words of [analysis.Tokens], stemmed by [stem]
// unless they are stop words. A sentence ends wherever '.', '!', '?', ';' or
// a line break separates two words: the scorer's sentences are the spans
// within which an "I" acts and a trigram counts, so a list item or a clause
// after a semicolon is one.
func tokenize(s string) []token {
	words := analysis.Tokens(s)
	toks := make([]token, 0, len(words))
	sentence, prev := 0, 0
	for _, w := range words {
		if len(toks) > 0 && strings.ContainsAny(s[prev:w.Start], ".!?;\n") {
			sentence++
		}
		prev = w.End
		stop := analysis.IsStopWord(w.Text)
		st := w.Text
		if !stop {
			st = stem(w.Text)
		}
		toks = append(toks, token{word: w.Text, stem: st, hash: hashString(st), stop: stop, sentence: sentence, start: w.Start, end: w.End})
	}
	return toks
}

// stem returns the stem by which the scorer matches a lower-case content
// word: the Porter2 stem of its base form, so that "led" meets "leading" and
// a British "organised" meets an American "organization".
func stem(w string) string {
	return stemCache.get(w, func(w string) string { return analysis.Stem(analysis.BaseForm(w)) })
}

// maxCachedStems bounds the stem cache; when it is full the cache starts
// over. Answers and descriptors draw on a working vocabulary of a few
// thousand words, so the bound is reached only by unusual input.
const maxCachedStems = 1 << 16

// stemCache maps words to their stems: stemming a word costs several map
// lookups and a pass over dozens of suffixes, and scoring stems the same
// words (a rubric's, the common words of answers) again and again.
var stemCache = memo[string, string]{max: maxCachedStems}

// hashString is FNV-1a of s.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// stems returns the stems of toks.
func stems(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.stem
	}
	return out
}
