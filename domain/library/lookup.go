package library

import (
	"slices"
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
)

// Competency returns the library's competency with the given slug, whatever
// its status.
func (l Library) Competency(slug string) (Competency, bool) {
	i, ok := slices.BinarySearchFunc(l.Competencies, slug, func(c Competency, s string) int {
		return strings.Compare(c.Slug, s)
	})
	if ok {
		return l.Competencies[i], true
	}
	// A library decoded from elsewhere may not be sorted.
	for _, c := range l.Competencies {
		if c.Slug == slug {
			return c, true
		}
	}
	return Competency{}, false
}

// Framework returns the tailored framework of a role.
func (l Library) Framework(role string) (Framework, bool) {
	for _, f := range l.Frameworks {
		if f.Role.Slug == role {
			return f, true
		}
	}
	return Framework{}, false
}

// Active returns the competencies whose status is active, in slug order.
func (l Library) Active() []Competency {
	var out []Competency
	for _, c := range l.Competencies {
		if c.Status == StatusActive {
			out = append(out, c)
		}
	}
	return out
}

// RoleFramework returns the tailored framework of a role as a
// competency.RoleFramework for assessments and plans: each entry carries
// the library's full competency (its descriptors, keywords, aliases and
// actions); competencies that are retired or still proposed are left out.
// The result passes competency.RoleFramework.Validate.
func (l Library) RoleFramework(role string) (competency.RoleFramework, bool) {
	f, ok := l.Framework(role)
	if !ok {
		return competency.RoleFramework{}, false
	}
	rf := competency.RoleFramework{
		Role:        competency.Role{Slug: f.Role.Slug, Title: f.Role.Title},
		Industry:    competency.Industry(f.Industry),
		Description: f.Description,
		Entries:     make([]competency.Entry, 0, len(f.Competencies)),
	}
	for _, e := range f.Competencies {
		c, ok := l.Competency(e.Slug)
		if !ok || c.Status != StatusActive {
			continue
		}
		rf.Entries = append(rf.Entries, competency.Entry{
			Competency:  c.Definition(),
			Group:       e.Group,
			Levels:      e.Levels,
			Adjustments: slices.Clone(e.Adjustments),
		})
	}
	return rf, true
}

// Definition returns c as a competency.Competency: its descriptors in level
// order, keywords (the name when it has none), aliases and actions.
func (c Competency) Definition() competency.Competency {
	out := competency.Competency{
		Slug:        c.Slug,
		Name:        c.Name,
		Category:    c.Category,
		Description: c.Description,
		Keywords:    slices.Clone(c.Keywords),
		Aliases:     slices.Clone(c.Aliases),
		Actions:     make(map[competency.Level][]competency.Action, len(c.Actions)),
	}
	for _, d := range c.Levels {
		if l, err := competency.ParseLevel(d.Level); err == nil {
			out.Descriptors[l-1] = d.Descriptor
		}
	}
	for l, as := range c.Actions {
		out.Actions[l] = slices.Clone(as)
	}
	if len(out.Keywords) == 0 {
		out.Keywords = []string{c.Name}
	}
	return out
}

// levelDescriptors turns five descriptors into the library's level list.
func levelDescriptors(ds [5]string) []LevelDescriptor {
	out := make([]LevelDescriptor, 5)
	for i, d := range ds {
		l := competency.Level(i + 1)
		out[i] = LevelDescriptor{Level: i + 1, Label: l.Label(), Descriptor: d}
	}
	return out
}

// descriptorsOf returns the five descriptors of a level list.
func descriptorsOf(ls []LevelDescriptor) [5]string {
	var out [5]string
	for _, d := range ls {
		if d.Level >= 1 && d.Level <= 5 {
			out[d.Level-1] = d.Descriptor
		}
	}
	return out
}
