package library

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
)

// Thresholds for a catalog competency outside the company's role
// frameworks to join the library on the strength of its documents alone.
const (
	// RelevanceThreshold is the least relevance (0 to 1) of a competency
	// that some catalog role of the company's industry requires.
	RelevanceThreshold = 0.35
	// OtherIndustryThreshold is the least relevance of a competency that
	// no catalog role of the company's industry requires (clinical
	// judgement at a bank): words shared across fields ("escalate") must
	// not pull another field's competencies in.
	OtherIndustryThreshold = 0.6
	// ForeignIndustryThreshold is the least relevance of a competency
	// tagged only for industries other than the company's (Infection
	// Prevention and Control at a machining plant), and ForeignOwnTerms
	// the least number of distinct terms of its own (used by no other
	// catalog competency: "hand hygiene", "Kubernetes") its evidence must
	// match: such a competency's shared words mean something else here
	// ("PPE" is the plant's safety gear, not infection control), so only
	// documents that name its own concept bring it in. 0.85 is above what
	// a competency reaches from shared keywords in a handful of sentences,
	// and below what one sentence naming it reaches.
	ForeignIndustryThreshold = 0.85
	ForeignOwnTerms          = 2
)

// Build builds the library of inputs against the embedded catalog
// (catalog.Default). It is pure and deterministic: equal inputs give
// byte-identical JSON.
func Build(in Inputs) (Library, error) {
	return BuildWith(catalog.Default(), in)
}

// BuildWith builds the library of inputs against cat (DESIGN §4.1):
//
//  1. The documents are indexed (sentences, stems, BM25) and every catalog
//     competency is scored by its name, aliases, keywords and level
//     descriptors, keeping its best evidence sentences.
//  2. The roles are those given (unknown slugs ignored) or, when none are,
//     those the documents name in titles and headings, else the one whose
//     core competencies they are most about (see selectRoles).
//  3. The library holds the competencies of those roles' frameworks for
//     the company's industry, every competency whose relevance reaches
//     RelevanceThreshold, a cultural competency per value, and proposals
//     for recurring skill phrases no competency covers.
//  4. Overrides apply last: custom competencies, approvals, retirements,
//     edits and pins; overrides of unknown slugs that are not custom are
//     ignored.
//  5. Each role framework is tailored: strong evidence raises a level, and
//     every value joins as a supporting competency.
//
// Inputs with an unknown industry, documents without an id or sharing one,
// or an invalid or repeated override are rejected with an error wrapping
// ErrInvalidInputs or ErrInvalidOverride.
func BuildWith(cat *catalog.Catalog, in Inputs) (Library, error) {
	if cat == nil {
		return Library{}, fmt.Errorf("build library: %w: no catalog", ErrInvalidInputs)
	}
	if err := checkInputs(cat, in); err != nil {
		return Library{}, fmt.Errorf("build library: %w", err)
	}
	docs := slices.Clone(in.Documents)
	slices.SortFunc(docs, func(a, b Document) int { return strings.Compare(a.ID, b.ID) })
	ix := newIndex(docs)
	catalogComps := cat.Competencies()
	ix.termUse = catalogTermUse(catalogComps)

	rel := make(map[string]scored, len(catalogComps))
	if !ix.empty() {
		for _, c := range catalogComps {
			rel[c.Slug] = ix.score(competencyQuery(c))
		}
	}

	b := &builder{lib: map[string]*Competency{}, rel: rel, leftOut: map[string]string{}}
	roles := selectRoles(cat, in, docs, rel)
	var rfs []competency.RoleFramework
	for _, r := range roles {
		rf, err := cat.Framework(r.slug, in.Industry)
		if err != nil {
			return Library{}, fmt.Errorf("build library: %w", err)
		}
		rfs = append(rfs, rf)
		for _, e := range rf.Entries {
			// A role the documents suggest (not one the employees hold)
			// brings in only what the documents evidence: relevance 0
			// with no evidence is never active.
			if !r.held && len(rel[e.Competency.Slug].evidence) == 0 {
				b.leaveOut(e.Competency.Slug, "in the "+rf.Role.Title+" framework, a role the documents suggest, but no document sentence evidences it")
				continue
			}
			b.addCatalog(e.Competency, e.Group.String()+" competency of the "+rf.Role.Title+" framework")
		}
	}
	ofIndustry := industryCompetencies(cat, in.Industry)
	for _, c := range catalogComps {
		s := rel[c.Slug]
		threshold, why := RelevanceThreshold, ""
		switch {
		case foreign(c, in.Industry):
			threshold = ForeignIndustryThreshold
			why = "a competency of " + joinIndustries(c.Industries) + " needs relevance " + formatFloat(threshold) +
				" and " + plural(ForeignOwnTerms, "term") + " of its own in the documents"
			if own := ownMatches(s, ix.termUse); s.relevance >= threshold && own < ForeignOwnTerms {
				b.leaveOut(c.Slug, "relevance "+formatFloat(s.relevance)+" with "+plural(own, "term")+" of its own: "+why)
				continue
			}
		case ofIndustry != nil && !ofIndustry[c.Slug]:
			threshold = OtherIndustryThreshold
			why = "no catalog role of " + string(in.Industry) + " requires it, so it needs relevance " + formatFloat(threshold)
		default:
			why = "below the threshold " + formatFloat(threshold)
		}
		if s.relevance >= threshold {
			b.addCatalog(c, "relevance "+formatFloat(s.relevance)+" in "+plural(s.docs, "document"))
		} else if s.relevance > 0 {
			b.leaveOut(c.Slug, "relevance "+formatFloat(s.relevance)+" in "+plural(s.docs, "document")+": "+why)
		} else if len(s.evidence) > 0 {
			b.leaveOut(c.Slug, "only bare labels match it (a heading or a link of one or two words), no sentence")
		}
	}
	// A concept a document gives a section of its own is demanded: the
	// catalog competency its heading names joins (see
	// sectionCompetencies), or it is proposed (see sectionProposals).
	secs := sections(docs)
	named := sectionCompetencies(cat, secs, in.Industry, rel)
	for i := range secs {
		if slug := named[i]; slug != "" {
			if _, in := b.lib[slug]; !in {
				c, _ := cat.Competency(slug)
				b.addCatalog(c, "the section "+quote(secs[i].heading)+" of "+secs[i].docName+" is about it")
			}
		}
	}
	var valueSlugs []string
	for _, c := range valueCompetencies(in.Values, ix) {
		c.Reasons = []string{"a company value"}
		b.lib[c.Slug] = &c
		valueSlugs = append(valueSlugs, c.Slug)
	}
	overrides := slices.Clone(in.Overrides)
	slices.SortFunc(overrides, func(a, b Override) int { return strings.Compare(a.Slug, b.Slug) })
	for _, o := range overrides {
		if o.Custom {
			c := customCompetency(o, ix)
			b.lib[c.Slug] = &c
		}
	}

	cv := newCoverage(catalogComps)
	taken := map[string]bool{}
	for _, c := range catalogComps {
		taken[c.Slug] = true
	}
	for slug, c := range b.lib {
		taken[slug] = true
		cv.add(c.Definition())
	}
	approved := map[string]bool{}
	for _, o := range overrides {
		if o.Status == StatusActive && !taken[o.Slug] {
			approved[o.Slug] = true
		}
	}
	for _, c := range proposals(cat, ix, len(docs), cv, taken, approved, sectionProposals(cat, in.Industry, secs, docs, cv, rel, named, ix.termUse)) {
		b.lib[c.Slug] = &c
	}

	for _, o := range overrides {
		b.apply(cat, o, ix)
	}

	lib := Library{
		Digest:         DigestWith(cat, in),
		CatalogVersion: cat.Version(),
		Industry:       string(in.Industry),
		Competencies:   make([]Competency, 0, len(b.lib)),
		Frameworks:     make([]Framework, 0, len(rfs)),
	}
	for _, slug := range sortedKeys(b.lib) {
		lib.Competencies = append(lib.Competencies, *b.lib[slug])
	}
	lib.Considered = b.considered(cat)
	for i, rf := range rfs {
		lib.Frameworks = append(lib.Frameworks, tailor(rf, roles[i].reason, b.lib, valueSlugs, rel))
	}
	return lib, nil
}

// builder collects the library's competencies by slug.
type builder struct {
	lib map[string]*Competency
	rel map[string]scored
	// leftOut holds why a catalog competency was left out, by slug.
	leftOut map[string]string
}

// leaveOut records why a catalog competency was left out (the first
// reason wins).
func (b *builder) leaveOut(slug, reason string) {
	if _, ok := b.leftOut[slug]; !ok {
		b.leftOut[slug] = reason
	}
}

// considered lists the catalog competencies left out with their reasons,
// in slug order: those the library does not hold in the end.
func (b *builder) considered(cat *catalog.Catalog) []Considered {
	var out []Considered
	for _, slug := range sortedKeys(b.leftOut) {
		if _, in := b.lib[slug]; in {
			continue
		}
		c, ok := cat.Competency(slug)
		if !ok {
			continue
		}
		s := b.rel[slug]
		out = append(out, Considered{Slug: slug, Name: c.Name, Category: c.Category, Relevance: s.relevance,
			Reason: b.leftOut[slug], Evidence: firstEvidence(s.evidence, 1)})
	}
	return out
}

// foreign reports whether c is tagged only for industries other than ind
// (a company without an industry has no foreign competencies).
func foreign(c competency.Competency, ind competency.Industry) bool {
	return ind != "" && len(c.Industries) > 0 && !slices.Contains(c.Industries, ind)
}

// joinIndustries names industries: "healthcare" or "retail and hospitality".
func joinIndustries(inds []competency.Industry) string {
	ws := make([]string, len(inds))
	for i, ind := range inds {
		ws[i] = string(ind)
	}
	return joinList(ws)
}

// addCatalog adds a catalog competency (or only the reason, when it is
// already in).
func (b *builder) addCatalog(c competency.Competency, reason string) {
	if have, ok := b.lib[c.Slug]; ok {
		if !slices.Contains(have.Reasons, reason) {
			have.Reasons = append(have.Reasons, reason)
		}
		return
	}
	s := b.rel[c.Slug]
	lc := fromCatalog(c, s)
	lc.Reasons = []string{reason}
	b.lib[c.Slug] = &lc
}

// fromCatalog converts a catalog competency with its score.
func fromCatalog(c competency.Competency, s scored) Competency {
	ev := slices.Clone(s.evidence)
	if ev == nil {
		ev = []Evidence{}
	}
	return Competency{
		Slug:        c.Slug,
		Name:        c.Name,
		Category:    c.Category,
		Description: c.Description,
		Origin:      OriginCatalog,
		Status:      StatusActive,
		Relevance:   s.relevance,
		Levels:      levelDescriptors(c.Descriptors),
		Keywords:    c.Keywords,
		Aliases:     c.Aliases,
		Actions:     c.Actions,
		Evidence:    ev,
	}
}

// industryCompetencies returns the slugs of the competencies that some
// catalog role of the industry requires, or nil for no industry.
func industryCompetencies(cat *catalog.Catalog, ind competency.Industry) map[string]bool {
	if ind == "" {
		return nil
	}
	out := map[string]bool{}
	for _, r := range cat.Roles() {
		if !slices.Contains(r.Industries, ind) {
			continue
		}
		rf, err := cat.Framework(r.Role.Slug, ind)
		if err != nil {
			continue
		}
		for _, e := range rf.Entries {
			out[e.Competency.Slug] = true
		}
	}
	return out
}

// checkInputs rejects inputs Build cannot build from.
func checkInputs(cat *catalog.Catalog, in Inputs) error {
	if in.Industry != "" {
		if _, err := cat.ParseIndustry(string(in.Industry)); err != nil || cat.IndustryName(in.Industry) == "" {
			return fmt.Errorf("%w: industry %q is not in the catalog", ErrInvalidInputs, in.Industry)
		}
	}
	ids := make(map[string]bool, len(in.Documents))
	for i, d := range in.Documents {
		if d.ID == "" {
			return fmt.Errorf("%w: document %d has no id", ErrInvalidInputs, i)
		}
		if ids[d.ID] {
			return fmt.Errorf("%w: two documents have the id %q", ErrInvalidInputs, d.ID)
		}
		ids[d.ID] = true
	}
	slugs := make(map[string]bool, len(in.Overrides))
	for _, o := range in.Overrides {
		if err := ValidateOverride(o); err != nil {
			return err
		}
		if slugs[o.Slug] {
			return fmt.Errorf("%w: two overrides for %q", ErrInvalidOverride, o.Slug)
		}
		slugs[o.Slug] = true
	}
	return nil
}
