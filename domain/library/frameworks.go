package library

import (
	"slices"

	"github.com/cadrehq/cadre/domain/competency"
)

// Tailoring of role frameworks by evidence.
const (
	// StrongRelevance is the least relevance for evidence to raise a
	// competency's required level.
	StrongRelevance = 0.9
	// StrongDocuments is the least number of documents that evidence must
	// come from.
	StrongDocuments = 2
	// MaxEntryEvidence bounds the evidence sentences copied into a
	// framework entry.
	MaxEntryEvidence = 2
)

// valueLevels are the levels every role requires of a company value's
// competency: Developing at entry, Proficient at mid, Advanced at senior.
var valueLevels, _ = competency.NewLevels(competency.Developing, competency.Proficient, competency.Advanced)

// tailor turns a catalog role framework into the company's: entries of
// competencies that are not active in the library are left out, names and
// descriptions follow the library (an admin's edits included), a
// competency with strong evidence (relevance at least StrongRelevance in
// at least StrongDocuments documents) gets its senior level raised by one,
// or its mid level when senior is already Expert, and every company value
// is added as a supporting competency at valueLevels. Every change records
// an adjustment with its reason.
func tailor(rf competency.RoleFramework, reason string, lib map[string]*Competency, values []string, rel map[string]scored) Framework {
	f := Framework{
		Role:         RoleRef{Slug: rf.Role.Slug, Title: rf.Role.Title},
		Industry:     string(rf.Industry),
		Description:  rf.Description,
		Competencies: []FrameworkEntry{},
		Reason:       reason,
	}
	where := "the catalog's " + rf.Role.Title + " framework"
	if rf.Industry != "" {
		where += " for " + string(rf.Industry)
	}
	for _, e := range rf.Entries {
		c, ok := lib[e.Competency.Slug]
		if !ok || c.Status != StatusActive {
			continue
		}
		fe := FrameworkEntry{
			Slug:        c.Slug,
			Name:        c.Name,
			Category:    c.Category,
			Description: c.Description,
			Group:       e.Group,
			Levels:      e.Levels,
			Adjustments: slices.Clone(e.Adjustments),
			Evidence:    firstEvidence(c.Evidence, MaxEntryEvidence),
			Reason:      e.Group.String() + " competency in " + where,
		}
		if s := rel[c.Slug]; s.relevance >= StrongRelevance && s.docs >= StrongDocuments && len(s.evidence) > 0 {
			fe.Levels, fe.Adjustments = raise(fe.Levels, fe.Adjustments, strongReason(s))
		}
		f.Competencies = append(f.Competencies, fe)
	}
	for _, slug := range values {
		c, ok := lib[slug]
		if !ok || c.Status != StatusActive || slices.ContainsFunc(f.Competencies, func(e FrameworkEntry) bool { return e.Slug == slug }) {
			continue
		}
		f.Competencies = append(f.Competencies, FrameworkEntry{
			Slug:        c.Slug,
			Name:        c.Name,
			Category:    c.Category,
			Description: c.Description,
			Group:       competency.Supporting,
			Levels:      valueLevels,
			Evidence:    firstEvidence(c.Evidence, MaxEntryEvidence),
			Reason: "company value " + quote(c.Name) + ": expected of every role, " +
				valueLevels.At(competency.TierEntry).Label() + " at entry, " +
				valueLevels.At(competency.TierMid).Label() + " at mid and " +
				valueLevels.At(competency.TierSenior).Label() + " at senior level",
		})
	}
	return f
}

// raise raises the senior level by one, or the mid level when senior is
// already Expert, and records the adjustment.
func raise(l competency.Levels, adj []competency.Adjustment, reason string) (competency.Levels, []competency.Adjustment) {
	for _, t := range []competency.Tier{competency.TierSenior, competency.TierMid} {
		from := l.At(t)
		if from >= competency.Expert {
			continue
		}
		nl, err := l.With(t, from+1)
		if err != nil {
			continue
		}
		return nl, append(adj, competency.Adjustment{Tier: t, From: from, To: from + 1, Reason: reason})
	}
	return l, adj
}

// strongReason cites the evidence that raised a level.
func strongReason(s scored) string {
	e := s.evidence[0]
	return "raised by one: strong evidence in the company's documents (relevance " + formatFloat(s.relevance) +
		" across " + plural(s.docs, "document") + "), e.g. " + quote(clip(e.Excerpt, 160)) + " in " + e.DocumentID
}

// firstEvidence returns up to n document evidence sentences of es.
func firstEvidence(es []Evidence, n int) []Evidence {
	var out []Evidence
	for _, e := range es {
		if e.DocumentID == "" {
			continue
		}
		out = append(out, e)
		if len(out) == n {
			break
		}
	}
	return out
}
