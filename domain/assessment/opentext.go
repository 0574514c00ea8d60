package assessment

import (
	"math"
	"math/bits"
	"sort"
	"strings"

	"github.com/cadrehq/cadre/domain/competency"
)

// textScore is the analysis of one open-text answer.
type textScore struct {
	// score is the estimated level, 1–5 as a real number, or 0 for an empty
	// answer.
	score float64
	// quality, 0–1, says how much the answer can be trusted: long enough to
	// say something (but no bonus beyond that), told in the first person and
	// the past tense, with specifics, on topic, not flagged.
	quality float64
	matches []Match
	excerpt string
	flags   []Flag
}

// Thresholds of the free-text analysis.
const (
	// substantiveWords is the number of content words at which an answer is
	// long enough; more words add nothing.
	substantiveWords = 20
	// flaggedCap is the highest score a stuffed or copied answer gets.
	flaggedCap = 1.5
	// offTopicCap is the highest score an off-topic answer gets.
	offTopicCap = 1.0
	// maxExcerptPhrases bounds the phrases quoted in an excerpt.
	maxExcerptPhrases = 8
)

// scoreText analyses the answer against the rubric model.
func (s *LexicalScorer) scoreText(m *rubricModel, text string) textScore {
	toks := tokenize(text)
	content := 0
	for _, t := range toks {
		if !t.stop {
			content++
		}
	}
	if content == 0 {
		return textScore{flags: []Flag{FlagEmpty}}
	}

	hits := findMarkers(toks)
	var marks [5]float64
	seenPhrase := map[string]bool{}
	for _, h := range hits {
		if !seenPhrase[h.phrase] {
			seenPhrase[h.phrase] = true
			marks[h.level-1]++
		}
	}
	sims, termLevel := descriptorSimilarity(m, toks)

	var ts textScore
	ts.score = estimateLevel(sims, marks)
	ts.matches, ts.excerpt = evidencePhrases(text, toks, hits, termLevel)

	topical, stuffing, copyBack := s.inspect(m, toks, content)
	lengthFactor := math.Min(1, float64(content)/substantiveWords)
	ts.quality = lengthFactor * (0.4 + 0.3*agency(toks) + 0.3*specifics(toks))
	if topical == 0 || (topical < 2 && len(hits) < 2) {
		ts.flags = append(ts.flags, FlagOffTopic)
		ts.score = math.Min(ts.score, offTopicCap)
		ts.quality *= 0.2
	}
	if stuffing {
		ts.flags = append(ts.flags, FlagKeywordStuffing)
	}
	if copyBack {
		ts.flags = append(ts.flags, FlagCopyBack)
	}
	if stuffing || copyBack {
		ts.score = math.Min(ts.score, flaggedCap)
		ts.quality *= 0.3
	}
	return ts
}

// descriptorSimilarity returns, for each level, the share of the weight of
// its descriptor's stems that the answer uses, and for each matched stem the
// level it points to (the lowest level holding it).
func descriptorSimilarity(m *rubricModel, toks []token) ([5]float64, map[string]int) {
	var sims [5]float64
	termLevel := make(map[string]int, 16)
	for _, t := range toks {
		if t.stop {
			continue
		}
		mask, ok := m.levels[t.stem]
		if !ok {
			continue
		}
		if _, dup := termLevel[t.stem]; dup {
			continue
		}
		w := termWeight(mask)
		if w == 0 {
			continue
		}
		termLevel[t.stem] = bits.TrailingZeros8(mask) + 1
		for l := range 5 {
			if mask&(1<<l) != 0 && m.total[l] > 0 {
				sims[l] += w / m.total[l]
			}
		}
	}
	return sims, termLevel
}

// estimateLevel combines the descriptor similarities and the marker counts
// into a level between 1 and 5. Each source becomes a distribution over the
// levels, weighted by how much evidence it has; the distribution is
// sharpened (squared) so that the dominant level counts most, and its mean is
// the estimate. With little evidence the estimate leans towards Developing.
func estimateLevel(sims, marks [5]float64) float64 {
	var simSum, markSum float64
	for l := range 5 {
		simSum += sims[l]
		markSum += marks[l]
	}
	wd := math.Min(1, simSum/0.4)
	wm := 1.5 * math.Min(1, markSum/3)
	if wd+wm == 0 {
		return 1.5
	}
	var p [5]float64
	var norm, mean float64
	for l := range 5 {
		var v float64
		if simSum > 0 {
			v += wd * sims[l] / simSum
		}
		if markSum > 0 {
			v += wm * marks[l] / markSum
		}
		p[l] = v * v
		norm += p[l]
	}
	for l := range 5 {
		mean += float64(l+1) * p[l] / norm
	}
	strength := math.Min(1, (wd+wm)/1.5)
	return strength*mean + (1-strength)*1.5
}

// inspect counts the distinct topical stems of the answer and detects keyword
// stuffing and copy-back.
func (s *LexicalScorer) inspect(m *rubricModel, toks []token, content int) (topical int, stuffing, copyBack bool) {
	seen := map[string]bool{}
	stop, keywordish := 0, 0
	for _, t := range toks {
		if t.stop {
			stop++
			continue
		}
		_, inVocab := m.vocab[t.stem]
		_, inMarker := markerStems[t.stem]
		if inVocab || inMarker {
			keywordish++
		}
		if inVocab && !seen[t.stem] {
			topical++
		}
		seen[t.stem] = true
	}
	density := float64(keywordish) / float64(content)
	stopRatio := float64(stop) / float64(len(toks))
	repeat := 1 - float64(len(seen))/float64(content)
	stuffing = content >= 4 && density >= s.stuffingDensity && (stopRatio < 0.2 || repeat > 0.4)

	if ans := trigrams(toks); len(ans) > 0 {
		if float64(shared(ans, m.all))/float64(len(ans)) > s.copyBack {
			copyBack = true
		}
		for _, d := range m.trigrams {
			if len(d) > 0 && float64(shared(ans, d))/float64(len(d)) > s.copyBack {
				copyBack = true
			}
		}
	}
	return topical, stuffing, copyBack
}

// agency is the share, up to 1, of sentences in which the writer ("I" or
// "we") did something in the past tense.
func agency(toks []token) float64 {
	sentences := map[int]bool{}
	acted := map[int]bool{}
	for i, t := range toks {
		sentences[t.sentence] = true
		if t.word != "i" && t.word != "we" {
			continue
		}
		for j := i + 1; j < len(toks) && j <= i+3 && toks[j].sentence == t.sentence; j++ {
			if pastTense(toks[j].word) {
				acted[t.sentence] = true
				break
			}
		}
	}
	return math.Min(1, 2*float64(len(acted))/float64(len(sentences)))
}

// outcomeStems are words that report a result.
var outcomeStems = stemSet("reduced", "increased", "cut", "saved", "improved", "dropped", "grew", "result",
	"outcome", "fewer", "faster", "halved", "doubled", "percent", "hours", "minutes", "days", "weeks", "months",
	"customers", "users", "incidents", "errors", "latency", "cost", "revenue", "deadline", "shipped", "launched")

// numberWords are spelled-out quantities.
var numberWords = setOf("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
	"twenty", "dozen", "hundred", "thousand", "million", "half")

// specifics is how concrete the answer is, 0–1: numbers and reported results.
func specifics(toks []token) float64 {
	seen := map[string]bool{}
	for _, t := range toks {
		_, outcome := outcomeStems[t.stem]
		_, number := numberWords[t.word]
		if outcome || number || strings.IndexAny(t.word, "0123456789") >= 0 {
			seen[t.stem] = true
		}
	}
	return math.Min(1, float64(len(seen))/3)
}

// phrase is a span of the answer that matched a level.
type phrase struct {
	start, end int // byte offsets
	level      int
	source     string
}

// evidencePhrases returns the matched phrases of the answer: every marker hit,
// and runs of descriptor-matched words (one stop word may sit inside a run),
// in text order, with an excerpt quoting them. The excerpt never quotes more
// than half of the answer.
func evidencePhrases(text string, toks []token, hits []markerHit, termLevel map[string]int) ([]Match, string) {
	var ps []phrase
	covered := make([]bool, len(toks))
	for _, h := range hits {
		ps = append(ps, phrase{start: toks[h.start].start, end: toks[h.end-1].end, level: h.level, source: "marker"})
		for i := h.start; i < h.end; i++ {
			covered[i] = true
		}
	}
	for i := 0; i < len(toks); i++ {
		l, ok := termLevel[toks[i].stem]
		if !ok || covered[i] {
			continue
		}
		levels := map[int]int{l: 1}
		j := i + 1
		for j < len(toks) && !covered[j] && toks[j].sentence == toks[i].sentence {
			if lj, ok := termLevel[toks[j].stem]; ok {
				levels[lj]++
				j++
				continue
			}
			if toks[j].stop && j+1 < len(toks) && toks[j+1].sentence == toks[i].sentence {
				if lj, ok := termLevel[toks[j+1].stem]; ok && !covered[j+1] {
					levels[lj]++
					j += 2
					continue
				}
			}
			break
		}
		ps = append(ps, phrase{start: toks[i].start, end: toks[j-1].end, level: modeLevel(levels), source: "descriptor"})
		i = j - 1
	}
	sort.Slice(ps, func(a, b int) bool { return ps[a].start < ps[b].start })

	matches := make([]Match, 0, len(ps))
	var quoted []string
	budget := len(text) / 2
	seen := map[string]bool{}
	for _, p := range ps {
		ph := text[p.start:p.end]
		matches = append(matches, Match{Phrase: ph, Level: competency.Level(p.level), Source: p.source})
		key := strings.ToLower(ph)
		if seen[key] || len(quoted) >= maxExcerptPhrases || len(ph) > budget {
			continue
		}
		seen[key] = true
		budget -= len(ph)
		quoted = append(quoted, ph)
	}
	return matches, strings.Join(quoted, " … ")
}

// modeLevel returns the most frequent level, the higher on a tie.
func modeLevel(levels map[int]int) int {
	best, n := 0, 0
	for l, c := range levels {
		if c > n || (c == n && l > best) {
			best, n = l, c
		}
	}
	return best
}
