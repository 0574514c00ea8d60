package library

import (
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/text/analysis"
)

// Cultural competencies built from company values.
const (
	// ValueSlugPrefix starts the slug of a value's competency.
	ValueSlugPrefix = "value-"
	// MaxValueKeywords bounds the keywords taken from a value's words.
	MaxValueKeywords = 8
	// MaxValueEvidence bounds the document sentences cited for a value.
	MaxValueEvidence = 3
)

// ValueSlug returns the slug of the cultural competency of a value named
// name ("value-" and the name as a slug), or "" for a name without letters
// or digits.
func ValueSlug(name string) string {
	s := slugify(name, competency.MaxSlugLen-len(ValueSlugPrefix))
	if s == "" {
		return ""
	}
	return ValueSlugPrefix + s
}

// valueCompetencies turns each value into a cultural competency; values
// without a usable name, or repeating an earlier value's slug, are skipped.
func valueCompetencies(values []Value, ix *index) []Competency {
	var out []Competency
	seen := map[string]bool{}
	for _, v := range values {
		slug := ValueSlug(v.Name)
		if slug == "" || seen[slug] {
			continue
		}
		seen[slug] = true
		out = append(out, valueCompetency(slug, v, ix))
	}
	return out
}

// valueCompetency builds the cultural competency of one value: its level
// descriptors and actions are phrased from the value's own name,
// description and content words; its evidence is the value itself and the
// document sentences that mention it.
func valueCompetency(slug string, v Value, ix *index) Competency {
	name := strings.Join(strings.Fields(v.Name), " ")
	desc := strings.TrimSpace(v.Description)
	kws := contentWords(name, desc)
	if len(kws) > MaxValueKeywords {
		kws = kws[:MaxValueKeywords]
	}
	if len(kws) == 0 {
		kws = []string{strings.ToLower(name)}
	}
	// Behaviours: the description's words that are not the name's.
	nameWords := map[string]bool{}
	for _, w := range contentWords(name) {
		nameWords[w] = true
	}
	var behaviours []string
	for _, w := range kws {
		if !nameWords[w] {
			behaviours = append(behaviours, w)
		}
	}
	if len(behaviours) == 0 {
		behaviours = kws
	}
	quoted := make([]string, len(behaviours))
	for i, w := range behaviours {
		quoted[i] = quote(w)
	}
	kw := func(n int) string { return joinList(quoted[:min(n, len(quoted))]) }
	q := quote(name)
	meaning := "why the company holds it"
	if desc != "" {
		meaning = lowerFirst(firstSentence(desc))
	}
	description := desc
	if description == "" {
		description = "The company value " + q + "."
	}
	// Levels 2 to 5 quote the value's own behaviours ("we share context
	// openly") when its description says what "we" do, else its words.
	l2 := "Practises " + q + " in their own work with guidance, showing " + kw(2) + "."
	l3 := "Lives " + q + " consistently without prompting; colleagues see " + kw(3) + " in how they work."
	l4 := "Helps their team live " + q + ": coaches others on " + kw(3) + " and speaks up when it slips."
	l5 := "Shapes how the company lives " + q + ": sets the example on " + kw(4) + " and builds it into practices and decisions."
	if bs := behaviourClauses(desc); len(bs) > 0 {
		c := func(n int) string { return joinList(bs[:min(n, len(bs))]) }
		l2 = "Practises " + q + " in their own work with guidance: they " + bs[0] + "."
		l3 = "Lives " + q + " consistently without prompting: they " + c(3) + "."
		l4 = "Helps their team live " + q + ": coaches others to " + c(2) + ", and speaks up when it slips."
		l5 = "Shapes how the company lives " + q + ": sets the example so that everyone can " + c(len(bs)) + ", and builds it into practices and decisions."
	}
	c := Competency{
		Slug:        slug,
		Name:        name,
		Category:    competency.Cultural,
		Description: description,
		Origin:      OriginValue,
		Status:      StatusActive,
		Relevance:   1,
		Levels: levelDescriptors([5]string{
			"Learns what " + q + " means here: " + meaning + ".",
			l2, l3, l4, l5,
		}),
		Keywords: kws,
		Actions: map[competency.Level][]competency.Action{
			competency.Basic: {{Kind: competency.Reading, Title: "Read what " + q + " means at the company",
				Detail: firstNonEmpty(desc, "Ask your manager why the company holds "+q+".")}},
			competency.Developing: {{Kind: competency.Mentoring, Title: "Ask a colleague who lives " + q + " for examples",
				Detail: "Talk through recent situations where " + kw(2) + " mattered and what they did."}},
			competency.Proficient: {{Kind: competency.Project, Title: "Apply " + q + " to your current work",
				Detail: "Pick one piece of work and agree with your manager how " + kw(3) + " will show in it."}},
			competency.Advanced: {{Kind: competency.Mentoring, Title: "Coach a teammate on " + q,
				Detail: "Pair with someone newer and give them feedback on " + kw(3) + "."}},
			competency.Expert: {{Kind: competency.Project, Title: "Build " + q + " into a team practice",
				Detail: "Change a ritual, template or decision process so that " + kw(4) + " become the default."}},
		},
		Evidence: []Evidence{{Value: name}},
	}
	c.Evidence = append(c.Evidence, valueEvidence(name, kws, ix)...)
	return c
}

// behaviourClauses returns what a value's description says "we" do, as
// clauses to follow "they" ("share context openly", "write decisions
// down"): the sentences that start with "We", split at commas and "and",
// "our" and "us" turned into "their" and "them". It returns nil when no
// sentence starts with "We".
func behaviourClauses(desc string) []string {
	var out []string
	for _, sp := range analysis.Sentences(desc) {
		sent := strings.TrimRight(strings.TrimSpace(desc[sp.Start:sp.End]), ".!")
		rest, ok := strings.CutPrefix(sent, "We ")
		if !ok {
			continue
		}
		rest = strings.ReplaceAll(rest, ", and ", ", ")
		for _, part := range splitClauses(strings.Split(rest, ", "), ", ") {
			for _, cl := range splitClauses(strings.Split(part, " and "), " and ") {
				cl = " " + strings.TrimSpace(cl) + " "
				for _, r := range [][2]string{{" our ", " their "}, {" us ", " them "}, {" we ", " they "}, {" ourselves ", " themselves "}} {
					cl = strings.ReplaceAll(cl, r[0], r[1])
				}
				if cl = strings.TrimSpace(cl); len(strings.Fields(cl)) >= 2 {
					out = append(out, cl)
				}
			}
		}
	}
	return out
}

// splitClauses rejoins (with sep) parts of fewer than three words to the
// part after them, so "give direct, specific feedback" or "follow health
// and safety rules" stay whole.
func splitClauses(parts []string, sep string) []string {
	var out []string
	carry := ""
	for _, p := range parts {
		if carry != "" {
			p = carry + sep + p
			carry = ""
		}
		if len(strings.Fields(p)) < 3 {
			carry = p
			continue
		}
		out = append(out, p)
	}
	if carry != "" {
		if len(out) > 0 {
			out[len(out)-1] += sep + carry
		} else {
			out = append(out, carry)
		}
	}
	return out
}

// valueEvidence returns the document sentences that mention a value: its
// name as a phrase, or at least two of its keywords.
func valueEvidence(name string, kws []string, ix *index) []Evidence {
	if ix.empty() {
		return nil
	}
	q := analysis.Query{Terms: []analysis.QueryTerm{{Text: name, Weight: NameWeight}}}
	for _, k := range kws {
		q.Terms = append(q.Terms, analysis.QueryTerm{Text: k, Weight: 1})
	}
	nameKey := strings.Join(analysis.Terms(name), " ")
	var out []Evidence
	for _, e := range ix.corpus.Score(q).Evidence {
		named := false
		for _, t := range e.Terms {
			if strings.Join(analysis.Terms(t), " ") == nameKey {
				named = true
			}
		}
		if !named && len(e.Terms) < 2 {
			continue
		}
		out = append(out, fromAnalysis(e))
		if len(out) == MaxValueEvidence {
			break
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
