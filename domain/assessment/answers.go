package assessment

// analysedAnswer is an open-text answer tokenised once, with its stem
// trigrams for the copy-back checks.
type analysedAnswer struct {
	text string
	toks []token
	tri  []uint64
}

// answerSet holds the analysed open-text answers of one scoring, so that an
// answer can be compared with the others of the same assessment.
type answerSet struct {
	ids     []string
	answers []*analysedAnswer
}

// analyseAnswers tokenises every open-text answer of the responses.
func (a Assessment) analyseAnswers(byItem map[string]Response) *answerSet {
	set := &answerSet{}
	for _, it := range a.Items {
		r, ok := byItem[it.ID]
		if it.Kind != OpenText || !ok {
			continue
		}
		toks := tokenize(*r.Text)
		set.ids = append(set.ids, it.ID)
		set.answers = append(set.answers, &analysedAnswer{text: *r.Text, toks: toks, tri: trigrams(toks)})
	}
	return set
}

// get returns the analysed answer of the item.
func (s *answerSet) get(id string) *analysedAnswer {
	for i, x := range s.ids {
		if x == id {
			return s.answers[i]
		}
	}
	return &analysedAnswer{}
}

// others returns the trigrams of every answer but the item's.
func (s *answerSet) others(id string) [][]uint64 {
	out := make([][]uint64, 0, len(s.ids))
	for i, x := range s.ids {
		if x != id {
			out = append(out, s.answers[i].tri)
		}
	}
	return out
}

// promptTrigrams returns the stem trigrams of an item's prompt. Prompts
// repeat across every assessment of a framework, so their trigrams are
// cached (bounded like the stem cache; results never depend on it).
func promptTrigrams(prompt string) []uint64 {
	return promptCache.get(prompt, func(p string) []uint64 { return trigrams(tokenize(p)) })
}

// maxCachedPrompts bounds the prompt cache; when it is full the cache starts
// over.
const maxCachedPrompts = 1 << 14

// promptCache maps prompts to their trigrams; the slices are never modified
// once stored.
var promptCache = memo[string, []uint64]{max: maxCachedPrompts}
