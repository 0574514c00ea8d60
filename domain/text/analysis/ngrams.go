package analysis

import "strings"

// Terms returns the stems of the words of s that are not stop words, in
// order: the units that n-grams, phrases and BM25 work on.
func Terms(s string) []string {
	toks := Tokens(s)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if !IsStopWord(t.Text) {
			out = append(out, Stem(t.Text))
		}
	}
	return out
}

// NGrams returns the n-grams of terms for n from min to max (1 to 3 is the
// usual range), each joined by one space: all 1-grams in order, then all
// 2-grams, and so on.
func NGrams(terms []string, min, max int) []string {
	if min < 1 {
		min = 1
	}
	var out []string
	for n := min; n <= max; n++ {
		for i := 0; i+n <= len(terms); i++ {
			out = append(out, strings.Join(terms[i:i+n], " "))
		}
	}
	return out
}
