package assessment

import "strings"

// stem reduces a lower-case word to a stem shared by its inflections and
// close derivations: "automate", "automated", "automating" and "automation"
// all give "automat"; British -ise spellings meet American -ize ones. It is a
// light suffix stripper, not Porter: what matters here is that an answer and
// a descriptor using the same word in different forms meet. Irregular past
// tenses common in work stories ("led", "built", "ran") map to their verb.
func stem(w string) string {
	if base, ok := irregular[w]; ok {
		w = base
	}
	if len(w) <= 3 || !isASCIILetters(w) {
		return w
	}
	w = stripPlural(w)
	w = britishToAmerican(w)
	for _, s := range suffixes {
		if strings.HasSuffix(w, s.from) && len(w)-len(s.from)+len(s.to) >= 3 {
			w = w[:len(w)-len(s.from)] + s.to
			break
		}
	}
	if len(w) > 4 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	if len(w) > 3 && w[len(w)-1] == 'y' {
		w = w[:len(w)-1] + "i"
	}
	if n := len(w); n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

// suffix is one derivational or inflectional ending and its replacement.
type suffix struct{ from, to string }

// suffixes are tried in order; the first that leaves a stem of at least three
// letters is removed.
var suffixes = []suffix{
	{"izational", "ize"}, {"ational", "ate"}, {"ization", "ize"}, {"fulness", "ful"},
	{"iveness", "ive"}, {"ability", "able"}, {"ibility", "ible"}, {"ations", "ate"}, {"ation", "ate"},
	{"ements", ""}, {"ement", ""}, {"ments", ""}, {"ment", ""}, {"ness", ""}, {"ities", ""}, {"ity", ""},
	{"ingly", ""}, {"edly", ""}, {"ings", ""}, {"ing", ""}, {"ied", "y"}, {"ed", ""}, {"ically", "ic"}, {"ally", "al"},
	{"ly", ""}, {"ers", ""}, {"er", ""}, {"ic", "i"},
}

// stripPlural removes a plural or third-person ending.
func stripPlural(w string) string {
	switch {
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && len(w) > 4:
		return w[:len(w)-1]
	}
	return w
}

// britishToAmerican rewrites -ise/-isation forms ("organised",
// "prioritisation") to -ize ones.
func britishToAmerican(w string) string {
	for _, s := range []string{"isational", "isation", "ising", "ised", "ise", "ysing", "ysed", "yse"} {
		if strings.HasSuffix(w, s) && len(w)-len(s) >= 4 {
			return w[:len(w)-len(s)+1] + "z" + s[2:]
		}
	}
	return w
}

// isASCIILetters reports whether w holds only ASCII letters.
func isASCIILetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// irregular maps irregular past forms common in work stories to their verb.
var irregular = map[string]string{
	"led": "lead", "built": "build", "ran": "run", "wrote": "write", "written": "write", "made": "make",
	"took": "take", "taken": "take", "drove": "drive", "driven": "drive", "taught": "teach", "brought": "bring",
	"chose": "choose", "chosen": "choose", "found": "find", "gave": "give", "given": "give", "got": "get",
	"went": "go", "gone": "go", "began": "begin", "begun": "begin", "did": "do", "done": "do", "saw": "see",
	"seen": "see", "spoke": "speak", "spoken": "speak", "sent": "send", "spent": "spend", "met": "meet",
	"held": "hold", "kept": "keep", "thought": "think", "told": "tell", "sold": "sell", "grew": "grow",
	"grown": "grow", "knew": "know", "known": "know", "rebuilt": "rebuild", "rewrote": "rewrite",
	"rewritten": "rewrite", "understood": "understand", "felt": "feel", "left": "leave", "lost": "lose",
	"paid": "pay", "caught": "catch", "fought": "fight", "sought": "seek", "shown": "show", "drew": "draw",
	"drawn": "draw", "analysis": "analyze", "oversaw": "oversee", "overseen": "oversee", "undertook": "undertake",
}
