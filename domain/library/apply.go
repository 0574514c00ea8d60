package library

import (
	"slices"
	"strings"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
)

// apply applies one override to the library being built. A slug the
// library lacks is brought in when the catalog has it, or when it names a
// proposal an admin approved (a skill phrase of the proposal vocabulary);
// other unknown slugs are ignored. Edits replace the name, description and
// the descriptors given (an edit that would repeat another level's
// descriptor is skipped); a status approves, restores or retires; Pinned
// marks the competency as kept.
func (b *builder) apply(cat *catalog.Catalog, o Override, ix *index) {
	c, ok := b.lib[o.Slug]
	if !ok {
		if cc, found := cat.Competency(o.Slug); found {
			lc := fromCatalog(cc, b.rel[o.Slug])
			c = &lc
		} else if label, found := proposalLabels()[o.Slug]; found && o.Status == StatusActive {
			pc := proposedCompetency(o.Slug, titleCase(label), competency.Technical)
			pc.Description = "Approved by an admin from an earlier proposal; the company's documents no longer mention " + quote(label) + "."
			pc.Keywords = []string{strings.ToLower(label)}
			c = &pc
		} else if name := strings.TrimSpace(o.Name); name != "" && o.Status == StatusActive {
			// A proposal approved earlier whose documents no longer raise
			// it: the app keeps its name, description and descriptors in
			// the override when an admin approves it.
			pc := proposedCompetency(o.Slug, name, newCoverage(cat.Competencies()).category(conceptStems(name)))
			pc.Description = "Approved by an admin from an earlier proposal; the company's documents no longer raise it."
			pc.Keywords = []string{strings.ToLower(name)}
			c = &pc
		} else {
			return
		}
		b.lib[o.Slug] = c
	}
	var why []string
	if o.Custom {
		why = append(why, "created by an admin")
	}
	if name := strings.TrimSpace(o.Name); name != "" && name != c.Name && !o.Custom {
		c.Name = name
		why = append(why, "renamed by an admin")
	}
	if d := strings.TrimSpace(o.Description); d != "" && d != c.Description && !o.Custom {
		c.Description = d
		why = append(why, "description edited by an admin")
	}
	if !o.Custom {
		ds := descriptorsOf(c.Levels)
		edited := false
		for i, d := range o.Descriptors {
			d = strings.TrimSpace(d)
			if d == "" || d == ds[i] || repeats(ds, i, d) {
				continue
			}
			ds[i] = d
			edited = true
		}
		if edited {
			c.Levels = levelDescriptors(ds)
			why = append(why, "level descriptors edited by an admin")
		}
	}
	switch o.Status {
	case StatusActive:
		if c.Status == StatusProposed && c.Origin == OriginDocument {
			why = append(why, "proposal approved by an admin")
		} else if c.Status != StatusActive {
			why = append(why, "approved by an admin")
		}
		c.Status = StatusActive
	case StatusRetired:
		c.Status = StatusRetired
		why = append(why, "retired by an admin")
	}
	if o.Pinned {
		c.Pinned = true
		why = append(why, "pinned by an admin")
	}
	if len(why) == 0 {
		why = append(why, "kept by an admin's override")
	}
	for _, w := range why {
		if !slices.Contains(c.Reasons, w) {
			c.Reasons = append(c.Reasons, w)
		}
	}
}

// repeats reports whether d is the descriptor of another level than i.
func repeats(ds [5]string, i int, d string) bool {
	for j, o := range ds {
		if j != i && strings.EqualFold(strings.TrimSpace(o), d) {
			return true
		}
	}
	return false
}

// customCompetency builds an admin's own competency from its override: its
// descriptors (those left empty are phrased around its name), keywords
// from its name and description, and evidence from the documents.
func customCompetency(o Override, ix *index) Competency {
	name := strings.Join(strings.Fields(o.Name), " ")
	c := proposedCompetency(o.Slug, name, o.Category)
	c.Origin = OriginCustom
	c.Status = StatusActive
	c.Description = strings.TrimSpace(o.Description)
	ds := descriptorsOf(c.Levels)
	for i, d := range o.Descriptors {
		if d = strings.TrimSpace(d); d != "" && !repeats(ds, i, d) {
			ds[i] = d
		}
	}
	c.Levels = levelDescriptors(ds)
	kws := contentWords(name, o.Description)
	if len(kws) > MaxValueKeywords {
		kws = kws[:MaxValueKeywords]
	}
	if len(kws) == 0 {
		kws = []string{strings.ToLower(name)}
	}
	c.Keywords = kws
	s := ix.score(competencyQuery(c.Definition()))
	c.Relevance = s.relevance
	if s.evidence != nil {
		c.Evidence = s.evidence
	}
	return c
}
