package analysis

import (
	"cmp"
	"math"
	"slices"
)

// QueryTerm is one weighted phrase or word of a [Query]. A term of two or
// more non-stop words is matched as a phrase (boosted by PhraseBoost); its
// words also count on their own, scaled by ScatteredWeight.
type QueryTerm struct {
	// Text is the phrase or word, in natural language ("incident response").
	Text string
	// Weight scales the term's contribution; terms with weight <= 0 are
	// ignored.
	Weight float64
}

// Query is what a competency is recognised by: its name, aliases, keywords
// and level descriptors, each with its own weight.
type Query struct {
	Terms []QueryTerm
	// MaxEvidence and MaxEvidencePerDoc bound the evidence sentences of
	// the result; zero means the package defaults of the same names.
	MaxEvidence, MaxEvidencePerDoc int
}

// Result is how well a query matches a corpus.
type Result struct {
	// Score is the raw BM25 score: the sum of the evidence sentences' scores.
	Score float64
	// Relevance is in [0, 1]: each evidence sentence's score is divided by
	// the query's reference score, capped at 1, and the ratios rᵢ are
	// combined as a noisy-or, 1 - Π(1 - rᵢ). The reference score is what
	// an average-length sentence would score holding the query's strongest
	// term (highest weight, PhraseBoost included) once, were that term in
	// only one sentence of the corpus. So the competency's name found as a
	// phrase in a sentence or two gives a relevance near 1, a few weak
	// sentences add up slowly, and generic words barely count.
	Relevance float64
	// Reference is the query's reference score described under Relevance,
	// for callers that weigh evidence sentences their own way.
	Reference float64
	// Evidence holds the best sentences, best first; ties are broken by
	// document id, then offset. At most MaxEvidence sentences, at most
	// MaxEvidencePerDoc from one document (or the query's own bounds).
	Evidence []Evidence
}

// Evidence is one sentence supporting a result.
type Evidence struct {
	// DocID is the document the sentence is from.
	DocID string
	// Start and End are byte offsets of the sentence in that document's
	// text; Excerpt is exactly Text[Start:End].
	Start, End int
	Excerpt    string
	// Terms are the matched words and phrases as they appear in the
	// sentence, in order, without repeats.
	Terms []string
	// Score is the sentence's BM25 score for the query.
	Score float64
}

// scorer is one unit of a query: a single stem or a phrase of stems.
type scorer struct {
	stems  []string
	weight float64
}

// effectiveWeight is the scorer's weight with PhraseBoost applied to a
// phrase, unless every word of the phrase is generic ("team work"), in
// which case it is scaled by GenericWeight instead.
func (s scorer) effectiveWeight() float64 {
	if len(s.stems) < 2 {
		return s.weight
	}
	for _, st := range s.stems {
		if !IsGeneric(st) {
			return s.weight * PhraseBoost
		}
	}
	return s.weight * GenericWeight
}

// Score ranks the corpus's sentences against q and returns the result: its
// raw score, a normalised relevance and the evidence sentences. It is
// deterministic and safe for concurrent use.
func (c *Corpus) Score(q Query) Result {
	if len(c.sents) == 0 {
		return Result{}
	}
	scorers := c.scorers(q)
	n := len(c.sents)
	acc := make([]float64, n)
	touched := false
	ideal := 0.0
	for _, s := range scorers {
		w := s.effectiveWeight()
		ideal = max(ideal, w*idf(n, 1))
		matches := c.matches(s.stems)
		i := idf(n, len(matches))
		for _, m := range matches {
			acc[m.sent] += w * i * c.tfNorm(m.tf, m.sent)
			touched = true
		}
	}
	if !touched || ideal == 0 {
		return Result{}
	}
	// The best maxEv sentences with at most perDoc per document are
	// among each document's best perDoc; a
	// document's sentences are contiguous and in offset order, so a strict
	// comparison keeps the earlier of equal scores.
	maxEv, perDoc := q.MaxEvidence, q.MaxEvidencePerDoc
	if maxEv <= 0 {
		maxEv = MaxEvidence
	}
	if perDoc <= 0 {
		perDoc = MaxEvidencePerDoc
	}
	var ranked []int32
	top := make([]int32, 0, perDoc+1)
	for _, sents := range c.docSents {
		top = top[:0]
		for _, si := range sents {
			if acc[si] == 0 {
				continue
			}
			k := len(top)
			for k > 0 && acc[si] > acc[top[k-1]] {
				k--
			}
			if k < perDoc {
				top = slices.Insert(top, k, si)
				if len(top) > perDoc {
					top = top[:perDoc]
				}
			}
		}
		ranked = append(ranked, top...)
	}
	slices.SortFunc(ranked, func(a, b int32) int {
		if r := cmp.Compare(acc[b], acc[a]); r != 0 {
			return r
		}
		return c.docOrder(a, b)
	})
	if len(ranked) > maxEv {
		ranked = ranked[:maxEv]
	}
	res := Result{Reference: ideal}
	miss := 1.0
	for _, si := range ranked {
		s := &c.sents[si]
		score := acc[si]
		res.Score += score
		miss *= 1 - math.Min(1, score/ideal)
		text := c.docs[s.doc].Text
		res.Evidence = append(res.Evidence, Evidence{
			DocID:   c.docs[s.doc].ID,
			Start:   s.span.Start,
			End:     s.span.End,
			Excerpt: text[s.span.Start:s.span.End],
			Terms:   c.surfaceTerms(si, text, scorers),
			Score:   score,
		})
	}
	res.Relevance = 1 - miss
	return res
}

// scorers turns a query into scoring units: one per phrase, and one per
// distinct stem with the highest weight it is given (a word's own weight,
// or ScatteredWeight of a phrase's weight), generic words scaled down.
func (c *Corpus) scorers(q Query) []scorer {
	cache := make(map[string]string)
	single := make(map[string]float64)
	phrases := make(map[string]int)
	var out []scorer
	for _, t := range q.Terms {
		if !(t.Weight > 0) || math.IsInf(t.Weight, 0) {
			continue
		}
		toks := termTokens(t.Text, cache)
		stems := make([]string, len(toks))
		for i, tk := range toks {
			stems[i] = tk.stem
		}
		sw := t.Weight
		if len(stems) > 1 {
			key := joinStems(stems)
			if i, ok := phrases[key]; ok {
				out[i].weight = max(out[i].weight, t.Weight)
			} else {
				phrases[key] = len(out)
				out = append(out, scorer{stems: stems, weight: t.Weight})
			}
			sw *= ScatteredWeight
		}
		for _, st := range stems {
			w := sw
			if IsGeneric(st) {
				w *= GenericWeight
			}
			single[st] = max(single[st], w)
		}
	}
	keys := make([]string, 0, len(single))
	for k := range single {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, scorer{stems: []string{k}, weight: single[k]})
	}
	return out
}

// joinStems joins stems with spaces.
func joinStems(stems []string) string {
	n := len(stems) - 1
	for _, s := range stems {
		n += len(s)
	}
	b := make([]byte, 0, n)
	for i, s := range stems {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, s...)
	}
	return string(b)
}

// matches returns the sentences holding stems, as a phrase when there are
// several, with the number of occurrences in each.
func (c *Corpus) matches(stems []string) []posting {
	ids := make([]int32, len(stems))
	rarest := -1
	for i, s := range stems {
		id, ok := c.termIDs[s]
		if !ok {
			return nil
		}
		ids[i] = id
		if rarest < 0 || len(c.postings[id]) < len(c.postings[ids[rarest]]) {
			rarest = i
		}
	}
	if len(ids) == 1 {
		return c.postings[ids[0]]
	}
	var out []posting
	for _, p := range c.postings[ids[rarest]] {
		if tf := c.phraseCount(p.sent, ids); tf > 0 {
			out = append(out, posting{sent: p.sent, tf: tf})
		}
	}
	return out
}

// phraseCount counts the occurrences of ids as adjacent terms of sentence
// si with no punctuation between them.
func (c *Corpus) phraseCount(si int32, ids []int32) int32 {
	n := int32(0)
	for i := c.off[si]; int(i)+len(ids) <= int(c.off[si+1]); i++ {
		if c.phraseAt(ids, int(i)) {
			n++
		}
	}
	return n
}

// phraseAt reports whether ids occur at position i of the flat term array.
func (c *Corpus) phraseAt(ids []int32, i int) bool {
	for k, id := range ids {
		if c.terms[i+k] != id || k > 0 && c.brk[i+k] {
			return false
		}
	}
	return true
}

// surfaceTerms returns the text of the query's matches in s: phrases first
// claim their words, then single words; in order of position, no repeats.
func (c *Corpus) surfaceTerms(si int32, text string, scorers []scorer) []string {
	type hit struct{ start, end int }
	var hits []hit
	s := &c.sents[si]
	base := int(c.off[si])
	terms := c.terms[base:c.off[si+1]]
	used := make([]bool, len(terms))
	for _, sc := range scorers {
		if len(sc.stems) < 2 {
			continue
		}
		ids, ok := c.idsOf(sc.stems)
		if !ok {
			continue
		}
		for i := 0; i+len(ids) <= len(terms); i++ {
			if c.phraseAt(ids, base+i) && !slices.Contains(used[i:i+len(ids)], true) {
				hits = append(hits, hit{s.toks[i].start, s.toks[i+len(ids)-1].end})
				for k := range ids {
					used[i+k] = true
				}
			}
		}
	}
	for _, sc := range scorers {
		if len(sc.stems) != 1 {
			continue
		}
		id, ok := c.termIDs[sc.stems[0]]
		if !ok {
			continue
		}
		for i, t := range terms {
			if t == id && !used[i] {
				hits = append(hits, hit{s.toks[i].start, s.toks[i].end})
				used[i] = true
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.start, b.start) })
	var out []string
	for _, h := range hits {
		if w := text[h.start:h.end]; !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// idsOf returns the term ids of stems, or false if one is not in the corpus.
func (c *Corpus) idsOf(stems []string) ([]int32, bool) {
	ids := make([]int32, len(stems))
	for i, s := range stems {
		id, ok := c.termIDs[s]
		if !ok {
			return nil, false
		}
		ids[i] = id
	}
	return ids, true
}
