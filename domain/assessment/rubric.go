package assessment

import (
	"math"
	"math/bits"
	"slices"
)

// rubricModel is a Rubric prepared for scoring free text.
type rubricModel struct {
	// levels maps each content stem of the descriptors to the set of levels
	// (bit l-1 for level l) whose descriptor holds it.
	levels map[string]uint8
	// total[l] is the summed weight of level l+1's descriptor stems (see
	// termWeight).
	total [5]float64
	// vocab holds the topical content stems of the competency (name,
	// description, keywords, aliases, descriptors), generic ones excepted.
	vocab map[string]struct{}
	// trigrams[l] holds the sorted stem-trigram hashes of level l+1's
	// descriptor; all holds those of every descriptor and of the description.
	trigrams [5][]uint64
	all      []uint64
}

// termWeights[n] is the weight of a stem found in n of the five descriptors:
// ln(5/n), so a stem of one level weighs most and a stem all five share
// nothing (it says the answer is on topic, not at which level).
var termWeights = [6]float64{0, math.Log(5), math.Log(5.0 / 2), math.Log(5.0 / 3), math.Log(5.0 / 4), 0}

// termWeight returns the weight of a stem with the level set mask.
func termWeight(mask uint8) float64 { return termWeights[bits.OnesCount8(mask)] }

// newRubricModel prepares r.
func newRubricModel(r Rubric) *rubricModel {
	m := &rubricModel{levels: make(map[string]uint8, 64), vocab: make(map[string]struct{}, 64)}
	for l, d := range r.Descriptors {
		toks := tokenize(d)
		for _, t := range toks {
			if t.stop || len(t.stem) < 3 {
				continue
			}
			m.levels[t.stem] |= 1 << l
			m.addVocab(t.stem)
		}
		m.trigrams[l] = trigrams(toks)
		m.all = append(m.all, m.trigrams[l]...)
	}
	m.all = append(m.all, trigrams(tokenize(r.Description))...)
	slices.Sort(m.all)
	m.all = slices.Compact(m.all)
	for _, mask := range m.levels {
		w := termWeight(mask)
		for l := range 5 {
			if mask&(1<<l) != 0 {
				m.total[l] += w
			}
		}
	}
	topical := append([]string{r.Name, r.Description}, r.Keywords...)
	for _, s := range append(topical, r.Aliases...) {
		for _, t := range tokenize(s) {
			if !t.stop && len(t.stem) >= 2 {
				m.addVocab(t.stem)
			}
		}
	}
	return m
}

// addVocab adds a stem to the topical vocabulary unless it is generic.
func (m *rubricModel) addVocab(s string) {
	if _, generic := genericStems[s]; !generic {
		m.vocab[s] = struct{}{}
	}
}

// trigrams returns the sorted, distinct stem trigrams of toks, within
// sentences, as hashes (a collision would at worst count one trigram as
// shared).
func trigrams(toks []token) []uint64 {
	const p = 1099511628211
	out := make([]uint64, 0, len(toks))
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].sentence == toks[i+2].sentence {
			out = append(out, (toks[i].hash*p^toks[i+1].hash)*p^toks[i+2].hash)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// shared counts the values two sorted, distinct slices have in common.
func shared(a, b []uint64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}
