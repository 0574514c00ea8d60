package library

import (
	"slices"
	"strings"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/text/analysis"
)

// Section proposals: a concept a document gives a section of its own, which
// no catalog competency covers, proposed in the section's words.

// sectionProposal is a concept a document gives a section of its own and
// no competency covers.
type sectionProposal struct {
	slug, name string
	stems      []string
	category   competency.Category
	sec        section
	text       string // the document's text
	mentions   int
}

// sectionProposals returns the proposals of the sections no competency
// covers: the heading names a concept (not a job title, a time phrase,
// document furniture or a generic verb; see notAConcept) that no catalog
// or library competency's name, alias or keyword covers, the body comes
// back to it in at least SectionMinMentions sentences, and no catalog
// competency has two evidence sentences in the section. Ordered by
// document and position; one proposal per concept.
func sectionProposals(cat *catalog.Catalog, ind competency.Industry, secs []section, docs []Document, cv *coverage, rel map[string]scored, named map[int]string, termUse map[string]int) []sectionProposal {
	texts := make(map[string]string, len(docs))
	for _, d := range docs {
		texts[d.ID] = d.Text
	}
	var out []sectionProposal
	// The checks that depend on the heading alone are made once per
	// concept: documents repeat their headings.
	rejected := map[string]bool{}
	for i, s := range secs {
		if len(out) >= MaxProposals {
			break
		}
		if named[i] != "" {
			continue
		}
		concept := headingConcept(s.heading)
		if concept == "" || rejected[concept] {
			continue
		}
		name := titleCase(capitalise(strings.ToLower(concept)))
		slug := slugify(name, competency.MaxSlugLen)
		if slug == "" || slices.ContainsFunc(out, func(o sectionProposal) bool { return o.slug == slug }) {
			continue
		}
		stems := conceptStems(concept)
		if cv.coversConcept(stems) || cv.coversConcept(analysis.Terms(concept)) || notAConcept(cat, concept) != "" {
			rejected[concept] = true
			continue
		}
		n := s.mentions(texts[s.doc], concept)
		if n < SectionMinMentions || (len(stems) == 1 && !activityNoun(concept) && n < SectionThingMentions) ||
			sectionCovered(cat, ind, s, rel) || sectionAbout(cat, s, texts[s.doc], rel, termUse) {
			continue
		}
		out = append(out, sectionProposal{slug: slug, name: name, stems: stems, category: cv.category(stems), sec: s, text: texts[s.doc], mentions: n})
	}
	return out
}

// SectionAboutRelevance is the least relevance a catalog competency needs
// on a section's body alone for the section to be about it (and its
// heading's concept covered), and SectionThingMentions the least number
// of times a section must name a one-word concept that is a thing, not an
// activity ("The grill"), for it to be proposed.
const (
	SectionAboutRelevance = 0.5
	SectionThingMentions  = 5
)

// sectionAbout reports whether some catalog competency that the documents
// match at all reaches SectionAboutRelevance on the section's body alone
// ("Security of examination papers" is about exam administration).
func sectionAbout(cat *catalog.Catalog, s section, text string, rel map[string]scored, termUse map[string]int) bool {
	var body strings.Builder
	for _, sp := range s.sentences {
		body.WriteString(text[sp.Start:sp.End])
		body.WriteString("\n")
	}
	ix := newIndex([]Document{{ID: s.doc, Text: body.String()}})
	ix.termUse = termUse
	for _, c := range cat.Competencies() {
		if rel[c.Slug].relevance == 0 {
			continue
		}
		if ix.score(competencyQuery(c)).relevance >= SectionAboutRelevance {
			return true
		}
	}
	return false
}

// sectionCovered reports whether some catalog competency of the company's
// industry (or of none) has at least two evidence sentences in the
// section: the section is about it.
func sectionCovered(cat *catalog.Catalog, ind competency.Industry, s section, rel map[string]scored) bool {
	for slug, sc := range rel {
		// Another industry's competency does not cover a concept here
		// (a hotel's "deposit" is not a bank's safe deposit box).
		if c, ok := cat.Competency(slug); !ok || foreign(c, ind) {
			continue
		}
		if body, _ := s.evidenced(sc); body >= 2 {
			return true
		}
	}
	return false
}

// competency builds the proposed competency of a section: named in the
// heading's words, with level descriptors drafted from the section's
// sentences that state expectations, the section's sentences as evidence
// and the reason.
func (sp sectionProposal) competency(ix *index) Competency {
	c := proposedCompetency(sp.slug, sp.name, sp.category)
	n := inSentence(sp.name)
	where := quote(sp.sec.heading) + " of " + sp.sec.docName
	c.Description = "Proposed from the company's documents: the section " + where + " is about " + n +
		" and no competency of the catalog or the library covers it."
	var expect []string
	for _, span := range sp.sec.sentences {
		sent := sp.text[span.Start:span.End]
		terms := conceptTerms(sent, sp.stems)
		if len(terms) > 0 && len(c.Evidence) < MaxEvidence {
			c.Evidence = append(c.Evidence, Evidence{DocumentID: sp.sec.doc, Excerpt: sent, Start: span.Start, End: span.End, Terms: terms})
		}
		if expectation(sent) {
			expect = append(expect, sent)
		}
	}
	c.Levels = draftLevels(n, expect, descriptorsOf(c.Levels))
	q := analysis.Query{Terms: []analysis.QueryTerm{{Text: sp.name, Weight: NameWeight}}}
	c.Relevance = ix.score(q).relevance
	c.Keywords = []string{strings.ToLower(sp.name)}
	c.Reasons = []string{"the section " + where + " is about it (its body names it " + plural(sp.mentions, "time") + ")"}
	return c
}

// draftLevels drafts five level descriptors of a proposal from the
// documents' expectation sentences, in document order: each level quotes
// one sentence under the level's own framing; levels without a sentence
// keep the fallback.
func draftLevels(name string, expect []string, fallback [5]string) []LevelDescriptor {
	frames := [5]string{
		"Knows what the company expects of " + name + ": ",
		"Does what the documents ask with some guidance: ",
		"Does it independently and reliably: ",
		"Makes sure the team does it and helps others learn it: ",
		"Sets and improves the company's practice of " + name + ", including: ",
	}
	ds := fallback
	for i := 0; i < 5 && i < len(expect); i++ {
		ds[i] = frames[i] + quote(strings.TrimRight(clip(expect[i], 200), "."))
	}
	return levelDescriptors(ds)
}

// conceptTerms returns the words of a sentence that are concept words of
// a proposal (neither generic nor furniture), as they appear.
func conceptTerms(sentence string, stems []string) []string {
	var out []string
	for _, tk := range analysis.Tokens(sentence) {
		st := analysis.Stem(tk.Text)
		if slices.Contains(stems, st) && !analysis.IsGeneric(st) && !furnitureStems[st] && !proseStems[st] && !genericVerbStems[st] {
			if w := sentence[tk.Start:tk.End]; !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}
