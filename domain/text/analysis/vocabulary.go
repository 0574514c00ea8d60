package analysis

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Phrase is a skill phrase for a [Vocabulary]: a canonical label and other
// surface forms that mean the same. Matching is on stems of the words that
// are not stop words, so "manages the staff of music" matches the alias
// "manage music staff" only if the stems line up in order: "manage staff
// music".
type Phrase struct {
	// Label is the canonical name reported in hits.
	Label string
	// Aliases are alternative surface forms; the label itself always
	// matches too.
	Aliases []string
}

// PhraseHit is one occurrence of a vocabulary phrase in a text.
type PhraseHit struct {
	// Phrase is the canonical label of the phrase found.
	Phrase string
	// Start and End are byte offsets of the occurrence in the text searched,
	// from the first to the last matched word.
	Start, End int
}

// MaxPhraseTerms is the longest phrase, in non-stop words, a vocabulary
// matches; longer forms are ignored.
const MaxPhraseTerms = 8

// Vocabulary recognises a fixed set of phrases in text. A Vocabulary is
// immutable once built and safe for concurrent use.
type Vocabulary struct {
	labels   []string
	keys     map[string]int32    // stem key → index into labels
	prefixes map[string]struct{} // every proper prefix of a key
	maxTerms int

	// stemLabels counts, per stem, the labels with a form using it; built
	// on the first StemLabels call.
	stemOnce   sync.Once
	stemLabels map[string]int32
}

// StemLabels returns the number of phrases (labels) of v with a form that
// uses the stem. Over a large skills vocabulary such as [ESCO] it measures
// how common a word is in the language of skills: "assess" or "lead" are
// in hundreds of skills, "kubernet" or "planogram" in none, so a caller
// can trust a rare word more than a common one.
func (v *Vocabulary) StemLabels(stem string) int {
	v.stemOnce.Do(func() {
		m := make(map[string]int32, len(v.labels))
		last := make(map[string]int32, len(v.labels))
		// Keys are visited in label order so each label counts once per
		// stem however many forms use it.
		byLabel := make([][]string, len(v.labels))
		for k, i := range v.keys {
			byLabel[i] = append(byLabel[i], k)
		}
		for i, ks := range byLabel {
			for _, k := range ks {
				for _, st := range strings.Fields(k) {
					if n, ok := last[st]; ok && n == int32(i)+1 {
						continue
					}
					last[st] = int32(i) + 1
					m[st]++
				}
			}
		}
		v.stemLabels = m
	})
	return int(v.stemLabels[stem])
}

// NewVocabulary returns a vocabulary of the given phrases. When two phrases
// share a form, the first one given wins.
func NewVocabulary(phrases ...Phrase) *Vocabulary {
	v := &Vocabulary{keys: make(map[string]int32), prefixes: make(map[string]struct{})}
	cache := make(map[string]string)
	for _, p := range phrases {
		label := strings.TrimSpace(p.Label)
		if label == "" {
			continue
		}
		idx := int32(len(v.labels))
		v.labels = append(v.labels, label)
		for _, form := range append([]string{label}, p.Aliases...) {
			v.addKey(phraseKey(form, cache), idx)
		}
	}
	return v
}

// With returns a new vocabulary holding the phrases of v and the given
// phrases; a given phrase wins over a form v already has. v is unchanged.
func (v *Vocabulary) With(phrases ...Phrase) *Vocabulary {
	add := NewVocabulary(phrases...)
	out := &Vocabulary{
		labels:   make([]string, 0, len(add.labels)+len(v.labels)),
		keys:     make(map[string]int32, len(add.keys)+len(v.keys)),
		prefixes: make(map[string]struct{}, len(add.prefixes)+len(v.prefixes)),
	}
	out.labels = append(append(out.labels, add.labels...), v.labels...)
	for k, i := range add.keys {
		out.addKey(k, i)
	}
	off := int32(len(add.labels))
	for k, i := range v.keys {
		out.addKey(k, i+off)
	}
	return out
}

// Len returns the number of phrases (canonical labels) in v.
func (v *Vocabulary) Len() int { return len(v.labels) }

// Labels returns the canonical labels of v, in the order they were added.
// The slice is a copy.
func (v *Vocabulary) Labels() []string { return append([]string(nil), v.labels...) }

// addKey records a stem key for label idx unless the key is empty, too long
// or already taken.
func (v *Vocabulary) addKey(key string, idx int32) {
	if key == "" {
		return
	}
	if _, ok := v.keys[key]; ok {
		return
	}
	n := strings.Count(key, " ") + 1
	if n > MaxPhraseTerms {
		return
	}
	v.keys[key] = idx
	v.maxTerms = max(v.maxTerms, n)
	for i := 0; i < len(key); i++ {
		if key[i] == ' ' {
			v.prefixes[key[:i]] = struct{}{}
		}
	}
}

// phraseKey returns the stems of the non-stop words of form joined by
// spaces.
func phraseKey(form string, cache map[string]string) string {
	var b strings.Builder
	for _, t := range Tokens(form) {
		if IsStopWord(t.Text) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(cachedStem(t.Text, cache))
	}
	return b.String()
}

// cachedStem stems w through a per-call cache.
func cachedStem(w string, cache map[string]string) string {
	if s, ok := cache[w]; ok {
		return s
	}
	s := Stem(w)
	cache[w] = s
	return s
}

// termToken is a non-stop word with its stem, offsets and whether
// punctuation separates it from the previous one.
type termToken struct {
	stem       string
	start, end int
	brk        bool
}

// termTokens returns the non-stop words of text. A token has brk set when
// anything other than spaces, hyphens, slashes, apostrophes, quotes or stop
// words lies between it and the previous non-stop word, so phrases never
// span a comma or a sentence boundary.
func termTokens(text string, cache map[string]string) []termToken {
	toks := Tokens(text)
	out := make([]termToken, 0, len(toks))
	prevEnd := 0
	brk := true
	for _, t := range toks {
		if gapBreaks(text[prevEnd:t.Start]) {
			brk = true
		}
		prevEnd = t.End
		if IsStopWord(t.Text) {
			continue
		}
		out = append(out, termToken{stem: cachedStem(t.Text, cache), start: t.Start, end: t.End, brk: brk})
		brk = false
	}
	return out
}

// gapBreaks reports whether the text between two words separates phrases.
func gapBreaks(gap string) bool {
	for i := 0; i < len(gap); {
		c := gap[i]
		if c < utf8.RuneSelf {
			if c != ' ' && c != '-' && c != '/' && c != '\'' && c != '"' && c != '\t' {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(gap[i:])
		if r != '’' && r != '‘' && r != '“' && r != '”' && r != '–' && r != '\u00a0' {
			return true
		}
		i += n
	}
	return false
}

// Find returns the phrases of v that occur in text, in order of position.
// At each position the longest phrase wins and hits do not overlap.
func (v *Vocabulary) Find(text string) []PhraseHit {
	return v.find(termTokens(text, make(map[string]string)))
}

// find matches v against term tokens.
func (v *Vocabulary) find(toks []termToken) []PhraseHit {
	var hits []PhraseHit
	buf := make([]byte, 0, 128)
	for i := 0; i < len(toks); {
		buf = append(buf[:0], toks[i].stem...)
		best, bestIdx := -1, int32(0)
		for j := i; ; {
			if idx, ok := v.keys[string(buf)]; ok {
				best, bestIdx = j, idx
			}
			if _, ok := v.prefixes[string(buf)]; !ok {
				break
			}
			j++
			if j >= len(toks) || toks[j].brk || j-i >= v.maxTerms {
				break
			}
			buf = append(append(buf, ' '), toks[j].stem...)
		}
		if best < 0 {
			i++
			continue
		}
		hits = append(hits, PhraseHit{Phrase: v.labels[bestIdx], Start: toks[i].start, End: toks[best].end})
		i = best + 1
	}
	return hits
}
