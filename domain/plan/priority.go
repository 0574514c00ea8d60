package plan

import (
	"math"

	"github.com/cadrehq/cadre/domain/competency"
)

// Group weights used in Priority: a core (primary) competency counts fully,
// a supporting one at 0.6, so that a one-level gap in a core competency ranks
// above the same gap in a supporting one at equal relevance, while a
// supporting gap of two levels still outranks a core gap of one.
const (
	PrimaryWeight    = 1.0
	SupportingWeight = 0.6
)

// GroupWeight returns the weight of a framework group: PrimaryWeight for
// Primary, SupportingWeight otherwise (an unset group counts as supporting).
func GroupWeight(g competency.Group) float64 {
	if g == competency.Primary {
		return PrimaryWeight
	}
	return SupportingWeight
}

// Priority returns gap × GroupWeight(g) × (0.5 + relevance), rounded to four
// decimals so that equal inputs print and compare equal. With relevance in
// 0–1 the relevance factor runs from 0.5 (irrelevant to the company) to 1.5
// (central to it), 1.0 at DefaultRelevance. A gap of 0 or less gives 0.
func Priority(gap int, g competency.Group, relevance float64) float64 {
	if gap <= 0 {
		return 0
	}
	p := float64(gap) * GroupWeight(g) * (0.5 + relevance)
	return math.Round(p*1e4) / 1e4
}
