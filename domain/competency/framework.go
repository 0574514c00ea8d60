package competency

import "fmt"

// Entry is one competency in a role framework: the competency, whether it is
// core (Primary) or Supporting, the level required at each tier, and the
// adjustments that led from the base requirement to Levels.
type Entry struct {
	Competency  Competency   `json:"competency"`
	Group       Group        `json:"group"`
	Levels      Levels       `json:"levels"`
	Adjustments []Adjustment `json:"adjustments,omitempty"`
}

// Validate checks the competency, the group, the levels and the adjustments,
// and that each adjustment's To is the level now required at its tier.
func (e Entry) Validate() error {
	if err := e.Competency.Validate(); err != nil {
		return err
	}
	if !e.Group.Valid() {
		return fmt.Errorf("%w: %q has no group", ErrInvalidFramework, e.Competency.Slug)
	}
	if e.Levels.IsZero() {
		return fmt.Errorf("%w: %q has no levels", ErrInvalidFramework, e.Competency.Slug)
	}
	last := map[Tier]Level{}
	for _, a := range e.Adjustments {
		if err := a.Validate(); err != nil {
			return fmt.Errorf("%q: %w", e.Competency.Slug, err)
		}
		last[a.Tier] = a.To
	}
	for t, l := range last {
		if e.Levels.At(t) != l {
			return fmt.Errorf("%w: %q: last %s adjustment leads to %d, levels say %d",
				ErrInvalidFramework, e.Competency.Slug, t, l, e.Levels.At(t))
		}
	}
	return nil
}

// RoleFramework is the set of competencies a role needs in an industry, with
// the level required at each tier. Entries are ordered: primary entries
// first, in the order the framework's author gave them. The zero Industry
// means the role's base framework, not tailored to an industry.
type RoleFramework struct {
	Role        Role     `json:"role"`
	Industry    Industry `json:"industry"`
	Description string   `json:"description"`
	Entries     []Entry  `json:"entries"`
}

// Primary returns the core entries, in order.
func (f RoleFramework) Primary() []Entry { return f.group(Primary) }

// Supporting returns the supporting entries, in order.
func (f RoleFramework) Supporting() []Entry { return f.group(Supporting) }

func (f RoleFramework) group(g Group) []Entry {
	var out []Entry
	for _, e := range f.Entries {
		if e.Group == g {
			out = append(out, e)
		}
	}
	return out
}

// Entry returns the entry for the competency with the given slug.
func (f RoleFramework) Entry(slug string) (Entry, bool) {
	for _, e := range f.Entries {
		if e.Competency.Slug == slug {
			return e, true
		}
	}
	return Entry{}, false
}

// Required returns the level the framework requires for the competency slug
// at tier t, or the zero Level if the framework does not include it.
func (f RoleFramework) Required(slug string, t Tier) Level {
	e, ok := f.Entry(slug)
	if !ok {
		return 0
	}
	return e.Levels.At(t)
}

// Validate checks the role, every entry, and that no competency appears
// twice.
func (f RoleFramework) Validate() error {
	if err := f.Role.Validate(); err != nil {
		return err
	}
	if f.Industry != "" && !ValidSlug(string(f.Industry)) {
		return fmt.Errorf("%w: industry: %w", ErrInvalidFramework, ErrInvalidSlug)
	}
	seen := make(map[string]bool, len(f.Entries))
	for _, e := range f.Entries {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("framework %q: %w", f.Role.Slug, err)
		}
		if seen[e.Competency.Slug] {
			return fmt.Errorf("%w: %q lists %q twice", ErrInvalidFramework, f.Role.Slug, e.Competency.Slug)
		}
		seen[e.Competency.Slug] = true
	}
	return nil
}
