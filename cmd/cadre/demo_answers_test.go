package main

import (
	mrand "math/rand/v2"
	"strings"
	"testing"
)

// TestDemoAnswersAreDistinct: the open-text answers of one demo assessment
// share at most one sentence pairwise, at any mix of strengths, so the
// scorer never sees one answer copied from another item.
func TestDemoAnswersAreDistinct(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		rng := mrand.New(mrand.NewPCG(seed, seed))
		p := newAnswerPicker(rng)
		const n = demoPool * demoPool
		sentences := make([]map[string]bool, n)
		texts := make([]string, n)
		for i := range n {
			texts[i] = p.answer(rng.IntN(3), "topic "+string(rune('a'+i)))
			sentences[i] = map[string]bool{}
			for _, s := range strings.SplitAfter(texts[i], ". ") {
				sentences[i][strings.TrimSpace(s)] = true
			}
			if len(sentences[i]) != demoParts {
				t.Fatalf("seed %d answer %d: got %d sentences, want %d: %q", seed, i, len(sentences[i]), demoParts, texts[i])
			}
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				common := 0
				for s := range sentences[i] {
					if sentences[j][s] {
						common++
					}
				}
				if common > 1 {
					t.Errorf("seed %d: answers %d and %d share %d sentences, want at most 1:\n%s\n%s", seed, i, j, common, texts[i], texts[j])
				}
			}
		}
	}
}

func TestDemoTopic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, category, want string }{
		{"Cloud Infrastructure Management", "technical", "cloud infrastructure management"},
		{"Continuous Integration/Continuous Deployment (CI/CD)", "technical", "continuous integration/continuous deployment (CI/CD)"},
		{"Customers first", "cultural", "“Customers first”"},
	} {
		if got := demoTopic(tc.name, tc.category); got != tc.want {
			t.Errorf("demoTopic(%q, %q) = %q, want %q", tc.name, tc.category, got, tc.want)
		}
	}
}
