package assessment

import (
	"strings"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

// marker is a behavioural phrase that points to a proficiency level whatever
// the competency: reliance on help points low, ownership to the middle,
// leading others and cross-team scope higher, organisation-wide strategy and
// external recognition to the top.
type marker struct {
	phrase string
	level  int
	stems  []string
}

// markerPhrases lists the behavioural markers by level.
var markerPhrases = [5][]string{
	{ // 1 Basic: follows, is helped, is learning.
		"with help", "with the help", "with a lot of help", "help from", "helped me", "asked for help",
		"asked someone", "showed me", "walked me through", "was shown", "under supervision", "supervised",
		"followed the guide", "followed the runbook", "followed the instructions", "followed the steps",
		"followed the tutorial", "followed the checklist", "followed the template", "step by step", "tutorial",
		"i am learning", "still learning", "learning", "not sure", "first time", "told me", "was told",
		"i was asked", "shadowed", "watched", "beginner", "new to", "escalated", "passed it on", "handed it over",
		"i think", "trying to", "my mentor", "my senior", "pointed at", "pointed me", "assigned", "asked me to",
		"following the", "asked in", "handed it", "told the", "picked up the tickets", "when she asks", "when he asks", "did not know", "didn't know", "nervous", "confusing",
	},
	{ // 2 Developing: routine work, some guidance, checks with others.
		"some help", "some guidance", "a bit of help", "occasional help", "checked with", "double checked",
		"asked my lead", "my lead", "routine", "simple", "small change", "small fix", "a few", "tried a few",
		"tried different", "mostly on my own", "reviewed by", "got feedback", "paired with", "pairing",
		"stand up", "standup", "ticket", "my manager", "a senior",
	},
	{ // 3 Proficient: owns work end to end, analyses, decides.
		"independently", "on my own", "by myself", "myself", "owned", "end to end", "without help",
		"root cause", "investigated", "analysed", "diagnosed", "troubleshot", "compared", "measured",
		"implemented", "wrote a", "set up", "documented", "design document", "one to one", "decided",
		"prioritised", "resolved", "i refactored", "i built", "i fixed", "i wrote",
	},
	{ // 4 Advanced: leads others and work across teams, improves the system.
		"i led", "led the", "led a", "coached", "mentored", "reviewed", "across teams", "several teams",
		"other teams", "multiple teams", "three teams", "four teams", "cross team", "cross functional",
		"stakeholders", "aligned", "facilitated", "proposed", "introduced", "drove", "trade off", "prevent",
		"systemic", "standards", "standardised", "architecture", "hiring", "promoted", "team leads", "workshop",
		"rolled out", "capacity planning", "post mortem", "postmortem", "recurring",
	},
	{ // 5 Expert: organisation-wide strategy, direction, external authority.
		"organisation", "organisation wide", "company wide", "across the company", "whole company",
		"entire company", "strategy", "strategic", "roadmap", "set the direction", "direction", "vision",
		"executive", "executives", "board", "ceo", "cto", "industry", "conference", "published", "open source",
		"external", "adopted", "operating model", "culture", "defined the", "department", "departments",
		"succession", "authority", "at scale", "every team", "all teams", "leadership team", "investment",
		"multi year", "budget", "regulator", "regulators",
	},
}

// markers is markerPhrases tokenised and stemmed, indexed by first stem.
var markers = buildMarkers()

// markerStems holds every stem that occurs in a marker.
var markerStems = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, ms := range markers {
		for _, mk := range ms {
			for _, s := range mk.stems {
				if !analysis.IsStopWord(s) {
					m[s] = struct{}{}
				}
			}
		}
	}
	return m
}()

// buildMarkers indexes the marker phrases by the stem of their first word,
// longest phrase first so that matching prefers it.
func buildMarkers() map[string][]marker {
	idx := map[string][]marker{}
	for i, phrases := range markerPhrases {
		for _, p := range phrases {
			toks := tokenize(p)
			mk := marker{phrase: p, level: i + 1, stems: stems(toks)}
			first := mk.stems[0]
			at := len(idx[first])
			for j, o := range idx[first] {
				if len(o.stems) < len(mk.stems) {
					at = j
					break
				}
			}
			idx[first] = append(idx[first][:at], append([]marker{mk}, idx[first][at:]...)...)
		}
	}
	return idx
}

// markerHit is one marker found in an answer: the marker's level and the
// token span it covers.
type markerHit struct {
	level      int
	phrase     string
	start, end int // token indexes, end exclusive
}

// findMarkers scans toks for markers, taking the longest match at each
// position and never overlapping two matches.
func findMarkers(toks []token) []markerHit {
	var hits []markerHit
	for i := 0; i < len(toks); {
		matched := false
		for _, mk := range markers[toks[i].stem] {
			if i+len(mk.stems) > len(toks) || !stemsAt(toks, i, mk.stems) {
				continue
			}
			hits = append(hits, markerHit{level: mk.level, phrase: mk.phrase, start: i, end: i + len(mk.stems)})
			i += len(mk.stems)
			matched = true
			break
		}
		if !matched {
			i++
		}
	}
	return hits
}

// stemsAt reports whether toks[i:] starts with the stems want, within one
// sentence.
func stemsAt(toks []token, i int, want []string) bool {
	for j, s := range want {
		if toks[i+j].stem != s || toks[i+j].sentence != toks[i].sentence {
			return false
		}
	}
	return true
}

// pastTense reports whether the lower-case word looks like a past-tense verb:
// a regular "-ed" form or a known irregular one.
func pastTense(w string) bool {
	if _, ok := analysis.IrregularPast(w); ok {
		return true
	}
	return len(w) > 4 && strings.HasSuffix(w, "ed")
}
