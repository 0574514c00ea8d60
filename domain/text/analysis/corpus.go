package analysis

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// BM25 parameters and scoring weights used by [Corpus.Score].
const (
	// BM25K1 saturates term frequency within a sentence.
	BM25K1 = 1.2
	// BM25B sets how much sentence length normalises term frequency.
	BM25B = 0.75
	// PhraseBoost multiplies the score of a multi-word query term matched
	// as a phrase (its words adjacent, in order).
	PhraseBoost = 3.0
	// ScatteredWeight scales the words of a multi-word query term matched
	// on their own, so scattered words count far less than the phrase.
	ScatteredWeight = 0.15
	// GenericWeight scales generic workplace words ("team", "work"), so
	// they cannot make an unrelated competency relevant.
	GenericWeight = 0.05
	// MaxEvidence is the number of evidence sentences a result keeps.
	MaxEvidence = 5
	// MaxEvidencePerDoc limits evidence sentences from one document.
	MaxEvidencePerDoc = 2
)

// Doc is one document of a corpus.
type Doc struct {
	// ID identifies the document in evidence.
	ID string
	// Text is the document's extracted text.
	Text string
}

// Corpus is a BM25 index over the sentences of a set of documents. It is
// immutable once built and safe for concurrent use.
type Corpus struct {
	docs     []Doc
	sents    []sentence
	docSents [][]int32 // per doc, its sentence indices in order
	// Flat per-sentence arrays, kept apart from sents for cache locality
	// while scoring: sentence i's term ids are terms[off[i]:off[i+1]],
	// brk marks a term preceded by punctuation, norm is the BM25 length
	// factor K1·(1 - B + B·len/avgLen) and doc the document index.
	terms    []int32
	brk      []bool
	off      []int32
	norm     []float64
	doc      []int32
	termIDs  map[string]int32
	postings [][]posting // per term id, sentences holding it in order
	avgLen   float64
}

// sentence is one indexed sentence.
type sentence struct {
	doc  int32
	span Span
	toks []termToken // its non-stop words, in order
}

// posting is one sentence holding a term, with the term's count there.
type posting struct {
	sent int32
	tf   int32
}

// NewCorpus indexes the sentences of docs. Documents keep the order given,
// which only matters for ties after score, document id and offset.
func NewCorpus(docs []Doc) *Corpus {
	c := &Corpus{
		docs:     slices.Clone(docs),
		docSents: make([][]int32, len(docs)),
		termIDs:  make(map[string]int32),
	}
	pre := analyseDocs(c.docs)
	c.off = append(c.off, 0)
	for di := range c.docs {
		toks := pre[di].toks
		ti := 0
		for _, sp := range pre[di].spans {
			for ti < len(toks) && toks[ti].start < sp.Start {
				ti++
			}
			first := ti
			for ti < len(toks) && toks[ti].end <= sp.End {
				ti++
			}
			st := toks[first:ti:ti]
			if len(st) == 0 {
				continue
			}
			st[0].brk = true
			idx := int32(len(c.sents))
			c.sents = append(c.sents, sentence{doc: int32(di), span: sp, toks: st})
			c.docSents[di] = append(c.docSents[di], idx)
			c.doc = append(c.doc, int32(di))
			from := len(c.terms)
			for _, t := range st {
				c.terms = append(c.terms, c.termID(t.stem))
				c.brk = append(c.brk, t.brk)
			}
			c.off = append(c.off, int32(len(c.terms)))
			c.addPostings(idx, c.terms[from:])
		}
	}
	c.norm = make([]float64, len(c.sents))
	if len(c.sents) > 0 {
		c.avgLen = float64(len(c.terms)) / float64(len(c.sents))
		for i := range c.norm {
			length := float64(c.off[i+1] - c.off[i])
			c.norm[i] = BM25K1 * (1 - BM25B + BM25B*length/c.avgLen)
		}
	}
	return c
}

// analysedDoc is a document split into sentences and term tokens.
type analysedDoc struct {
	spans []Span
	toks  []termToken
}

// analyseDocs splits and tokenises docs on up to GOMAXPROCS goroutines,
// each with its own stem cache; it returns when all are done, with results
// in document order, so the outcome does not depend on scheduling.
func analyseDocs(docs []Doc) []analysedDoc {
	out := make([]analysedDoc, len(docs))
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			cache := make(map[string]string)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(docs) {
					return
				}
				out[i] = analysedDoc{spans: Sentences(docs[i].Text), toks: termTokens(docs[i].Text, cache)}
			}
		})
	}
	wg.Wait()
	return out
}

// termID returns the id of a stem, assigning one if new.
func (c *Corpus) termID(stem string) int32 {
	if id, ok := c.termIDs[stem]; ok {
		return id
	}
	id := int32(len(c.postings))
	c.termIDs[stem] = id
	c.postings = append(c.postings, nil)
	return id
}

// addPostings records the terms of sentence idx.
func (c *Corpus) addPostings(idx int32, terms []int32) {
	for k, id := range terms {
		if slices.Contains(terms[:k], id) {
			continue
		}
		n := int32(0)
		for _, o := range terms[k:] {
			if o == id {
				n++
			}
		}
		c.postings[id] = append(c.postings[id], posting{sent: idx, tf: n})
	}
}

// Len returns the number of indexed sentences.
func (c *Corpus) Len() int { return len(c.sents) }

// idf is the BM25 inverse sentence frequency of a term or phrase found in
// df of n sentences (always positive).
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// tfNorm is the BM25 term-frequency factor for tf occurrences in sentence
// si.
func (c *Corpus) tfNorm(tf int32, si int32) float64 {
	f := float64(tf)
	return f * (BM25K1 + 1) / (f + c.norm[si])
}

// genericWords are workplace words too common in company documents to
// signal any one competency; they are down-weighted by GenericWeight.
var genericWords = setOf(
	"team", "work", "peopl", "compani", "role", "job", "time", "make", "help", "good", "well",
	"new", "use", "need", "way", "thing", "get", "take", "abl", "level", "engin", "want", "know",
	"think", "like", "year", "day", "organ", "product", "best", "high", "one", "two", "expect",
	"also", "other", "can", "may", "us", "often", "includ", "across", "within", "everyon",
)

// IsGeneric reports whether stem is a generic workplace word (see
// GenericWeight).
func IsGeneric(stem string) bool {
	_, ok := genericWords[stem]
	return ok
}

// docOrder compares sentences by document id, then offset.
func (c *Corpus) docOrder(a, b int32) int {
	sa, sb := &c.sents[a], &c.sents[b]
	if r := strings.Compare(c.docs[sa.doc].ID, c.docs[sb.doc].ID); r != 0 {
		return r
	}
	if r := cmp.Compare(sa.doc, sb.doc); r != 0 {
		return r
	}
	return cmp.Compare(sa.span.Start, sb.span.Start)
}
