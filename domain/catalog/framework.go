package catalog

import (
	"fmt"

	"github.com/cadrehq/cadre/domain/competency"
)

// Framework returns the framework of a role in an industry: the role's base
// framework with the industry's variant applied. Level changes keep the
// entry's place and record one Adjustment per changed tier; added
// competencies go after the base entries of their group and record
// adjustments from the zero Level. Every adjustment carries the variant's
// reason. The zero Industry yields the base framework.
//
// An unknown role wraps ErrUnknownRole; an industry the catalog does not
// define wraps ErrUnknownIndustry. A known industry with no variant for the
// role yields the base framework labelled with that industry.
func (c *Catalog) Framework(roleSlug string, industry competency.Industry) (competency.RoleFramework, error) {
	return c.framework(roleSlug, industry, cloneCompetency)
}

// framework builds a framework, copying each competency with cp (Validate
// passes the identity, since it only reads the result).
func (c *Catalog) framework(roleSlug string, industry competency.Industry, cp func(competency.Competency) competency.Competency) (competency.RoleFramework, error) {
	i, ok := c.roleIndex[roleSlug]
	if !ok {
		return competency.RoleFramework{}, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownRole, roleSlug, c.roleSlugs())
	}
	if industry != "" {
		if _, ok := c.industryNames[industry]; !ok {
			return competency.RoleFramework{}, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownIndustry, industry, joinIndustries(c.industries))
		}
	}
	r := c.roles[i]
	f := competency.RoleFramework{
		Role:        r.info.Role,
		Industry:    industry,
		Description: r.info.Description,
		Entries:     make([]competency.Entry, 0, len(r.base)+len(r.variants[industry])),
	}
	for _, b := range r.base {
		f.Entries = append(f.Entries, competency.Entry{
			Competency: cp(c.competencies[c.compIndex[b.slug]]),
			Group:      b.group,
			Levels:     b.levels,
		})
	}
	var added []competency.Entry
	for _, ch := range r.variants[industry] {
		if k := entryIndex(f.Entries, ch.Competency); k >= 0 {
			e := &f.Entries[k]
			e.Adjustments = append(e.Adjustments, diff(e.Levels, ch.Levels, ch.Reason)...)
			e.Levels = ch.Levels
			continue
		}
		g, _ := competency.ParseGroup(ch.Group) // checked by Validate
		added = append(added, competency.Entry{
			Competency:  cp(c.competencies[c.compIndex[ch.Competency]]),
			Group:       g,
			Levels:      ch.Levels,
			Adjustments: diff(competency.Levels{}, ch.Levels, ch.Reason),
		})
	}
	for _, g := range []competency.Group{competency.Primary, competency.Supporting} {
		for _, e := range added {
			if e.Group == g {
				f.Entries = insertAfterGroup(f.Entries, e)
			}
		}
	}
	return f, nil
}

// entryIndex returns the index of the entry for slug, or -1.
func entryIndex(es []competency.Entry, slug string) int {
	for i, e := range es {
		if e.Competency.Slug == slug {
			return i
		}
	}
	return -1
}

// insertAfterGroup inserts e after the last entry of its group (primary
// entries precede supporting ones).
func insertAfterGroup(es []competency.Entry, e competency.Entry) []competency.Entry {
	at := len(es)
	if e.Group == competency.Primary {
		at = 0
		for at < len(es) && es[at].Group == competency.Primary {
			at++
		}
	}
	es = append(es, competency.Entry{})
	copy(es[at+1:], es[at:])
	es[at] = e
	return es
}

// diff returns one adjustment per tier whose level differs between from and
// to, in tier order.
func diff(from, to competency.Levels, reason string) []competency.Adjustment {
	var out []competency.Adjustment
	for _, t := range competency.Tiers {
		if from.At(t) != to.At(t) {
			out = append(out, competency.Adjustment{Tier: t, From: from.At(t), To: to.At(t), Reason: reason})
		}
	}
	return out
}
