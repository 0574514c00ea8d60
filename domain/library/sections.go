package library

import (
	"slices"
	"strings"
	"unicode"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/text/analysis"
)

// Sections: a concept a document gives a section of its own (a heading
// followed by sentences about it) is demanded by that document.
const (
	// SectionMinSentences is the least number of sentences of five words
	// or more a section's body needs to count as a section.
	SectionMinSentences = 2
	// SectionMinMentions is the least number of body sentences that must
	// use one of the heading's concept words for a section to propose it:
	// a heading the body never comes back to is a label, not a concept.
	SectionMinMentions = 2
	// maxSectionHeadingWords bounds a heading's words.
	maxSectionHeadingWords = 8
)

// section is a heading of a document with the sentences of its body.
type section struct {
	doc                  string
	docName              string // the document's title, else its id
	heading              string
	headStart, headEnd   int
	sentences            []analysis.Span // absolute offsets in the document's text
	firstLine, afterBody int             // byte range of the body
}

// sections splits each document into sections: a heading is a line of at
// most maxSectionHeadingWords words and MaxHeadingBytes bytes without
// final punctuation (not a list item); its body runs to the next heading.
// Sections whose body has fewer than SectionMinSentences sentences of five
// words or more are dropped (a list of short items, a heading followed by
// another heading).
func sections(docs []Document) []section {
	var out []section
	for _, d := range docs {
		var cur *section
		flush := func() {
			if cur != nil && len(cur.sentences) >= SectionMinSentences {
				out = append(out, *cur)
			}
			cur = nil
		}
		off := 0
		for line := range strings.Lines(d.Text) {
			start := off
			off += len(line)
			trimmed := strings.TrimSpace(line)
			if trimmed == "" {
				continue
			}
			lead := start + strings.Index(line, trimmed)
			if isHeadingLine(trimmed) {
				flush()
				cur = &section{doc: d.ID, docName: docName(d), heading: trimmed, headStart: lead, headEnd: lead + len(trimmed), firstLine: off}
				continue
			}
			if cur == nil {
				continue
			}
			for _, sp := range analysis.Sentences(trimmed) {
				if countWords(trimmed[sp.Start:sp.End]) >= 5 {
					cur.sentences = append(cur.sentences, analysis.Span{Start: lead + sp.Start, End: lead + sp.End})
				}
			}
			cur.afterBody = off
		}
		flush()
	}
	return out
}

// docName names a document in a reason: its title in quotes, else its id.
func docName(d Document) string {
	if t := strings.TrimSpace(d.Title); t != "" {
		return "document " + quote(t)
	}
	return "document " + d.ID
}

// countWords counts the space-separated words of s without allocating.
func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		space := s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

// isHeadingLine reports whether a trimmed line reads as a heading.
func isHeadingLine(s string) bool {
	if len(s) > MaxHeadingBytes || strings.ContainsAny(s[len(s)-1:], ".!?;,") {
		return false
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "*") || strings.HasPrefix(s, "•") {
		return false
	}
	n := countWords(s)
	return n >= 1 && n <= maxSectionHeadingWords
}

// headingConcept returns the concept a heading names, in the heading's own
// words, without numbering, question words and furniture around it
// ("2. How we detect fraud" → "detect fraud", "Why wound care matters" →
// "wound care"), or "" when nothing of substance is left.
func headingConcept(h string) string {
	h = strings.TrimRight(strings.TrimSpace(h), ":")
	// A part in brackets qualifies ("Project (Initiative)"); the concept is
	// outside it.
	if outer, _ := splitBrackets(h); outer != "" {
		h = outer
	}
	// A qualifier after a comma or a dash ("Full shelves, in date") is
	// not part of the name; a list after a comma ("Trips, visits and
	// fixtures") is.
	if i := strings.IndexAny(h, ",–—"); i > 0 {
		rest := strings.Fields(strings.TrimLeft(h[i:], ",–— "))
		if len(rest) == 0 || analysis.IsStopWord(strings.ToLower(rest[0])) || strings.ContainsAny(h[i:i+1], "–—") {
			h = strings.TrimSpace(h[:i])
		}
	}
	ws := strings.Fields(h)
	// Numbering: "2.", "3.1", "Section 4:", "A)".
	for len(ws) > 0 && (strings.IndexFunc(ws[0], unicode.IsLetter) < 0 || len(strings.TrimRight(ws[0], ".)")) == 1 && len(ws[0]) > 1) {
		ws = ws[1:]
	}
	if len(ws) > 1 && (strings.EqualFold(ws[0], "section") || strings.EqualFold(ws[0], "part") || strings.EqualFold(ws[0], "chapter")) {
		ws = ws[1:]
		// "4:", "A:", "IV."
		for len(ws) > 0 && (strings.IndexFunc(ws[0], unicode.IsLetter) < 0 || len(strings.TrimRight(ws[0], ":.)")) <= 2 && strings.ContainsAny(ws[0], ":.)")) {
			ws = ws[1:]
		}
	}
	// A generic verb and its particle ("Looking after the
	// self-checkouts", "Dealing with complaints") frame the concept.
	// They are dropped when two words or more remain; otherwise the
	// heading keeps them ("Working to the drawing").
	if len(ws) > 1 && genericVerbStems[analysis.Stem(strings.ToLower(ws[0]))] && verbParticles[strings.ToLower(ws[1])] {
		rest := ws[2:]
		for len(rest) > 0 && leadingFurniture[strings.ToLower(rest[0])] {
			rest = rest[1:]
		}
		if len(rest) >= 2 {
			ws = rest
		}
	}
	for len(ws) > 0 && leadingFurniture[strings.ToLower(ws[0])] {
		ws = ws[1:]
	}
	for len(ws) > 0 && trailingFurniture[strings.ToLower(strings.TrimRight(ws[len(ws)-1], ":"))] {
		ws = ws[:len(ws)-1]
	}
	for len(ws) > 0 && analysis.IsStopWord(strings.ToLower(ws[len(ws)-1])) {
		ws = ws[:len(ws)-1]
	}
	// A heading that reads as a sentence ("Builds systems that scale
	// reliably", "Breaks down problems into steps") describes behaviour
	// at a level; it is not a concept's name.
	if len(ws) > MaxConceptWords || len(ws) >= 3 && thirdPerson(ws[0]) && !joins[strings.ToLower(ws[1])] {
		return ""
	}
	return strings.Join(ws, " ")
}

// MaxConceptWords bounds the words of a concept named by a heading.
const MaxConceptWords = 5

// thirdPerson reports whether a word reads as a verb in the third person
// ("builds", "breaks", "delivers"): lower-case in the middle of a title is
// not asked, only the ending.
func thirdPerson(w string) bool {
	w = strings.ToLower(w)
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") &&
		!strings.HasSuffix(w, "is") && !strings.HasSuffix(w, "ics")
}

// verbParticles follow a generic verb in a heading ("looking after").
var verbParticles = map[string]bool{"after": true, "with": true, "for": true, "up": true, "out": true, "on": true, "to": true}

// joins join two nouns: "Recalls and withdrawals" is a name, not a verb
// in the third person.
var joins = map[string]bool{"and": true, "&": true, "or": true, "/": true}

// leadingFurniture are words that open a heading without naming its
// concept ("How we", "Our", "Why").
var leadingFurniture = map[string]bool{
	"how": true, "we": true, "why": true, "what": true, "when": true, "where": true, "who": true,
	"our": true, "your": true, "the": true, "a": true, "an": true, "to": true, "about": true,
	"introduction": true, "guide": true, "notes": true, "on": true, "us": true, "you": true, "do": true,
	"does": true, "is": true, "are": true, "should": true, "must": true, "can": true, "i": true,
}

// trailingFurniture are words that close a heading without naming its
// concept ("… policy", "… matters").
var trailingFurniture = map[string]bool{
	"matters": true, "matter": true, "policy": true, "policies": true, "procedure": true, "procedures": true,
	"guidance": true, "guidelines": true, "guide": true, "overview": true, "basics": true, "essentials": true,
	"explained": true, "checklist": true, "rules": true, "requirements": true, "expectations": true,
	"standards": true, "here": true, "works": true, "work": true, "at": true, "in": true, "practice": true,
	"happens": true, "happen": true, "goes": true, "wrong": true,
}

// furnitureStems are stems of words that make a document's furniture
// rather than a competency: a heading made only of them ("Scope",
// "Document control", "Related documents", "Principles") is not a concept.
var furnitureStems = stemSet(
	"introduction", "purpose", "scope", "overview", "summary", "contents", "appendix", "background",
	"reference", "references", "definition", "definitions", "glossary", "version", "revision", "history",
	"contact", "contacts", "principle", "principles", "responsibility", "responsibilities", "role", "roles",
	"about", "document", "documents", "control", "approval", "review", "related", "further", "information",
	"learning", "training", "note", "notes", "faq", "question", "questions", "key", "point", "points",
	"general", "requirement", "requirements", "standard", "standards", "expectation", "expectations",
	"section", "chapter", "part", "annex", "schedule", "welcome", "index", "table", "figure", "policy",
	"procedure", "statement", "aims", "aim", "objective", "objectives", "owner", "date", "status",
	"applies", "apply", "who", "this", "next", "steps", "step", "help", "resources", "links", "tools",
	"checklist", "template", "form", "forms", "example", "examples", "case", "study", "everyone",
	"handbook", "manual", "guide", "policy", "code", "conduct", "agreement", "terms", "conditions",
	"day", "days", "life", "structure", "ladder", "level", "levels", "career", "progression", "pay",
	"benefit", "benefits", "leave", "holiday", "holidays", "hours", "values", "value", "mission", "vision",
	"culture", "team", "teams", "people", "department", "organisation", "organization", "company", "service",
	"services", "store", "stores", "site", "sites", "office", "location", "locations", "framework",
	"frameworks", "agreement", "agreements", "way", "ways", "working",
	// Job pages and handbooks' front matter.
	"offer", "offers", "perks", "salary", "salaries", "apply", "application", "applications", "vacancy",
	"vacancies", "job", "jobs", "career", "careers", "opportunity", "opportunities", "join", "joining",
	"us", "contract", "package", "reward", "rewards", "recognition", "wellbeing", "person", "specification",
	"description", "profile", "essential", "desirable", "qualifications", "experience", "skills", "duties",
	"main", "purpose", "summary", "reporting", "reports", "line", "accountabilities", "accountability",
	"more", "find", "out", "contents", "appendix", "approved", "owner", "version", "updated", "issued",
)

// timeStems are stems of time words: a heading made of them and numbers
// ("First 90 days", "Monday mornings") is a time phrase.
var timeStems = stemSet(
	"day", "days", "daily", "week", "weeks", "weekly", "month", "months", "monthly", "year", "years",
	"yearly", "annual", "annually", "quarter", "quarterly", "hour", "hours", "hourly", "minute", "minutes",
	"morning", "afternoon", "evening", "night", "nights", "weekend", "weekends", "today", "tomorrow",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
	"march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
	"first", "last", "next", "early", "late", "season", "seasonal", "shift", "shifts", "time", "times",
	"start", "end", "before", "after", "during", "period", "deadline", "deadlines", "schedule", "calendar",
)

// genericVerbStems are stems of verbs that say nothing on their own
// ("Working together", "Getting started", "Doing things right").
var genericVerbStems = stemSet(
	"work", "working", "get", "getting", "do", "doing", "go", "going", "make", "making", "take", "taking",
	"use", "using", "handle", "handling", "deal", "dealing", "manage", "managing", "run", "running",
	"start", "started", "starting", "know", "knowing", "help", "helping", "put", "putting", "set", "setting",
	"come", "coming", "look", "looking", "keep", "keeping", "bring", "bringing", "stay", "staying",
)

// containerHeads end headings that group a document's content ("Kitchen
// roles", "Store team", "Key contacts") rather than name a concept.
var containerHeads = stemSet("role", "roles", "team", "teams", "people", "staff", "structure", "ladder",
	"levels", "overview", "contents", "summary", "contacts", "responsibilities", "duties", "who", "list")

// activityNoun reports whether a one-word concept names an activity or a
// quality ("Drafting", "Invigilation", "Procurement", "Confidentiality")
// rather than a thing ("Grill", "Papers", "Entries"): only those can be a
// competency on their own.
func activityNoun(word string) bool {
	w := strings.ToLower(strings.TrimSpace(word))
	for _, suffix := range []string{"ing", "ion", "ment", "ance", "ence", "ity", "ship", "acy", "ness", "ics", "ysis", "ery"} {
		if strings.HasSuffix(w, suffix) && len(w) > len(suffix)+2 {
			return true
		}
	}
	return false
}

// roleHeads are the last words of job titles: a heading that ends with one
// ("Retail Sales Associate", "Duty Manager") is a job title.
var roleHeads = stemSet(
	"engineer", "nurse", "manager", "associate", "analyst", "scientist", "representative", "specialist",
	"supervisor", "designer", "generalist", "officer", "assistant", "director", "lead", "head", "consultant",
	"principal", "clerk", "technician", "operator", "worker", "coordinator", "administrator", "advisor",
	"adviser", "agent", "apprentice", "intern", "executive", "partner", "chef", "cook", "driver", "teacher",
	"porter", "receptionist", "cashier", "pharmacist", "doctor", "physician", "therapist", "inspector",
	"auditor", "controller", "accountant", "planner", "buyer", "steward", "warden", "attendant",
	"housekeeper", "carer", "practitioner", "midwife", "paramedic", "surveyor", "foreman", "mechanic",
	"machinist", "welder", "electrician", "fitter", "picker", "packer", "dispatcher", "courier", "lecturer",
	"tutor", "librarian", "counsellor", "caseworker", "developer", "architect", "owner", "leader", "staff",
	"employee", "employees", "colleague", "colleagues", "volunteer", "volunteers", "trainee", "trainees",
	"student", "students", "member", "members", "host", "server", "bartender", "barista", "waiter",
	"manager", "superintendent", "president", "officer", "secretary", "deputy", "chief", "captain",
)

func stemSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[analysis.Stem(w)] = true
	}
	return m
}

// conceptStems returns the content stems of a concept name (stop words
// left out).
func conceptStems(name string) []string {
	var out []string
	for _, tk := range analysis.Tokens(name) {
		if analysis.IsStopWord(tk.Text) {
			continue
		}
		if st := analysis.Stem(tk.Text); !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out
}

// notAConcept says why a heading's concept cannot be a competency ("a job
// title", "a time phrase", "document furniture", "a generic verb"), or ""
// when it can.
func notAConcept(cat *catalog.Catalog, concept string) string {
	stems := conceptStems(concept)
	if len(stems) == 0 {
		return "document furniture"
	}
	allOf := func(set map[string]bool, digits bool) bool {
		for _, s := range stems {
			if !set[s] && !(digits && strings.IndexFunc(s, unicode.IsLetter) < 0) {
				return false
			}
		}
		return true
	}
	switch {
	case allOf(timeStems, true):
		return "a time phrase"
	case allOf(furnitureStems, true) || containerHeads[stems[len(stems)-1]]:
		return "document furniture"
	case roleHeads[stems[len(stems)-1]]:
		return "a job title"
	}
	if m, ok := cat.Match(concept); ok && m.Score >= TitleMatchScore && len(stems) > 1 && sameHead(concept, m.Via) {
		return "a job title"
	}
	switch {
	case allOf(genericVerbStems, false) || (genericVerbStems[stems[0]] && prose(stems[1:])):
		return "a generic verb"
	case prose(stems):
		return "ordinary prose"
	}
	var content int
	for _, s := range stems {
		if !furnitureStems[s] && !timeStems[s] && !genericVerbStems[s] && !proseStems[s] && !analysis.IsGeneric(s) && len(s) > 2 {
			content++
		}
	}
	if content == 0 {
		return "document furniture"
	}
	return ""
}

// mentions counts how often the body of a section names its heading's
// concept: each use of an item's head word (the last content word of
// each item of "Trips, visits and fixtures", of "Shoplifting
// prevention": "prevention"), and a sentence using at least half of the
// concept's content words once, so that a shared qualifier ("Cloud" of
// "Cloud EM and PM") does not count. Generic, furniture and everyday
// words never count.
func (s section) mentions(text, concept string) int {
	keyOf := func(stems []string) []string {
		var key []string
		for _, st := range stems {
			if !analysis.IsGeneric(st) && !furnitureStems[st] && !proseStems[st] && !genericVerbStems[st] {
				key = append(key, st)
			}
		}
		return key
	}
	key := keyOf(conceptStems(concept))
	if len(key) == 0 {
		return 0
	}
	var heads []string
	for _, item := range strings.FieldsFunc(strings.ReplaceAll(concept, " and ", ","), func(r rune) bool { return r == ',' || r == '&' || r == '/' }) {
		if k := keyOf(conceptStems(item)); len(k) > 0 {
			heads = append(heads, k[len(k)-1])
		}
	}
	n := 0
	for _, sp := range s.sentences {
		var found []string
		hits := 0
		for _, tk := range analysis.Tokens(text[sp.Start:sp.End]) {
			st := analysis.Stem(tk.Text)
			if slices.Contains(heads, st) {
				hits++
			}
			if slices.Contains(key, st) && !slices.Contains(found, st) {
				found = append(found, st)
			}
		}
		if hits == 0 && len(key) > 1 && 2*len(found) >= len(key) {
			hits = 1
		}
		n += hits
	}
	return n
}

// inSection counts the evidence sentences of s that lie in the section
// (its heading or its body).
func (s section) evidenced(sc scored) (body int, heading bool) {
	for _, e := range sc.evidence {
		if e.DocumentID != s.doc {
			continue
		}
		switch {
		case e.Start >= s.headStart && e.End <= s.headEnd:
			heading = true
		case e.Start >= s.firstLine && e.End <= s.afterBody:
			body++
		}
	}
	return body, heading
}

// expectation reports whether a sentence states what is expected of
// people ("must", "should", "always", "are expected to", an imperative).
func expectation(sentence string) bool {
	toks := analysis.Tokens(sentence)
	for i, tk := range toks {
		switch tk.Text {
		case "must", "should", "always", "never", "expected", "required", "responsible", "ensure", "ensures",
			"need", "needs", "will", "shall", "mandatory", "accountable":
			return true
		}
		if i == 0 && imperativeVerbs[tk.Text] {
			return true
		}
	}
	return false
}

// imperativeVerbs open a sentence that tells the reader what to do.
var imperativeVerbs = map[string]bool{
	"check": true, "record": true, "report": true, "keep": true, "use": true, "wear": true, "follow": true,
	"tell": true, "ask": true, "make": true, "do": true, "log": true, "complete": true, "review": true,
	"escalate": true, "store": true, "label": true, "clean": true, "wash": true, "confirm": true,
	"explain": true, "write": true, "share": true, "greet": true, "note": true, "verify": true, "read": true,
	"raise": true, "call": true, "send": true, "agree": true, "update": true, "document": true, "protect": true,
	"lock": true, "sign": true, "book": true, "plan": true, "treat": true, "respect": true, "listen": true,
	"speak": true, "give": true, "take": true, "avoid": true, "remove": true, "replace": true, "test": true,
	"inspect": true, "measure": true, "rehearse": true, "prepare": true, "stop": true, "isolate": true,
	"dispose": true, "offer": true, "seek": true, "respond": true, "answer": true, "handle": true,
}

// coversConcept reports whether a concept named by a heading (as stems) is
// covered by a competency's name, alias or keyword (see coverer).
func (cv *coverage) coversConcept(stems []string) bool {
	return len(stems) == 0 || cv.coverer(stems) != ""
}

// coverer returns the competency of the first form (in the order forms
// were indexed) that covers a concept named by a heading: like covers,
// but a one-word form covers only the concept's head (its last word), so
// the keyword "SAFe" of Agile Methodologies does not cover "Safe deposit
// boxes", while "complaints" covers "Customer complaints".
func (cv *coverage) coverer(stems []string) string {
	for _, f := range cv.forms {
		var ok bool
		if len(f) == 1 && len(stems) > 1 {
			ok = f[0] == stems[len(stems)-1]
		} else {
			ok = subset(f, stems) || (len(f) > 1 && subset(stems, f))
		}
		if ok {
			return cv.keys[strings.Join(f, " ")]
		}
	}
	return ""
}

// sectionCompetencies returns, for each section, the catalog competency
// (not tagged only for other industries) its heading names and its body
// evidences in at least one sentence, so that a concept given a section of
// its own is not lost for want of repeated mentions.
func sectionCompetencies(cat *catalog.Catalog, secs []section, ind competency.Industry, rel map[string]scored) map[int]string {
	cv := newCoverage(cat.Competencies())
	out := map[int]string{}
	// The competency a heading names depends on the heading alone:
	// documents repeat their headings.
	names := map[string]string{}
	for i, s := range secs {
		concept := headingConcept(s.heading)
		slug, seen := names[concept]
		if !seen {
			if stems := conceptStems(concept); len(stems) > 0 && notAConcept(cat, concept) == "" {
				slug = cv.coverer(stems)
			}
			names[concept] = slug
		}
		if slug == "" {
			continue
		}
		c, ok := cat.Competency(slug)
		if !ok || foreign(c, ind) {
			continue
		}
		if body, _ := s.evidenced(rel[slug]); body >= 1 {
			out[i] = slug
		}
	}
	return out
}

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
