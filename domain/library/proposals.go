package library

import (
	"slices"

	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cadrehq/cadre/domain/catalog"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/text/analysis"
)

// Proposals: recurring skill phrases no competency covers.
const (
	// ProposalMinSentences is the least number of sentences a skill phrase
	// must occur in to be proposed.
	ProposalMinSentences = 3
	// ProposalMinDocuments is the least number of documents it must occur
	// in (or all of them, when the company has fewer).
	ProposalMinDocuments = 2
	// MaxProposals bounds the proposals of one build.
	MaxProposals = 12
)

// coverage tells whether a phrase is already covered by a competency: it
// holds the stem keys of every catalog competency's name, aliases and
// keywords (and of the library's other competencies).
type coverage struct {
	keys  map[string]string // stem key → competency slug
	forms [][]string        // the stems of every form, in the order added
	cats  map[string]competency.Category
	stems map[string][]string // stem → slugs whose keys use it
}

// newCoverage indexes the recognisers of cs.
func newCoverage(cs []competency.Competency) *coverage {
	cv := &coverage{keys: map[string]string{}, cats: map[string]competency.Category{}, stems: map[string][]string{}}
	for _, c := range cs {
		cv.add(c)
	}
	return cv
}

// add indexes one competency.
func (cv *coverage) add(c competency.Competency) {
	cv.cats[c.Slug] = c.Category
	name, inner := splitBrackets(c.Name)
	forms := append([]string{name, inner}, c.Aliases...)
	forms = append(forms, c.Keywords...)
	for _, f := range forms {
		st := analysis.Terms(f)
		if len(st) == 0 {
			continue
		}
		key := strings.Join(st, " ")
		if _, ok := cv.keys[key]; ok {
			continue
		}
		cv.keys[key] = c.Slug
		cv.forms = append(cv.forms, st)
		for _, s := range st {
			if !slices.Contains(cv.stems[s], c.Slug) {
				cv.stems[s] = append(cv.stems[s], c.Slug)
			}
		}
	}
}

// covers reports whether a phrase (as stems) is covered: the words of one
// of the competencies' forms are all among the phrase's words ("problem
// solving" covers "solve problems"), or the phrase's words are all among
// those of a form of two words or more.
func (cv *coverage) covers(stems []string) bool {
	if len(stems) == 0 {
		return true
	}
	for _, f := range cv.forms {
		if subset(f, stems) || (len(f) > 1 && subset(stems, f)) {
			return true
		}
	}
	return false
}

// subset reports whether every stem of a is in b.
func subset(a, b []string) bool {
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

// category guesses a proposal's category: that of the competency sharing
// most of its stems (the first in slug order on a tie), else technical.
func (cv *coverage) category(stems []string) competency.Category {
	count := map[string]int{}
	for _, s := range stems {
		for _, slug := range cv.stems[s] {
			count[slug]++
		}
	}
	best, n := "", 0
	for _, slug := range sortedKeys(count) {
		if count[slug] > n {
			best, n = slug, count[slug]
		}
	}
	if best == "" {
		return competency.Technical
	}
	return cv.cats[best]
}

// proposalVocabulary is the vocabulary proposals are drawn from.
func proposalVocabulary() *analysis.Vocabulary { return analysis.ESCO() }

// proposals returns a proposed competency for each recurring skill phrase
// of the vocabulary that no competency covers: found in at least
// ProposalMinSentences sentences and ProposalMinDocuments documents, not
// ordinary prose (see prose). approved lists slugs an admin approved,
// which need only one sentence to be found again.
func proposals(cat *catalog.Catalog, ix *index, ndocs int, cv *coverage, taken map[string]bool, approved map[string]bool, secs []sectionProposal) []Competency {
	if ix.empty() {
		return nil
	}
	minDocs := min(ProposalMinDocuments, max(ndocs, 1))
	var out []Competency
	var proposed [][]string // the stems of the section proposals
	for _, sp := range secs {
		if taken[sp.slug] || len(out) >= MaxProposals {
			continue
		}
		taken[sp.slug] = true
		proposed = append(proposed, sp.stems)
		out = append(out, sp.competency(ix))
	}
	for _, kp := range ix.corpus.KeyPhrases(proposalVocabulary(), 1) {
		slug := slugify(kp.Phrase, competency.MaxSlugLen)
		if slug == "" || taken[slug] {
			continue
		}
		if !approved[slug] && (kp.Count < ProposalMinSentences || kp.Docs < minDocs || len(out) >= MaxProposals) {
			continue
		}
		stems := analysis.Terms(kp.Phrase)
		if prose(stems) || notAConcept(cat, kp.Phrase) != "" || cv.covers(stems) || !faithful(stems, kp) || surfaceCovered(kp, cv) || overlaps(stems, proposed) {
			continue
		}
		// Named in the company's words: the documents' most frequent
		// wording of the phrase ("shoplifting prevention" for the
		// vocabulary's "prevent shoplifting").
		name := companyWords(kp)
		if own := slugify(name, competency.MaxSlugLen); own != slug {
			if own == "" || taken[own] {
				continue
			}
			slug = own
		}
		taken[slug] = true
		out = append(out, proposal(slug, name, kp, cv.category(stems), ix))
	}
	return out
}

// surfaceCovered reports whether the text matched (an alternative label)
// is covered even though the preferred label is not.
func surfaceCovered(kp analysis.KeyPhrase, cv *coverage) bool {
	for _, e := range kp.Evidence {
		for _, t := range e.Terms {
			if cv.covers(analysis.Terms(t)) {
				return true
			}
		}
	}
	return false
}

// faithful reports whether the text matched says what the label says: at
// least two thirds of the label's content words (neither generic nor
// everyday) occur in the matched text, and the matched text is not
// ordinary prose ("our customers" matched as "assist customers", or
// "engineering team" as "coordinate engineering teams").
func faithful(label []string, kp analysis.KeyPhrase) bool {
	var seen []string
	for _, e := range kp.Evidence {
		for _, t := range e.Terms {
			st := analysis.Terms(t)
			if prose(st) {
				return false
			}
			seen = append(seen, st...)
		}
	}
	content, found := 0, 0
	for _, s := range label {
		if analysis.IsGeneric(s) || proseStems[s] {
			continue
		}
		content++
		if slices.Contains(seen, s) {
			found++
		}
	}
	return content > 0 && 3*found >= 2*content
}

// prose reports whether a phrase is ordinary prose rather than a skill:
// every word generic or a common everyday word ("the team", "our
// customers", "work together").
func prose(stems []string) bool {
	for _, s := range stems {
		if !analysis.IsGeneric(s) && !proseStems[s] && len(s) > 2 {
			return false
		}
	}
	return true
}

// proseStems are stems of everyday words that never make a skill on their
// own or together.
var proseStems = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"customer", "client", "user", "staff", "colleague", "member", "manager", "leader",
		"person", "group", "together", "share", "give", "ask", "talk", "speak", "listen", "read",
		"write", "meet", "meeting", "call", "email", "week", "month", "today", "tomorrow",
		"hour", "minute", "place", "home", "office", "life", "world", "thing", "idea", "goal",
		"great", "big", "small", "fast", "quick", "hard", "easy", "right", "wrong", "open",
		"english", "language", "languages", "follow", "keep", "show", "see", "look", "find",
		"start", "stop", "run", "move", "build", "change", "improv", "support", "manag",
		"communic", "differ", "various", "general", "basic", "simpl", "principle", "concept",
		"value", "mission", "purpose", "provide", "create", "make", "do", "perform", "apply",
	} {
		m[analysis.Stem(w)] = true
	}
	return m
}()

// proposal builds the proposed competency of a key phrase.
func proposal(slug, name string, kp analysis.KeyPhrase, cat competency.Category, ix *index) Competency {
	q := analysis.Query{Terms: []analysis.QueryTerm{{Text: kp.Phrase, Weight: NameWeight}}}
	for _, e := range kp.Evidence {
		for _, t := range e.Terms {
			q.Terms = append(q.Terms, analysis.QueryTerm{Text: t, Weight: NameWeight})
		}
	}
	res := ix.score(q)
	c := proposedCompetency(slug, name, cat)
	c.Description = "Proposed from the company's documents: " + quote(kp.Phrase) + " occurs in " +
		plural(kp.Count, "sentence") + " of " + plural(kp.Docs, "document") +
		" and no competency of the catalog or the library covers it."
	c.Relevance = res.relevance
	var kws []string
	kws = append(kws, strings.ToLower(kp.Phrase))
	for _, e := range kp.Evidence {
		c.Evidence = append(c.Evidence, fromAnalysis(e))
		for _, t := range e.Terms {
			if t = strings.ToLower(t); !slices.Contains(kws, t) {
				kws = append(kws, t)
			}
		}
	}
	c.Keywords = kws
	var expect []string
	for _, e := range res.evidence {
		if expectation(e.Excerpt) {
			expect = append(expect, e.Excerpt)
		}
	}
	c.Levels = draftLevels(inSentence(name), expect, descriptorsOf(c.Levels))
	c.Reasons = []string{"recurs in " + plural(kp.Count, "sentence") + " of " + plural(kp.Docs, "document") + " as the skill " + quote(kp.Phrase)}
	return c
}

// proposedCompetency is the skeleton of a competency proposed for a skill
// phrase: descriptors and actions phrased around the skill's name.
func proposedCompetency(slug, name string, cat competency.Category) Competency {
	n := inSentence(name)
	return Competency{
		Slug:     slug,
		Name:     name,
		Category: cat,
		Origin:   OriginDocument,
		Status:   StatusProposed,
		Levels: levelDescriptors([5]string{
			"Knows what " + n + " involves here and follows the team's guidance on it.",
			"Applies " + n + " to routine tasks with some guidance.",
			"Applies " + n + " independently in day-to-day work and explains the choices made.",
			"Leads work that depends on " + n + " and helps others improve at it.",
			"Sets the company's direction and standards for " + n + ".",
		}),
		Actions: map[competency.Level][]competency.Action{
			competency.Basic:      {{Kind: competency.Reading, Title: "Read the company's documents on " + n, Detail: "Start with the evidence sentences cited for this competency."}},
			competency.Developing: {{Kind: competency.Mentoring, Title: "Shadow a colleague experienced in " + n}},
			competency.Proficient: {{Kind: competency.Project, Title: "Own a piece of work that needs " + n}},
			competency.Advanced:   {{Kind: competency.Mentoring, Title: "Coach a colleague in " + n}},
			competency.Expert:     {{Kind: competency.Project, Title: "Define the team's practice for " + n}},
		},
		Evidence: []Evidence{},
	}
}

// titleCase capitalises the first letter of each word longer than three
// letters and of the first word.
func titleCase(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		if i == 0 || len(w) > 3 {
			r, n := utf8.DecodeRuneInString(w)
			ws[i] = string(unicode.ToUpper(r)) + w[n:]
		}
	}
	return strings.Join(ws, " ")
}

// plural formats "1 sentence" or "3 sentences".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return formatFloat(float64(n)) + " " + noun + "s"
}

// proposalLabels maps the slug of every phrase that could be proposed to
// its label, so an approved proposal survives a rebuild whose documents no
// longer mention it. Built once, on first use.
var proposalLabels = sync.OnceValue(func() map[string]string {
	v := proposalVocabulary()
	m := make(map[string]string, v.Len())
	for _, l := range v.Labels() {
		if s := slugify(l, competency.MaxSlugLen); s != "" {
			if _, ok := m[s]; !ok {
				m[s] = l
			}
		}
	}
	return m
})

// overlaps reports whether a phrase shares a content word with one of the
// section proposals ("carry out wound care" with "Wound Care"): the
// section's proposal, in the company's words, already stands for it.
func overlaps(stems []string, proposed [][]string) bool {
	for _, p := range proposed {
		for _, s := range stems {
			if slices.Contains(p, s) && !analysis.IsGeneric(s) && !proseStems[s] {
				return true
			}
		}
	}
	return false
}

// companyWords names a recurring phrase as the documents word it most
// often (the first such wording on a tie), in title case; the
// vocabulary's label when no wording has two words or more.
func companyWords(kp analysis.KeyPhrase) string {
	count := map[string]int{}
	var order []string
	for _, e := range kp.Evidence {
		for _, t := range e.Terms {
			t = strings.ToLower(strings.Join(strings.Fields(t), " "))
			if len(strings.Fields(t)) < 2 {
				continue
			}
			if count[t] == 0 {
				order = append(order, t)
			}
			count[t]++
		}
	}
	best := ""
	for _, t := range order {
		if best == "" || count[t] > count[best] {
			best = t
		}
	}
	if best == "" {
		best = kp.Phrase
	}
	return titleCase(best)
}
