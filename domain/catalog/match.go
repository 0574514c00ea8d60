package catalog

import (
	"math"
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
)

// MatchThreshold is the least similarity Match accepts for a title that is
// not a known title or alias. It was chosen on the O*NET alternate-title
// test table: lower values start to map unrelated titles to a role.
const MatchThreshold = 0.6

// Match is the role a job title was matched to. Score is 1 for an exact hit
// on a known title or alias (after normalisation) and otherwise the cosine
// similarity (TF-IDF weighted tokens) with the closest known title, in
// [MatchThreshold, 1). Via is the known title or alias that matched.
type Match struct {
	Role  competency.Role `json:"role"`
	Score float64         `json:"score"`
	Via   string          `json:"via"`
}

// matcher indexes known titles: exact keys and a TF-IDF inverted index.
type matcher struct {
	exact    map[string]int // normalised key -> doc
	docs     []titleDoc
	postings map[string][]int32 // token -> docs containing it
	idf      map[string]float64
	maxIDF   float64
}

// titleDoc is one known title.
type titleDoc struct {
	role   competency.Role
	title  string
	tokens []string
	norm   float64
}

// newMatcher indexes, in priority order, each role's title and aliases and
// then the O*NET titles per role. The first role to claim a normalised title
// keeps it.
func newMatcher(roles []role, titles map[string][]string) *matcher {
	m := &matcher{exact: map[string]int{}, postings: map[string][]int32{}, idf: map[string]float64{}}
	add := func(r competency.Role, title string) {
		toks := dedupe(titleTokens(title))
		if len(toks) == 0 {
			return
		}
		key := strings.Join(toks, " ")
		if _, ok := m.exact[key]; ok {
			return
		}
		m.exact[key] = len(m.docs)
		for _, t := range toks {
			m.postings[t] = append(m.postings[t], int32(len(m.docs)))
		}
		m.docs = append(m.docs, titleDoc{role: r, title: title, tokens: toks})
	}
	for _, r := range roles {
		add(r.info.Role, r.info.Role.Title)
		for _, a := range r.aliases {
			add(r.info.Role, a)
		}
	}
	for _, r := range roles {
		for _, t := range titles[r.info.Role.Slug] {
			add(r.info.Role, t)
		}
	}
	n := float64(len(m.docs))
	m.maxIDF = math.Log(n+1) + 1
	for t, ps := range m.postings {
		m.idf[t] = math.Log((n+1)/float64(len(ps)+1)) + 1
	}
	for i := range m.docs {
		var s float64
		for _, t := range m.docs[i].tokens {
			s += m.idf[t] * m.idf[t]
		}
		m.docs[i].norm = math.Sqrt(s)
	}
	return m
}

// Match maps a free-text job title to a catalog role. The title is
// normalised (case, punctuation, seniority words such as "Sr.", "II" or
// "Lead", abbreviations such as "Eng" for "Engineer"); an exact hit on a
// known title or alias wins, otherwise the most similar known title does if
// its similarity reaches MatchThreshold. It reports false when nothing is
// close enough. The title index is built on the first call.
func (c *Catalog) Match(title string) (Match, bool) {
	c.matcherOnce.Do(func() { c.matcher = newMatcher(c.roles, c.titles) })
	return c.matcher.match(title)
}

func (m *matcher) match(title string) (Match, bool) {
	toks := dedupe(titleTokens(title))
	if len(toks) == 0 {
		return Match{}, false
	}
	if i, ok := m.exact[strings.Join(toks, " ")]; ok {
		d := m.docs[i]
		return Match{Role: d.role, Score: 1, Via: d.title}, true
	}
	var qnorm float64
	for _, t := range toks {
		w, ok := m.idf[t]
		if !ok {
			w = m.maxIDF
		}
		qnorm += w * w
	}
	qnorm = math.Sqrt(qnorm)
	dots := make(map[int32]float64, 64)
	for _, t := range toks {
		w := m.idf[t]
		for _, d := range m.postings[t] {
			dots[d] += w * w
		}
	}
	best, bestScore := int32(-1), 0.0
	for d, dot := range dots {
		s := dot / (qnorm * m.docs[d].norm)
		if s > bestScore || (s == bestScore && d < best) {
			best, bestScore = d, s
		}
	}
	if best < 0 || bestScore < MatchThreshold {
		return Match{}, false
	}
	d := m.docs[best]
	return Match{Role: d.role, Score: bestScore, Via: d.title}, true
}

// dedupe removes repeated tokens, keeping the first of each.
func dedupe(toks []string) []string {
	out := toks[:0]
	for i, t := range toks {
		dup := false
		for _, u := range toks[:i] {
			if u == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}
