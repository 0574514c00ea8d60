package plan

import (
	"slices"
	"time"

	"github.com/cadrehq/cadre/domain/competency"
)

// Plan is one version of an employee's development plan.
type Plan struct {
	EmployeeID string `json:"employee_id"`
	// Role is the slug of the role the plan was built for.
	Role string `json:"role"`
	// Tier is the employee's tier when the plan was built.
	Tier competency.Tier `json:"tier"`
	// TargetTier is the tier whose required levels the plan aims at: the
	// chosen target tier, or Tier.
	TargetTier competency.Tier `json:"target_tier"`
	// Version starts at 1 and grows by one with every build that changed
	// the content (see SameContent).
	Version int       `json:"version"`
	BuiltAt time.Time `json:"built_at"`
	// Basis is what this version was built from.
	Basis Basis `json:"basis"`
	// Items holds the items not closed, by priority (highest first) then
	// competency slug, followed by the closed ones, most recently closed
	// first, then by slug and id.
	Items []Item `json:"items"`
	// Changed reports whether Build produced a new version. When false,
	// Build returned the previous plan unchanged (Version, BuiltAt and Basis
	// included) and no plan.updated event is due.
	Changed bool `json:"-"`
}

// SameContent reports whether p and q hold the same plan: the same
// employee, role, tiers and items (ids, levels, actions, dates, statuses and
// notes). Version, BuiltAt, Basis and Changed are not compared.
func (p Plan) SameContent(q Plan) bool {
	return p.EmployeeID == q.EmployeeID &&
		p.Role == q.Role &&
		p.Tier == q.Tier &&
		p.TargetTier == q.TargetTier &&
		slices.EqualFunc(p.Items, q.Items, Item.equal)
}

// Item returns the item with the given id.
func (p Plan) Item(id string) (Item, bool) {
	for _, it := range p.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Open returns how many items are neither done nor closed.
func (p Plan) Open() int {
	n := 0
	for _, it := range p.Items {
		if it.Open() {
			n++
		}
	}
	return n
}
