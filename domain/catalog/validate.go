package catalog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
)

// MinPrimary and MinSupporting are the fewest primary and supporting
// competencies a role's base framework may have.
const (
	MinPrimary    = 3
	MinSupporting = 3
)

// Validate checks the catalog's rules and returns every violation found,
// joined, each wrapping ErrInvalidData: every competency is valid (five
// distinct descriptors, keywords, actions for every level); every role has a
// title, a description, industries, at least MinPrimary primary and
// MinSupporting supporting competencies, all defined and none twice, with
// levels that never decrease from entry to senior; every industry variant
// names a known industry and defined competencies, changes something, gives
// a reason, and gives a group exactly when it adds a competency; and every
// resulting framework is valid.
func (c *Catalog) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrInvalidData, fmt.Sprintf(format, args...)))
	}
	for _, comp := range c.competencies {
		if err := comp.Validate(); err != nil {
			bad("%v", err)
		}
	}
	for _, r := range c.roles {
		slug := r.info.Role.Slug
		if err := r.info.Role.Validate(); err != nil {
			bad("%v", err)
		}
		if strings.TrimSpace(r.info.Description) == "" {
			bad("role %q has no description", slug)
		}
		if len(r.info.Industries) == 0 {
			bad("role %q lists no industries", slug)
		}
		groups := map[competency.Group]int{}
		seen := map[string]bool{}
		for _, b := range r.base {
			if _, ok := c.compIndex[b.slug]; !ok {
				bad("role %q uses undefined competency %q", slug, b.slug)
			}
			if seen[b.slug] {
				bad("role %q lists %q twice", slug, b.slug)
			}
			if b.levels.IsZero() {
				bad("role %q: %q has no levels", slug, b.slug)
			}
			seen[b.slug] = true
			groups[b.group]++
		}
		if groups[competency.Primary] < MinPrimary || groups[competency.Supporting] < MinSupporting {
			bad("role %q has %d primary and %d supporting competencies, want at least %d and %d",
				slug, groups[competency.Primary], groups[competency.Supporting], MinPrimary, MinSupporting)
		}
		for ind, changes := range r.variants {
			changed := map[string]bool{}
			for _, ch := range changes {
				where := fmt.Sprintf("role %q, %s variant, %q", slug, ind, ch.Competency)
				if _, ok := c.compIndex[ch.Competency]; !ok {
					bad("%s: undefined competency", where)
				}
				if changed[ch.Competency] {
					bad("%s: changed twice", where)
				}
				changed[ch.Competency] = true
				if strings.TrimSpace(ch.Reason) == "" {
					bad("%s: no reason", where)
				}
				if ch.Levels.IsZero() {
					bad("%s: no levels", where)
				}
				if seen[ch.Competency] {
					if ch.Group != "" {
						bad("%s: group given for a competency already in the framework", where)
					}
					for _, b := range r.base {
						if b.slug == ch.Competency && b.levels == ch.Levels {
							bad("%s: levels equal the base framework's", where)
						}
					}
				} else if _, err := competency.ParseGroup(ch.Group); err != nil {
					bad("%s: added without a valid group: %v", where, err)
				}
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, r := range c.roles {
		inds := append([]competency.Industry{""}, c.industries...)
		for _, ind := range inds {
			f, err := c.framework(r.info.Role.Slug, ind, func(comp competency.Competency) competency.Competency { return comp })
			if err == nil {
				err = checkEntries(f)
			}
			if err != nil {
				bad("framework %q in %q: %v", r.info.Role.Slug, ind, err)
			}
		}
	}
	return errors.Join(errs...)
}

// checkEntries validates a framework built from competencies Validate has
// already checked: every entry has a group and levels, each adjustment is
// valid and the last one per tier leads to the entry's level, and no
// competency appears twice.
func checkEntries(f competency.RoleFramework) error {
	seen := make(map[string]bool, len(f.Entries))
	for _, e := range f.Entries {
		slug := e.Competency.Slug
		if seen[slug] {
			return fmt.Errorf("%q listed twice", slug)
		}
		seen[slug] = true
		if !e.Group.Valid() || e.Levels.IsZero() {
			return fmt.Errorf("%q has no group or no levels", slug)
		}
		last := map[competency.Tier]competency.Level{}
		for _, a := range e.Adjustments {
			if err := a.Validate(); err != nil {
				return fmt.Errorf("%q: %w", slug, err)
			}
			last[a.Tier] = a.To
		}
		for t, l := range last {
			if e.Levels.At(t) != l {
				return fmt.Errorf("%q: %s adjustment leads to %d, levels say %d", slug, t, l, e.Levels.At(t))
			}
		}
	}
	return nil
}
