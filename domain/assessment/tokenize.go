package assessment

import (
	"strings"
	"unicode"
)

// token is one word of a text: its lower-case form, its stem, whether it is
// a stop word, the sentence it belongs to and its byte offsets in the text.
type token struct {
	word       string
	stem       string
	hash       uint64 // of stem, for n-gram keys
	stop       bool
	sentence   int
	start, end int
}

// tokenize splits s into word tokens: runs of letters and digits, with
// inner apostrophes kept ("don't"); everything else separates words.
// Sentences end at '.', '!', '?', ';' and line breaks.
func tokenize(s string) []token {
	toks := make([]token, 0, len(s)/5+1)
	sentence := 0
	inWord := false
	start := 0
	flush := func(end int) {
		if !inWord {
			return
		}
		inWord = false
		w := strings.ToLower(trimQuotes(s[start:end]))
		if w == "" {
			return
		}
		stop := isStop(w)
		st := w
		if !stop {
			st = stem(w)
		}
		toks = append(toks, token{word: w, stem: st, hash: hashString(st), stop: stop, sentence: sentence, start: start, end: end})
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				inWord, start = true, i
			}
		case (r == '\'' || r == '’') && inWord:
			// Part of the word unless it ends it; trimmed in flush.
		default:
			flush(i)
			switch r {
			case '.', '!', '?', ';', '\n':
				if len(toks) > 0 && toks[len(toks)-1].sentence == sentence {
					sentence++
				}
			}
		}
	}
	flush(len(s))
	return toks
}

// trimQuotes removes apostrophes around a word.
func trimQuotes(w string) string {
	for {
		switch {
		case strings.HasPrefix(w, "'"), strings.HasSuffix(w, "'"):
			w = strings.TrimSuffix(strings.TrimPrefix(w, "'"), "'")
		case strings.HasPrefix(w, "’"), strings.HasSuffix(w, "’"):
			w = strings.TrimSuffix(strings.TrimPrefix(w, "’"), "’")
		default:
			return w
		}
	}
}

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
