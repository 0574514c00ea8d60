package assessment

import (
	"fmt"
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

// TestStemJoinsWordForms checks that the scorer's stem puts the forms of a
// word together, British and American spellings and irregular pasts
// included. (Porter2 keeps "strategic" and "organisational" apart from
// "strategy" and "organisation"; the markers list such forms themselves.)
func TestStemJoinsWordForms(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{"automate", "automated", "automating", "automation", "automates"},
		{"organisation", "organization", "organised", "organise", "organizes"},
		{"design", "designed", "designing", "designs"},
		{"lead", "led", "leads", "leading"},
		{"mentor", "mentored", "mentoring", "mentors"},
		{"analyse", "analysed", "analysis", "analyze", "analyses"},
		{"strategy", "strategies"},
		{"reliable", "reliability"},
		{"run", "running", "ran"},
	}
	for _, forms := range tests {
		want := stem(forms[0])
		for _, w := range forms[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, want %q (as stem(%q))", w, got, want, forms[0])
			}
		}
	}
}

// TestStemCache checks that the cached stem is the stem, on a miss and on a
// hit, and that the cache starts over rather than growing past its bound.
func TestStemCache(t *testing.T) {
	words := []string{"organised", "led", "leading", "analysis", "mentoring", "reliability", "naïve", "c++"}
	for range 2 {
		for _, w := range words {
			if got, want := stem(w), analysis.Stem(analysis.BaseForm(w)); got != want {
				t.Errorf("stem(%q): got %q, want %q", w, got, want)
			}
		}
	}
	for i := range maxCachedStems + 10 {
		stem(fmt.Sprintf("word%dx", i))
	}
	if n := stemCache.len(); n > maxCachedStems {
		t.Errorf("stem cache holds %d words, want at most %d", n, maxCachedStems)
	}
}
