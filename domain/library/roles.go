package library

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/text/analysis"
)

// Role inference, used when Inputs.Roles is empty.
const (
	// TitleMatchScore is the least catalog.Match score a document title or
	// heading needs to count as naming a role.
	TitleMatchScore = 0.9
	// MaxHeadingBytes bounds the lines read as headings: a short line
	// without a final full stop ("Site Reliability Engineer").
	MaxHeadingBytes = 60
	// RoleContentRelevance is the least mean relevance of a role's
	// framework (primary competencies counting twice) for the documents'
	// content to select the role.
	RoleContentRelevance = 0.6
	// MaxInferredRoles bounds the roles inferred from documents.
	MaxInferredRoles = 5
)

// roleChoice is one role of the library and why it is there.
type roleChoice struct {
	slug   string
	reason string
	// held: the company's employees hold the role (Inputs.Roles), as
	// opposed to a role the documents suggest.
	held bool
}

// selectRoles returns the roles the library has frameworks for, in slug
// order. Given roles win (unknown slugs are ignored). Without any, roles
// are inferred from the documents: every role whose title or alias is a
// document title or heading (a short line) matched by catalog.Match with
// at least TitleMatchScore to a known title with the same head noun
// ("Backend Engineer" to "backend engineer", but not "Continuous
// improvement" to "Continuous Improvement Specialist"), ranked by the number of documents naming it; and,
// when no heading names a role, the role whose framework is most relevant
// to the documents (the mean relevance of its competencies, primary ones
// counting twice), if that reaches RoleContentRelevance.
func selectRoles(cat *catalog.Catalog, in Inputs, docs []Document, rel map[string]scored) []roleChoice {
	var out []roleChoice
	for _, r := range in.Roles {
		if _, ok := cat.Role(r); ok && !slices.ContainsFunc(out, func(c roleChoice) bool { return c.slug == r }) {
			out = append(out, roleChoice{slug: r, reason: "held by the company's employees", held: true})
		}
	}
	if len(in.Roles) > 0 {
		slices.SortFunc(out, func(a, b roleChoice) int { return strings.Compare(a.slug, b.slug) })
		return out
	}
	out = rolesFromHeadings(cat, docs)
	if len(out) == 0 {
		if rc, ok := roleFromContent(cat, in, rel); ok {
			out = append(out, rc)
		}
	}
	slices.SortFunc(out, func(a, b roleChoice) int { return strings.Compare(a.slug, b.slug) })
	return out
}

// rolesFromHeadings matches document titles and headings to catalog roles.
func rolesFromHeadings(cat *catalog.Catalog, docs []Document) []roleChoice {
	type vote struct {
		slug  string
		docs  int
		first string // the first heading naming it, in document order
		doc   string
	}
	type result struct {
		m  catalog.Match
		ok bool
	}
	// Documents share headings ("Responsibilities"); match each once.
	cache := map[string]result{}
	match := func(h string) (catalog.Match, bool) {
		if r, ok := cache[h]; ok {
			return r.m, r.ok
		}
		m, ok := cat.Match(h)
		ok = ok && m.Score >= TitleMatchScore && sameHead(h, m.Via)
		cache[h] = result{m, ok}
		return m, ok
	}
	votes := map[string]*vote{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, h := range headings(d) {
			m, ok := match(h)
			if !ok || seen[m.Role.Slug] {
				continue
			}
			seen[m.Role.Slug] = true
			v := votes[m.Role.Slug]
			if v == nil {
				v = &vote{slug: m.Role.Slug, first: h, doc: d.ID}
				votes[m.Role.Slug] = v
			}
			v.docs++
		}
	}
	vs := make([]*vote, 0, len(votes))
	for _, v := range votes {
		vs = append(vs, v)
	}
	slices.SortFunc(vs, func(a, b *vote) int {
		if c := cmp.Compare(b.docs, a.docs); c != 0 {
			return c
		}
		return strings.Compare(a.slug, b.slug)
	})
	if len(vs) > MaxInferredRoles {
		vs = vs[:MaxInferredRoles]
	}
	out := make([]roleChoice, len(vs))
	for i, v := range vs {
		out[i] = roleChoice{slug: v.slug, reason: "named by the heading “" + v.first + "” of document " + v.doc}
	}
	return out
}

// sameHead reports whether a heading of two words or more ends with the
// same word as the title it matched: the head noun of a role title
// ("Engineer", "Nurse", "Manager"), so that "Continuous improvement" does
// not name the role "Continuous Improvement Specialist".
func sameHead(heading, title string) bool {
	h, t := analysis.Tokens(heading), analysis.Tokens(title)
	return len(h) >= 2 && len(t) >= 2 && h[len(h)-1].Text == t[len(t)-1].Text
}

// headings returns a document's title and the short lines of its text that
// read like headings or role titles.
func headings(d Document) []string {
	var out []string
	if t := strings.TrimSpace(d.Title); t != "" {
		out = append(out, t)
	}
	for line := range strings.Lines(d.Text) {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#*-•>| "))
		line = strings.TrimRight(line, ":*| ")
		if line == "" || len(line) > MaxHeadingBytes || strings.HasSuffix(line, ".") || !utf8.ValidString(line) {
			continue
		}
		if n := len(strings.Fields(line)); n > 6 {
			continue
		}
		out = append(out, line)
	}
	return out
}

// roleFromContent picks the role whose primary competencies are most
// relevant to the documents.
func roleFromContent(cat *catalog.Catalog, in Inputs, rel map[string]scored) (roleChoice, bool) {
	best, bestScore := "", 0.0
	for _, r := range cat.Roles() {
		f, err := cat.Framework(r.Role.Slug, in.Industry)
		if err != nil {
			continue
		}
		sum, n := 0.0, 0.0
		for _, e := range f.Entries {
			w := 1.0
			if e.Group == competency.Primary {
				w = 2
			}
			sum += w * rel[e.Competency.Slug].relevance
			n += w
		}
		if n == 0 {
			continue
		}
		if s := sum / n; s > bestScore {
			best, bestScore = r.Role.Slug, s
		}
	}
	if bestScore < RoleContentRelevance {
		return roleChoice{}, false
	}
	return roleChoice{slug: best, reason: "its framework is the most relevant to the documents (mean relevance " + formatFloat(round4(bestScore)) + ")"}, true
}
