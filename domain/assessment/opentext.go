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
	// score is the estimated level, 1–5 as a real number: 1 for an empty
	// answer or one that gives no account (the question was asked and
	// nothing was shown).
	score float64
	// quality, 0–1, says how much the answer can be trusted: long enough to
	// say something (but no bonus beyond that), a complete account
	// (situation, own actions, result, specifics), not flagged.
	quality  float64
	matches  []Match
	excerpt  string
	flags    []Flag
	elements []Element
}

// Thresholds of the free-text analysis.
const (
	// substantiveWords is the number of content words at which an answer is
	// long enough; more words add nothing.
	substantiveWords = 20
	// flaggedCap is the highest score a stuffed or copied answer gets: it
	// rounds to level 2 at most.
	flaggedCap = 1.5
	// offTopicCap is the highest score an off-topic answer gets.
	offTopicCap = 1.0
	// claimCap is the highest score of an answer that states what the
	// writer is or does without the actions and specifics behind it: a
	// claim of scope or seniority is not evidence of it.
	claimCap = 2.0
	// partialCap is the highest score of an answer with actions and
	// specifics but neither a situation nor a result: an account, but an
	// incomplete one (unless its reach is wide, see wideScope).
	partialCap = 3.4
	// wideScope is the backed reach (several teams) from which an account
	// with actions and specifics is not held to partialCap: what the writer
	// did for several teams or the organisation, named with its specifics,
	// is the evidence, told with or without its situation.
	wideScope = 3
	// noActionQuality multiplies the quality of an answer in which the
	// writer does nothing.
	noActionQuality = 0.4
	// lexicalShare is the share of the level estimate that comes from the
	// words an answer shares with the level descriptors and the behavioural
	// markers; the rest comes from the account (behaviourLevel).
	lexicalShare = 0.5
	// relianceLow and relianceSome are how much each marker of working with
	// help (level 1) or with some guidance (level 2) lowers the account's
	// level.
	relianceLow  = 0.7
	relianceSome = 0.35
	// selfDescription lowers the account's level when the answer describes
	// the writer at least as often as it says what they did.
	selfDescription = 1.0
	// maxExcerptPhrases bounds the phrases quoted in an excerpt.
	maxExcerptPhrases = 8
)

// scoreText analyses the answer against the rubric model, the trigrams of
// the other answers of the assessment and of the competency's prompts.
func (s *LexicalScorer) scoreText(m *rubricModel, ans *analysedAnswer, others, prompts [][]uint64) textScore {
	toks, text := ans.toks, ans.text
	content := 0
	for _, t := range toks {
		if !t.stop {
			content++
		}
	}
	if content == 0 {
		return textScore{score: 1, flags: []Flag{FlagEmpty}}
	}

	ac := findAccount(text, toks)
	actions := float64(ac.strongActions) + 0.5*float64(ac.weakActions)
	backed := actions > 0 && ac.specific > 0
	hits := findMarkers(toks)
	var marks [5]float64
	seenPhrase := map[string]bool{}
	for _, h := range hits {
		// Level-words earn nothing by themselves: markers of reach beyond
		// the writer's own work count only in a sentence where the writer
		// acts, in an answer that backs its actions with specifics.
		if h.level >= 4 && (!backed || !ac.acted[toks[h.start].sentence]) {
			continue
		}
		if !seenPhrase[h.phrase] {
			seenPhrase[h.phrase] = true
			marks[h.level-1]++
		}
	}
	sims, termLevel := descriptorSimilarity(m, toks, &ac)
	if !backed {
		// The words of the top two descriptors are about reach beyond one
		// team; in a claim they count for nothing.
		sims[3], sims[4] = 0, 0
	}

	var ts textScore
	// The lexical estimate weighs by how much it found: a short account of
	// expert work shares few words with the descriptors, which says
	// nothing against it.
	lex, strength := estimateLevel(sims, marks)
	wl := lexicalShare * strength
	ts.score = wl*lex + (1-wl)*behaviourLevel(ac, marks, backed)
	ts.matches, ts.excerpt = evidencePhrases(text, toks, hits, termLevel)
	switch {
	case !backed:
		ts.score = math.Min(ts.score, claimCap)
	case ac.situation == 0 && ac.result == 0 && ac.backedScope < wideScope:
		ts.score = math.Min(ts.score, partialCap)
	}
	if backed && ac.scope > 0 {
		ac.backScope(text, toks)
	}
	ts.elements = sortElements(ac.elements)

	completeness := (math.Min(1, actions) + b2f(ac.situation > 0) + b2f(ac.result > 0) + math.Min(1, float64(ac.specific)/2)) / 4
	topical, stuffing, copyBack := s.inspect(m, ans, content, others, prompts)
	lengthFactor := math.Min(1, float64(content)/substantiveWords)
	ts.quality = lengthFactor * (0.2 + 0.8*completeness)
	if actions == 0 {
		// Without anything the writer did, the rest is not an account.
		ts.quality *= noActionQuality
	}
	// An account with actions and specifics may use its own words for the
	// topic (values, people work), and one of work done for a team or more,
	// or a complete one (a situation, the writer's actions and a result), may
	// use none of the rubric's; without one, few topical words mean the
	// answer is about something else.
	reaching := backed && ac.strongActions > 0 && (ac.backedScope >= 2 || (ac.situation > 0 && ac.result > 0))
	if (topical == 0 && !reaching) || (topical < 2 && len(hits) < 2 && !backed) {
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
	ts.score = math.Max(1, ts.score)
	return ts
}

// behaviourLevel estimates the level from the account alone: what the
// writer did and how far it reached, lowered by reliance on others' help.
// Reach counts only in a sentence where the writer acts, in an answer that
// gives specifics; without both, the answer is a claim.
func behaviourLevel(ac account, marks [5]float64, backed bool) float64 {
	if !backed {
		return 1.5
	}
	l := 3.0
	if ac.strongActions == 0 {
		l = 2.5
	}
	// A backed reach beyond one team outweighs the wording: the steps of
	// several teams and of the organisation reach past the scale (clamped
	// below) so that an account of such work, which shares few words with
	// the descriptors, is not pulled back to the middle by the lexical
	// estimate.
	switch ac.backedScope {
	case 4:
		l += 2.5
	case 3:
		l += 1.5
	case 2:
		l += 0.2
	}
	l -= relianceLow*marks[0] + relianceSome*marks[1]
	if ac.claims > 0 && ac.claims >= ac.strongActions {
		// As much self-description as things done: the account is thin.
		l -= selfDescription
	}
	return math.Max(1, math.Min(5, l))
}

// b2f is 1 for true and 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// sortElements orders elements by position, then kind.
func sortElements(es []Element) []Element {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Start != es[j].Start {
			return es[i].Start < es[j].Start
		}
		return es[i].Kind < es[j].Kind
	})
	return es
}

// descriptorSimilarity returns, for each level, the share of the weight of
// its descriptor's stems that the account of the answer uses (see
// account.tells), and for each matched stem the level it points to (the
// lowest level holding it).
func descriptorSimilarity(m *rubricModel, toks []token, ac *account) ([5]float64, map[string]int) {
	var sims [5]float64
	termLevel := make(map[string]int, 16)
	for _, t := range toks {
		if t.stop || !ac.tells(t.sentence) {
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
// the estimate; strength, 0–1, says how much evidence it rests on.
func estimateLevel(sims, marks [5]float64) (level, strength float64) {
	var simSum, markSum float64
	for l := range 5 {
		simSum += sims[l]
		markSum += marks[l]
	}
	wd := math.Min(1, simSum/0.4)
	wm := 1.5 * math.Min(1, markSum/3)
	if wd+wm == 0 {
		return 1.5, 0
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
	return mean, math.Min(1, (wd+wm)/1.5)
}

// inspect counts the distinct topical stems of the answer and detects keyword
// stuffing and copy-back: of the rubric, of a prompt, or of another answer.
func (s *LexicalScorer) inspect(m *rubricModel, ans *analysedAnswer, content int, others, prompts [][]uint64) (topical int, stuffing, copyBack bool) {
	toks := ans.toks
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

	ans3 := ans.tri
	if len(ans3) == 0 {
		return topical, stuffing, false
	}
	over := func(src []uint64) bool {
		return float64(shared(ans3, src))/float64(len(ans3)) > s.copyBack
	}
	copyBack = over(m.all)
	for _, d := range m.trigrams {
		if len(d) > 0 && float64(shared(ans3, d))/float64(len(d)) > s.copyBack {
			copyBack = true
		}
	}
	for _, src := range append(others, prompts...) {
		copyBack = copyBack || over(src)
	}
	return topical, stuffing, copyBack
}

// numberWords are spelled-out quantities.
var numberWords = setOf("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
	"twenty", "dozen", "hundred", "thousand", "million", "half")

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
