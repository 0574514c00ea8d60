package assessment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// account is what an open-text answer tells of a behavioural account: the
// elements found, and how strong each kind is.
type account struct {
	elements []Element
	// strongActions counts sentences where "I" did something in the past
	// tense; weakActions those where "I" does something in the present or
	// "we" did something (the writer's own part is unclear).
	strongActions, weakActions  int
	situation, result, specific int
	// actedSpecific counts the specifics in sentences where the writer
	// acts: the ones that back an action.
	actedSpecific int
	// scope is the widest reach the answer states: 0 none, 1 self, 2 team,
	// 3 several teams, 4 the organisation (whether backed or not); backed is
	// the widest reach stated in a sentence where the writer acts.
	scope, backedScope int
	// scopeAt holds the token index and reach of every scope word.
	scopeAt [][2]int
	// acted holds the sentences in which the writer acts; strong those in
	// which the writer did something (past tense), numeric those holding a
	// number.
	acted, strong, numeric map[int]bool
	// claims counts the sentences in which the writer describes themselves
	// ("I am passionate about", "I believe in") rather than acts; claimed
	// holds them.
	claims  int
	claimed map[int]bool
}

// Words that make up the elements.
var (
	// timeWords open or make a time expression ("last quarter", "two weeks
	// ago", "in March").
	timeUnits = setOf("week", "weeks", "month", "months", "quarter", "quarters", "year", "years", "sprint", "sprints",
		"summer", "winter", "spring", "autumn", "release", "day", "days", "night", "weekend", "morning", "afternoon")
	timeLead  = setOf("last", "this", "next", "previous", "past", "every", "each", "one", "first")
	timeWords = setOf("ago", "yesterday", "recently", "earlier", "january", "february", "march", "april", "may",
		"june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday",
		"thursday", "friday", "saturday", "sunday", "q1", "q2", "q3", "q4", "during", "while", "after", "before", "when")
	// contextNouns name the event or work an account is about.
	contextNouns = stemSet("project", "incident", "outage", "migration", "launch", "release", "audit", "customer",
		"service", "system", "feature", "rollout", "deadline", "review", "meeting", "team", "client", "product",
		"pipeline", "cluster", "database", "report", "deploy", "deployment", "bug", "ticket", "retro", "retrospective")
	// resultStems report an outcome.
	resultStems = stemSet("reduced", "increased", "cut", "saved", "improved", "dropped", "grew", "fell", "rose",
		"halved", "doubled", "fixed", "resolved", "solved", "shipped", "launched", "delivered", "stopped", "prevented",
		"passed", "approved", "adopted", "faster", "fewer", "lower", "higher", "result", "outcome", "went",
		"since", "now", "avoided", "recovered", "restored", "closed", "finished", "completed", "worked", "helped")
	// auxiliaries may sit between "I" and what was done ("I had already
	// moved", "I also wrote").
	auxiliaries = setOf("had", "have", "has", "did", "also", "always", "usually", "often", "just", "really", "then",
		"still", "personally", "actually", "already", "first", "finally", "quickly")
	// states follow "I" to say what the writer is, thinks or would do, not
	// what they did: a self-description is not an action ("I am passionate
	// about", "I believe in", "I see myself as").
	states = setOf("was", "were", "am", "m", "could", "would", "should", "might", "will", "can", "do", "think", "feel",
		"believe", "guess", "hope", "want", "wanted", "like", "liked", "love", "not", "never", "know", "knew", "see",
		"care", "embrace", "consider", "thrive", "enjoy", "value", "aim", "strive", "bring", "pride", "champion")
	// roleWords name people by their role, a specific.
	roleWords = setOf("cto", "ceo", "cfo", "vp", "director", "designer", "customer", "customers", "auditor", "auditors",
		"regulator", "engineer", "engineers", "analyst", "intern", "tester", "architect", "pm", "po", "sre")
	// pastAsBase are past-tense verbs spelled like their base form; opening a
	// sentence without a subject they tell what was done ("Set up the review
	// process. Cut the bill by half.").
	pastAsBase = setOf("set", "cut", "put", "shut", "split", "spread")
	// workVerbs open a sentence that tells, without a subject, what the
	// writer does as a duty ("Run the capacity planning.", "Train new
	// leads."): an action in the present, so a weak one.
	workVerbs = setOf("lead", "run", "own", "manage", "train", "coach", "mentor", "chair", "maintain", "review",
		"build", "write", "design", "define", "look", "post", "flag", "agree", "update", "teach", "plan", "hire")
	// scopeWords are the words that state a reach, by scope level.
	scopeTeam = setOf("team", "squad", "colleagues", "teammates")
	scopeMany = setOf("teams", "group", "groups", "squads", "departments", "tribes")
	scopeOrg  = setOf("company", "organisation", "organization", "org", "department", "companywide", "business",
		"industry", "everyone", "founders", "board", "executive", "exec", "engineering")
)

// findAccount finds the elements of a behavioural account in the answer.
func findAccount(text string, toks []token) account {
	var ac account
	add := func(kind string, from, to int) {
		if n := len(ac.elements); n > 0 && ac.elements[n-1].Kind == kind && ac.elements[n-1].End >= toks[from].start {
			return
		}
		ac.elements = append(ac.elements, Element{Kind: kind, Start: toks[from].start, End: toks[to].end, Text: text[toks[from].start:toks[to].end]})
	}
	actSentence := map[int]bool{}
	ac.acted, ac.strong, ac.numeric = actSentence, map[int]bool{}, map[int]bool{}
	claimed := map[int]bool{}
	ac.claimed = claimed
	var specificAt []int
	for i, t := range toks {
		next := func(k int) (token, bool) {
			if i+k < len(toks) && toks[i+k].sentence == t.sentence {
				return toks[i+k], true
			}
			return token{}, false
		}
		// Situation: a time expression or a named event.
		if _, ok := timeWords[t.word]; ok {
			if _, ok := next(1); ok {
				add(ElementSituation, i, min(i+1, len(toks)-1))
				ac.situation++
			}
		} else if _, ok := timeLead[t.word]; ok {
			if n, ok := next(1); ok {
				if _, unit := timeUnits[n.word]; unit {
					add(ElementSituation, i, i+1)
					ac.situation++
				}
			}
		}
		// Action: "I" (or "we") and a verb of doing within three words.
		if (t.word == "i" || t.word == "we") && !actSentence[t.sentence] {
			for k := 1; k <= 3; k++ {
				n, ok := next(k)
				if !ok {
					break
				}
				if has(auxiliaries, n.word) {
					continue
				}
				if has(states, n.word) && t.word == "i" && !claimed[t.sentence] {
					claimed[t.sentence] = true
					ac.claims++
				}
				if n.stop || has(states, n.word) {
					break
				}
				past := pastTense(n.word)
				if t.word == "i" && (past || has(pastAsBase, n.word)) {
					ac.strongActions++
					ac.strong[t.sentence] = true
				} else if past || (t.word == "i" && !strings.HasSuffix(n.word, "ing")) {
					ac.weakActions++
				} else {
					break
				}
				actSentence[t.sentence] = true
				add(ElementAction, i, i+k)
				break
			}
		}
		// Action told without a subject, as in a list of achievements
		// ("Designed the standard. Cut page load by half."): a sentence that
		// opens with a past-tense verb (or one spelled like its base form).
		if opens := i == 0 || toks[i-1].sentence != t.sentence; opens && !actSentence[t.sentence] && !has(auxiliaries, t.word) && !has(states, t.word) {
			switch {
			case t.stop:
			case pastTense(t.word) || has(pastAsBase, t.word):
				ac.strongActions++
				ac.strong[t.sentence] = true
				actSentence[t.sentence] = true
				add(ElementAction, i, i)
			case has(workVerbs, t.word):
				// "Lead the reviews for six teams.": what the writer does,
				// told like a list of duties.
				ac.weakActions++
				actSentence[t.sentence] = true
				add(ElementAction, i, i)
			}
		}
		if t.stop {
			continue
		}
		// Result.
		if _, ok := resultStems[t.stem]; ok {
			add(ElementResult, i, i)
			ac.result++
		}
		// Specifics: numbers, named things, acronyms, roles.
		if isSpecific(text, toks, i) {
			add(ElementSpecific, i, i)
			ac.specific++
			specificAt = append(specificAt, t.sentence)
			if strings.IndexAny(t.word, "0123456789") >= 0 || has(numberWords, t.word) {
				ac.numeric[t.sentence] = true
			}
		}
		if _, ok := contextNouns[t.stem]; ok && i > 0 {
			if p := toks[i-1]; p.word == "the" || p.word == "our" || p.word == "a" || p.word == "my" {
				ac.situation++
			}
		}
		reach := 0
		switch w := possessor(t.word); {
		case has(scopeOrg, w):
			reach = 4
		case has(scopeMany, w):
			reach = 3
		case has(scopeTeam, w):
			reach = 2
		case t.word == "myself" || t.word == "own":
			reach = 1
		}
		if reach > 0 {
			ac.scope = max(ac.scope, reach)
			ac.scopeAt = append(ac.scopeAt, [2]int{i, reach})
		}
	}
	// A reach is backed in a sentence where the writer did something, or
	// does something to a counted number of people or teams ("I look after
	// three teams").
	for _, sa := range ac.scopeAt {
		if s := toks[sa[0]].sentence; ac.strong[s] || (actSentence[s] && ac.numeric[s]) {
			ac.backedScope = max(ac.backedScope, sa[1])
		}
	}
	for _, s := range specificAt {
		if actSentence[s] {
			ac.actedSpecific++
		}
	}
	return ac
}

// tells reports whether sentence s is part of the account: the writer acts
// in it and does not describe themselves. The rubric's words count only
// there, so vocabulary in a self-portrait ("I am a strategic, data-driven
// leader") earns nothing.
func (ac *account) tells(s int) bool { return ac.acted[s] && !ac.claimed[s] }

// backScope lists the scope words of the answer as elements; called only
// when the answer's actions and specifics back them.
func (ac *account) backScope(text string, toks []token) {
	for _, sa := range ac.scopeAt {
		if t := toks[sa[0]]; ac.acted[t.sentence] {
			ac.elements = append(ac.elements, Element{Kind: ElementScope, Start: t.start, End: t.end, Text: text[t.start:t.end]})
		}
	}
}

// isSpecific reports whether toks[i] is a concrete detail: a number, a
// spelled-out quantity, an acronym, a role, or a capitalised name inside a
// sentence.
func isSpecific(text string, toks []token, i int) bool {
	t := toks[i]
	if strings.IndexAny(t.word, "0123456789") >= 0 || has(numberWords, t.word) || has(roleWords, t.word) {
		return true
	}
	raw := text[t.start:t.end]
	r, _ := utf8.DecodeRuneInString(raw)
	if !unicode.IsUpper(r) || t.word == "i" {
		return false
	}
	if isAcronym(raw) {
		return true
	}
	first := i == 0 || toks[i-1].sentence != t.sentence
	return !first
}

// possessor returns w without a possessive ending: the "company's" strategy
// is the company's reach.
func possessor(w string) string {
	for _, suffix := range []string{"'s", "’s", "s'", "s’"} {
		if b, ok := strings.CutSuffix(w, suffix); ok {
			if suffix[0] == 's' {
				return b + "s"
			}
			return b
		}
	}
	return w
}

// has reports whether set holds w.
func has(set map[string]struct{}, w string) bool {
	_, ok := set[w]
	return ok
}
