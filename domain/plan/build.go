package plan

import (
	"cmp"
	"slices"

	"github.com/cadrehq/cadre/domain/competency"
)

// Build returns the employee's plan for in. It never fails: it plans what it
// can from in as given (call Input.Validate at the edge).
//
// Every competency of the framework that is not retired and whose level
// required at the target tier is above the employee's current level gets one
// item, with Gap = required − current, Priority from Priority, actions from
// the competency's development actions for the levels between (see
// MaxActions) and a due date WeeksPerLevel weeks per level of gap from Now.
//
// Items of the previous plan are carried over, never dropped:
//   - a closed item is kept as it is;
//   - an item whose competency is retired closes with CompetencyRetired;
//   - an item whose competency is no longer in the framework closes with
//     RoleChanged when the role changed, NotInFramework otherwise;
//   - an item whose gap is closed closes with Met;
//   - any other item keeps its id, status, note and creation date and has
//     its levels, gap, priority and actions recomputed; its due date is kept
//     when the gap did not change and recomputed from Now when it did.
//
// A done item whose gap is still open stays done: the employee said so, and
// the next assessment either closes it as Met or shows the gap, in which case
// the employee can move it back to in progress. Build never reopens an item
// and never opens a second item for a competency that has one not closed.
//
// A new item's id is derived from the employee id and the competency slug
// (and, when the plan already held closed items for the competency, their
// number), so the same inputs always give the same ids.
//
// When the result has the same content as in.Previous (see SameContent),
// Build returns in.Previous unchanged with Changed false; otherwise the new
// plan has Version = previous version + 1 (1 for the first), BuiltAt =
// in.Now, Basis = in.Basis and Changed true.
func Build(in Input) Plan {
	target := in.target()
	b := builder{
		in:          in,
		target:      target,
		levels:      in.levels(),
		roleChanged: in.roleChanged(),
		entries:     make(map[string]int, len(in.Framework.Entries)),
	}
	for i := range in.Framework.Entries {
		slug := in.Framework.Entries[i].Competency.Slug
		if _, dup := b.entries[slug]; !dup {
			b.entries[slug] = i
		}
	}

	var prev []Item
	if in.Previous != nil {
		prev = in.Previous.Items
	}
	items := make([]Item, 0, len(prev)+len(in.Framework.Entries))
	slugs := make(map[string]slugState, len(prev)+len(in.Framework.Entries))
	for _, it := range prev {
		st := slugs[it.CompetencySlug]
		st.held++
		if it.Status == Closed {
			slugs[it.CompetencySlug] = st
			items = append(items, it)
			continue
		}
		st.active = true
		slugs[it.CompetencySlug] = st
		items = append(items, b.revise(it))
	}
	for i := range in.Framework.Entries {
		e := &in.Framework.Entries[i]
		slug := e.Competency.Slug
		st := slugs[slug]
		if st.active || in.Retired[slug] {
			continue
		}
		it, ok := b.open(e, st.held)
		if !ok {
			continue
		}
		slugs[slug] = slugState{held: st.held + 1, active: true}
		items = append(items, it)
	}
	items = sorted(items)

	p := Plan{
		EmployeeID: in.EmployeeID,
		Role:       in.Framework.Role.Slug,
		Tier:       in.Tier,
		TargetTier: target,
		Version:    1,
		BuiltAt:    in.Now,
		Basis:      in.Basis,
		Items:      items,
		Changed:    true,
	}
	if in.Previous != nil {
		if in.Previous.SameContent(p) {
			out := *in.Previous
			out.Changed = false
			return out
		}
		p.Version = in.Previous.Version + 1
	}
	return p
}

// slugState is what Build knows of a competency's items: how many the plan
// held before this build and whether one is not closed.
type slugState struct {
	held   int
	active bool
}

// builder holds what Build derives once from its input.
type builder struct {
	in          Input
	target      competency.Tier
	levels      map[string]competency.Level
	roleChanged bool
	entries     map[string]int // slug → index in in.Framework.Entries
}

// current returns the employee's level in slug and whether it was assessed
// (level 1 and false when not).
func (b *builder) current(slug string) (competency.Level, bool) {
	if l, ok := b.levels[slug]; ok {
		return l, true
	}
	return competency.Basic, false
}

// open returns a new item for entry e when the employee is below the level
// the target tier requires; n is how many items the plan held for it before.
func (b *builder) open(e *competency.Entry, n int) (Item, bool) {
	slug := e.Competency.Slug
	req := e.Levels.At(b.target)
	cur, assessed := b.current(slug)
	if req <= cur {
		return Item{}, false
	}
	gap := int(req) - int(cur)
	return Item{
		ID:             itemID(b.in.EmployeeID, slug, n),
		CompetencySlug: slug,
		CurrentLevel:   cur,
		Assessed:       assessed,
		TargetLevel:    req,
		Gap:            gap,
		Priority:       Priority(gap, e.Group, b.in.relevance(slug)),
		Actions:        pickActions(e.Competency, cur, req),
		DueDate:        DueDate(b.in.Now, gap),
		Status:         NotStarted,
		CreatedAt:      b.in.Now,
	}, true
}

// revise returns the not-closed item it of the previous plan brought up to
// date, or closed with the reason it is no longer needed.
func (b *builder) revise(it Item) Item {
	slug := it.CompetencySlug
	if b.in.Retired[slug] {
		return b.close(it, CompetencyRetired)
	}
	i, ok := b.entries[slug]
	if !ok {
		if b.roleChanged {
			return b.close(it, RoleChanged)
		}
		return b.close(it, NotInFramework)
	}
	e := &b.in.Framework.Entries[i]
	req := e.Levels.At(b.target)
	cur, assessed := b.current(slug)
	it.CurrentLevel, it.Assessed, it.TargetLevel = cur, assessed, req
	if req <= cur {
		it.Gap, it.Priority = 0, 0
		return b.close(it, Met)
	}
	gap := int(req) - int(cur)
	if gap != it.Gap {
		it.DueDate = DueDate(b.in.Now, gap)
	}
	it.Gap = gap
	it.Priority = Priority(gap, e.Group, b.in.relevance(slug))
	it.Actions = pickActions(e.Competency, cur, req)
	return it
}

// close returns it closed now for reason r.
func (b *builder) close(it Item, r ClosedReason) Item {
	it.Status = Closed
	it.ClosedReason = r
	it.ClosedAt = b.in.Now
	return it
}

// sorted orders items by compareItems in place and returns them. It sorts
// indices rather than the items, which are large, then moves each item once
// by following the permutation's cycles.
func sorted(items []Item) []Item {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return compareItems(&items[i], &items[j]) })
	// Position k receives the item at idx[k].
	for i := range idx {
		if idx[i] == i {
			continue
		}
		tmp, j := items[i], i
		for {
			next := idx[j]
			idx[j] = j
			if next == i {
				items[j] = tmp
				break
			}
			items[j] = items[next]
			j = next
		}
	}
	return items
}

// compareItems orders items not closed by priority (highest first), then
// competency slug, then id; and after them the closed items, most recently
// closed first, then by slug and id.
func compareItems(a, b *Item) int {
	ac, bc := a.Status == Closed, b.Status == Closed
	switch {
	case ac != bc:
		if ac {
			return 1
		}
		return -1
	case ac:
		if c := b.ClosedAt.Compare(a.ClosedAt); c != 0 {
			return c
		}
	default:
		if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.CompetencySlug, b.CompetencySlug); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}
