package library

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/text/analysis"
)

// Weights of a competency's recognisers in its relevance query: the name
// counts most, then aliases and keywords; the words of the level
// descriptors add a little context.
const (
	NameWeight       = 3.0
	KeywordWeight    = 1.5
	AliasWeight      = 1.0
	DescriptorWeight = 0.3
)

// competencyQuery is the query that recognises comp in documents: its name
// (and the part in brackets, "CI/CD", on its own), aliases, keywords and
// level descriptors, weighted as above.
func competencyQuery(comp competency.Competency) analysis.Query {
	var q analysis.Query
	add := func(text string, w float64) {
		if strings.TrimSpace(text) != "" {
			q.Terms = append(q.Terms, analysis.QueryTerm{Text: text, Weight: w})
		}
	}
	// A recogniser of one word found whole counts like a phrase found
	// whole (the index boosts phrases only) when the word is distinctive:
	// see wordBoost.
	whole := func(text string, w float64, name bool) {
		if st := analysis.Terms(text); len(st) == 1 {
			if name {
				w *= analysis.PhraseBoost
			} else {
				w *= wordBoost(st[0])
			}
		}
		add(text, w)
	}
	name, inner := splitBrackets(comp.Name)
	whole(name, NameWeight, true)
	whole(inner, NameWeight, true)
	for _, a := range comp.Aliases {
		whole(a, AliasWeight, false)
	}
	for _, k := range comp.Keywords {
		whole(k, KeywordWeight, false)
	}
	for _, d := range comp.Descriptors {
		add(d, DescriptorWeight)
	}
	return q
}

// wordBoost is the weight multiplier of a one-word alias or keyword, by how
// many ESCO skills use the word (analysis.Vocabulary.StemLabels): a word in
// at most 5 skills ("Terraform", "planogram", "SBAR") is distinctive and
// counts like a phrase (analysis.PhraseBoost); up to 20 ("benefit"), 2;
// up to 60 ("payment"), 1.5; a common word ("lead", "assess", "policy")
// counts plainly, so it adds up only over many sentences.
func wordBoost(stem string) float64 {
	switch n := analysis.ESCO().StemLabels(stem); {
	case n <= 5:
		return analysis.PhraseBoost
	case n <= 20:
		return 2
	case n <= 60:
		return 1.5
	}
	return 1
}

// splitBrackets splits "Name (Abbr)" into "Name" and "Abbr".
func splitBrackets(s string) (outer, inner string) {
	i := strings.IndexByte(s, '(')
	j := strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return s, ""
	}
	return strings.TrimSpace(s[:i] + s[j+1:]), strings.TrimSpace(s[i+1 : j])
}

// index is the company's documents indexed for scoring.
type index struct {
	corpus *analysis.Corpus
	docs   int
	// termUse counts, per recogniser, the catalog competencies that use
	// it (see catalogTermUse); nil means none known.
	termUse map[string]int
}

// newIndex indexes docs.
func newIndex(docs []Document) *index {
	adocs := make([]analysis.Doc, len(docs))
	for i, d := range docs {
		adocs[i] = analysis.Doc{ID: d.ID, Text: d.Text}
	}
	return &index{corpus: analysis.NewCorpus(adocs), docs: len(docs)}
}

// empty reports whether there is nothing to score against.
func (ix *index) empty() bool { return ix == nil || ix.corpus.Len() == 0 }

// Evidence sentences kept per competency.
const (
	// MaxEvidence is the number of evidence sentences kept per competency,
	// and the number of best sentences its relevance is computed from.
	MaxEvidence = 5
	// evidenceCandidates is the number of sentences asked of the index, at
	// most two from one document unless the company has fewer documents
	// than that needs, before weak sentences and headings are set aside.
	evidenceCandidates = 8
	// MinEvidenceRatio is the least share of the reference score an
	// evidence sentence needs to be cited: below it, a sentence matched
	// only stray words.
	MinEvidenceRatio = 0.15
)

// scored is a competency's relevance to the corpus with its evidence.
type scored struct {
	relevance float64
	evidence  []Evidence
	docs      int // distinct documents among the evidence
}

// score runs q against the documents. Evidence sentences are checked
// against q's one-word recognisers (see faithfulness): a sentence that
// matched a word only through a shared stem ("access" for
// "accessibility") loses that part of its score, or the whole sentence
// when nothing else matched.
func (ix *index) score(q analysis.Query) scored {
	if ix.empty() {
		return scored{}
	}
	q.MaxEvidence = evidenceCandidates
	q.MaxEvidencePerDoc = max(2, (evidenceCandidates+ix.docs-1)/max(ix.docs, 1))
	res := ix.corpus.Score(q)
	words := oneWordRecognisers(q)
	strong := distinctiveWords(q, ix.termUse)
	kept := res.Evidence[:0:0]
	for _, e := range res.Evidence {
		f := faithfulness(e.Terms, words)
		if f == 0 || res.Reference <= 0 || e.Score*f < MinEvidenceRatio*res.Reference || !onTopic(e.Terms, strong) || navigation(e.Excerpt) {
			continue
		}
		e.Score *= f
		kept = append(kept, e)
	}
	slices.SortStableFunc(kept, func(a, b analysis.Evidence) int { return cmp.Compare(b.Score, a.Score) })
	if len(kept) > MaxEvidence {
		kept = kept[:MaxEvidence]
	}
	res.Evidence = kept
	out := scored{relevance: relevance(res)}
	// A bare label ("Accessibility" in a page's footer) says a word, not
	// what the company expects: evidence of labels of one or two words
	// only gives no relevance.
	if !slices.ContainsFunc(kept, func(e analysis.Evidence) bool { return countWords(e.Excerpt) > 2 }) {
		out.relevance = 0
	}
	// Cite sentences before bare headings ("Visual merchandising"): both
	// count for relevance, but a heading explains little.
	slices.SortStableFunc(kept, func(a, b analysis.Evidence) int { return cmp.Compare(heading(a.Excerpt), heading(b.Excerpt)) })
	seen := map[string]bool{}
	for _, e := range kept {
		out.evidence = append(out.evidence, fromAnalysis(e))
		if !seen[e.DocID] {
			seen[e.DocID] = true
			out.docs++
		}
	}
	return out
}

// distinctiveWords returns the stems of q's one-word recognisers that say
// what the competency is about on their own: the name (or its bracketed
// part), and aliases or keywords that are used by at most 20 ESCO skills
// (see wordBoost) or by no other catalog competency ("presentation").
// Words common to both ("display", "risk", "escalation") are left out:
// they are everywhere in a company's documents and mean many things.
func distinctiveWords(q analysis.Query, termUse map[string]int) map[string]bool {
	out := map[string]bool{}
	// The words of the name (its terms of NameWeight) are distinctive when
	// they are also one-word recognisers: "on-call" of the custom
	// competency "On-call Readiness".
	name := map[string]bool{}
	for _, t := range q.Terms {
		if t.Weight >= NameWeight {
			for _, w := range contentTokens(t.Text) {
				if st := analysis.Stem(w); !analysis.IsGeneric(st) {
					name[st] = true
				}
			}
		}
	}
	for _, t := range q.Terms {
		if t.Weight < AliasWeight {
			continue
		}
		content := contentTokens(t.Text)
		if len(content) != 1 {
			continue
		}
		st := analysis.Stem(content[0])
		if t.Weight >= NameWeight*analysis.PhraseBoost || name[st] || wordBoost(st) >= 2 || termUse[st] == 1 {
			out[st] = true
		}
	}
	return out
}

// catalogTermUse counts, per recogniser (its stems joined by spaces), the
// competencies of cs having it as name, alias or keyword.
func catalogTermUse(cs []competency.Competency) map[string]int {
	out := map[string]int{}
	for _, c := range cs {
		name, inner := splitBrackets(c.Name)
		seen := map[string]bool{}
		for _, f := range append(append([]string{name, inner}, c.Aliases...), c.Keywords...) {
			if key := termKey(f); key != "" && !seen[key] {
				seen[key] = true
				out[key]++
			}
		}
	}
	return out
}

// termKey is the stems of a term joined by spaces.
func termKey(term string) string { return strings.Join(analysis.Terms(term), " ") }

// ownMatches counts the distinct terms of s's evidence that no other
// catalog competency uses (termUse 1): the matches that can only mean
// this competency ("Kubernetes", "hand hygiene"), not those it shares
// ("PPE", shared by infection control and workplace safety).
func ownMatches(s scored, termUse map[string]int) int {
	seen := map[string]bool{}
	for _, e := range s.evidence {
		for _, t := range e.Terms {
			if key := termKey(t); key != "" && termUse[key] == 1 {
				seen[key] = true
			}
		}
	}
	return len(seen)
}

// contentTokens returns the words of text that are not stop words.
func contentTokens(text string) []string {
	var out []string
	for _, tk := range analysis.Tokens(text) {
		if !analysis.IsStopWord(tk.Text) {
			out = append(out, tk.Text)
		}
	}
	return out
}

// onTopic reports whether an evidence sentence expresses the competency's
// concept rather than sharing its words: it matched one of the
// competency's phrases whole (two content words or more, not all generic:
// "stock count", "objection handling") or one of its distinctive words
// (see distinctiveWords). A sentence matched only through common keywords
// or words of the level descriptors ("Record chiller and freezer
// temperatures" for Consultative Selling) is not evidence.
func onTopic(terms []string, strong map[string]bool) bool {
	for _, t := range terms {
		content := contentTokens(t)
		if len(content) == 1 {
			if strong[analysis.Stem(content[0])] {
				return true
			}
			continue
		}
		for _, w := range content {
			if !analysis.IsGeneric(analysis.Stem(w)) {
				return true
			}
		}
	}
	return false
}

// navigation reports whether an excerpt is a web page's navigation or
// footer: links separated by "|" or "·" ("Privacy | Accessibility |
// Help").
func navigation(excerpt string) bool {
	return strings.Count(excerpt, " | ")+strings.Count(excerpt, " · ") >= 2
}

// heading is 1 for an excerpt that reads as a heading (six words or fewer,
// no final punctuation) and 0 for a sentence.
func heading(excerpt string) int {
	t := strings.TrimSpace(excerpt)
	if t == "" || len(strings.Fields(t)) > 6 || strings.ContainsAny(t[len(t)-1:], ".!?:;)") {
		return 0
	}
	return 1
}

// oneWordRecognisers maps the stem of each one-word term of q (weighted at
// least AliasWeight, so not a descriptor's word) to its lower-case forms.
func oneWordRecognisers(q analysis.Query) map[string][]string {
	out := map[string][]string{}
	for _, t := range q.Terms {
		if t.Weight < AliasWeight {
			continue
		}
		toks := analysis.Tokens(t.Text)
		var content []analysis.Token
		for _, tk := range toks {
			if !analysis.IsStopWord(tk.Text) {
				content = append(content, tk)
			}
		}
		if len(content) != 1 {
			continue
		}
		w := content[0].Text
		st := analysis.Stem(w)
		if !slices.Contains(out[st], w) {
			out[st] = append(out[st], w)
		}
	}
	return out
}

// faithfulness is the share of a sentence's matched one-word recognisers
// whose words are close to the recogniser's own (the same word, or the
// shorter at least three quarters the length of the longer: "payments"
// for "payment", but not "access" for "accessibility" or "charting" for
// "chart"). Phrases always count; words matched only as part of a phrase
// or a descriptor count for nothing either way. A sentence with none of
// either has faithfulness 1.
func faithfulness(terms []string, words map[string][]string) float64 {
	good, bad := 0, 0
	for _, t := range terms {
		toks := analysis.Tokens(t)
		var content []string
		for _, tk := range toks {
			if !analysis.IsStopWord(tk.Text) {
				content = append(content, tk.Text)
			}
		}
		if len(content) != 1 {
			good++
			continue
		}
		forms, ok := words[analysis.Stem(content[0])]
		if !ok {
			continue
		}
		if slices.ContainsFunc(forms, func(f string) bool { return closeWords(content[0], f) }) {
			good++
		} else {
			bad++
		}
	}
	if good+bad == 0 {
		return 1
	}
	return float64(good) / float64(good+bad)
}

// closeWords reports whether two words of one stem are close enough to
// mean the same: equal, or the shorter at least 3/4 of the longer.
func closeWords(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	return 4*min(la, lb) >= 3*max(la, lb)
}

// relevance combines the evidence sentences of a result into a relevance
// in [0, 1]: each sentence's score is divided by the query's reference
// score (what its strongest recogniser, usually the competency's name as a
// phrase, scores once in an average sentence), capped at 1, and squared, so
// that a sentence holding only a stray keyword counts little; the squares
// are combined as a noisy-or, 1 - Π(1 - rᵢ²). The name in one sentence
// makes a competency relevant; scattered keywords need many sentences.
func relevance(res analysis.Result) float64 {
	if res.Reference <= 0 {
		return 0
	}
	miss := 1.0
	for _, e := range res.Evidence {
		r := math.Min(1, e.Score/res.Reference)
		miss *= 1 - r*r
	}
	return round4(1 - miss)
}

// fromAnalysis converts an evidence sentence.
func fromAnalysis(e analysis.Evidence) Evidence {
	return Evidence{
		DocumentID: e.DocID,
		Excerpt:    e.Excerpt,
		Start:      e.Start,
		End:        e.End,
		Terms:      e.Terms,
		Score:      round4(e.Score),
	}
}

// round4 rounds x to 4 decimals, so that JSON output is stable.
func round4(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1e4) / 1e4
}
