package plan

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cadrehq/cadre/domain/competency"
)

// DefaultRelevance is the company relevance of a competency that
// Input.Relevance does not mention.
const DefaultRelevance = 0.5

// Current is the employee's latest assessment result for one competency.
// Score (0–5) and Confidence (0–1) are carried for the caller; the plan is
// built from Level.
type Current struct {
	Slug       string
	Level      competency.Level
	Score      float64
	Confidence float64
}

// Basis records what a plan version was built from, for the API and the
// plan.updated event. Build copies it into the plan; it does not affect the
// items.
type Basis struct {
	LibraryVersion int    `json:"library_version"`
	AssessmentID   string `json:"assessment_id,omitempty"`
}

// Input is everything Build needs, the clock included.
//
// A competency of the framework with no entry in Results counts as level 1
// (Basic) with zero confidence: an unassessed employee is planned from the
// bottom of the scale, and the item says Assessed == false so a client can
// suggest taking an assessment first. A result whose Level is not 1–5 counts
// the same way.
type Input struct {
	// EmployeeID identifies the employee; new item ids are derived from it.
	EmployeeID string
	// Framework is the employee's role framework, tailored to the company.
	Framework competency.RoleFramework
	// Tier is the employee's current tier.
	Tier competency.Tier
	// TargetTier, when set and above Tier, makes the plan aim at that tier's
	// required levels. The zero Tier (or one not above Tier) means Tier.
	TargetTier competency.Tier
	// RoleChanged says the employee changed role since the previous plan:
	// items whose competency is not in the new framework close with
	// RoleChanged rather than NotInFramework. A previous plan whose Role
	// differs from Framework.Role.Slug implies it.
	RoleChanged bool
	// Results holds the latest result per competency; when a slug appears
	// twice the later entry wins.
	Results []Current
	// Relevance is the company relevance (0–1) per competency slug; a
	// missing slug has DefaultRelevance, values outside 0–1 are clamped.
	Relevance map[string]float64
	// Retired holds the slugs of retired competencies: their open items
	// close with CompetencyRetired and they get no new items.
	Retired map[string]bool
	// Previous is the employee's current plan, or nil for the first one.
	Previous *Plan
	// Basis records what this build is based on.
	Basis Basis
	// Now is the build time: the plan's BuiltAt, new items' CreatedAt,
	// closing times and the start of new due dates.
	Now time.Time
}

// Validate checks what Build relies on: an employee id, a valid tier, a
// target tier that is zero or valid, a role slug, relevance values in 0–1
// and a non-zero Now. Build itself does not fail; call Validate at the edge.
func (in Input) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
	}
	switch {
	case strings.TrimSpace(in.EmployeeID) == "":
		return fail("no employee id")
	case !in.Tier.Valid():
		return fail("tier %d", in.Tier)
	case in.TargetTier != 0 && !in.TargetTier.Valid():
		return fail("target tier %d", in.TargetTier)
	case !competency.ValidSlug(in.Framework.Role.Slug):
		return fail("framework role %q", in.Framework.Role.Slug)
	case in.Now.IsZero():
		return fail("no build time")
	}
	for slug, r := range in.Relevance {
		if math.IsNaN(r) || r < 0 || r > 1 {
			return fail("relevance of %q is %v (want 0 to 1)", slug, r)
		}
	}
	return nil
}

// target returns the tier the plan aims at: TargetTier when it is above
// Tier, else Tier.
func (in Input) target() competency.Tier {
	if in.TargetTier.Valid() && in.TargetTier > in.Tier {
		return in.TargetTier
	}
	return in.Tier
}

// relevance returns the clamped company relevance of slug.
func (in Input) relevance(slug string) float64 {
	r, ok := in.Relevance[slug]
	switch {
	case !ok || math.IsNaN(r):
		return DefaultRelevance
	case r < 0:
		return 0
	case r > 1:
		return 1
	}
	return r
}

// roleChanged reports whether the employee changed role since the previous
// plan, by the flag or by the previous plan's role.
func (in Input) roleChanged() bool {
	if in.RoleChanged {
		return true
	}
	p := in.Previous
	return p != nil && p.Role != "" && p.Role != in.Framework.Role.Slug
}

// levels returns the employee's level per slug and whether it was assessed,
// the later result winning; invalid levels are left out.
func (in Input) levels() map[string]competency.Level {
	m := make(map[string]competency.Level, len(in.Results))
	for _, c := range in.Results {
		if c.Level.Valid() {
			m[c.Slug] = c.Level
		} else {
			delete(m, c.Slug)
		}
	}
	return m
}
