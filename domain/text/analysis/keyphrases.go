package analysis

import (
	"cmp"
	"slices"
	"sort"
)

// MaxKeyPhraseEvidence is the number of evidence sentences a key phrase
// keeps.
const MaxKeyPhraseEvidence = 3

// KeyPhrase is a vocabulary phrase that recurs in a corpus.
type KeyPhrase struct {
	// Phrase is the vocabulary's canonical label.
	Phrase string
	// Docs is the number of documents it occurs in.
	Docs int
	// Count is the number of occurrences in all documents.
	Count int
	// Evidence holds up to MaxKeyPhraseEvidence sentences holding the
	// phrase, at most one per document, in document id and offset order;
	// Terms holds the matched surface text.
	Evidence []Evidence
}

// KeyPhrases returns the phrases of v that recur in the corpus: those found
// in at least minDocs documents, or at least max(3, 2·minDocs) times in
// all. They are ordered by documents, then occurrences (both descending),
// then label. The library builder uses them to propose competencies the
// catalog lacks.
func (c *Corpus) KeyPhrases(v *Vocabulary, minDocs int) []KeyPhrase {
	minDocs = max(minDocs, 1)
	minCount := max(3, 2*minDocs)
	type agg struct {
		kp      KeyPhrase
		lastDoc int32
	}
	byLabel := make(map[string]*agg)
	// Documents are visited in id order so evidence is in id order too.
	order := make([]int32, len(c.docs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(c.docs[a].ID, c.docs[b].ID) })
	for _, di := range order {
		for _, si := range c.docSents[di] {
			s := &c.sents[si]
			text := c.docs[di].Text
			for _, h := range v.find(s.toks) {
				a := byLabel[h.Phrase]
				if a == nil {
					a = &agg{kp: KeyPhrase{Phrase: h.Phrase}, lastDoc: -1}
					byLabel[h.Phrase] = a
				}
				a.kp.Count++
				if a.lastDoc == di {
					continue
				}
				a.lastDoc = di
				a.kp.Docs++
				if len(a.kp.Evidence) < MaxKeyPhraseEvidence {
					a.kp.Evidence = append(a.kp.Evidence, Evidence{
						DocID:   c.docs[di].ID,
						Start:   s.span.Start,
						End:     s.span.End,
						Excerpt: text[s.span.Start:s.span.End],
						Terms:   []string{text[h.Start:h.End]},
					})
				}
			}
		}
	}
	var out []KeyPhrase
	for _, a := range byLabel {
		if a.kp.Docs >= minDocs || a.kp.Count >= minCount {
			out = append(out, a.kp)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Docs != out[j].Docs {
			return out[i].Docs > out[j].Docs
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Phrase < out[j].Phrase
	})
	return out
}
