package analysis

import "strings"

// BaseForm returns the form of a lower-case word that its other forms share
// before stemming, for the inflections and spellings [Stem] cannot join: an
// irregular past tense becomes its verb ("led" gives "lead", "built" gives
// "build") and a British -ise or -yse spelling becomes the -ize or -yze one
// ("organised" gives "organized", "analyses" gives "analyzes"). Any other
// word is returned unchanged. Stem(BaseForm(w)) therefore puts "led" with
// "leading" and "organisation" with "organization".
func BaseForm(w string) string {
	if verb, ok := IrregularPast(w); ok {
		return verb
	}
	if w == "analysis" {
		// Porter2 leaves "analysi" apart from "analyz"; the noun is the one
		// work stories use most.
		return "analyze"
	}
	if strings.IndexByte(w, 's') < 0 {
		return w
	}
	for _, s := range britishSuffixes {
		// Four letters before the suffix keep short words whose "ise" is
		// not a suffix ("rise", "raise", "advise") as they are.
		if strings.HasSuffix(w, s) && len(w)-len(s) >= 4 && !strings.HasSuffix(w, "wise") {
			if _, ok := britishExceptions[w[:len(w)-len(s)]+s[:1]+"se"]; ok {
				return w
			}
			return w[:len(w)-len(s)+1] + "z" + s[2:]
		}
	}
	return w
}

// britishSuffixes are the -is-/-ys- endings rewritten with a z, longest
// first; each starts with the vowel kept and the "s" replaced.
var britishSuffixes = []string{
	"isational", "isations", "isation", "isers", "ising", "ised", "ises", "iser", "ise",
	"ysing", "ysed", "yses", "yser", "yse",
}

// britishExceptions are words, in their -ise form, whose "ise" is not the
// -ise/-ize suffix.
var britishExceptions = setOf(
	"advertise", "chastise", "comprise", "compromise", "concise", "despise", "disguise",
	"enterprise", "exercise", "expertise", "franchise", "improvise", "merchandise", "paradise",
	"precise", "premise", "promise", "supervise", "surmise", "surprise", "televise",
)

// IrregularPast returns the verb of a lower-case irregular past tense or
// past participle common in work stories ("led" gives "lead", "written"
// gives "write") and true, or "" and false for any other word.
func IrregularPast(w string) (verb string, ok bool) {
	verb, ok = irregularPast[w]
	return verb, ok
}

// irregularPast maps irregular past forms common in work stories to their
// verb.
var irregularPast = map[string]string{
	"led": "lead", "built": "build", "ran": "run", "wrote": "write", "written": "write", "made": "make",
	"took": "take", "taken": "take", "drove": "drive", "driven": "drive", "taught": "teach", "brought": "bring",
	"chose": "choose", "chosen": "choose", "found": "find", "gave": "give", "given": "give", "got": "get",
	"went": "go", "gone": "go", "began": "begin", "begun": "begin", "did": "do", "done": "do", "saw": "see",
	"seen": "see", "spoke": "speak", "spoken": "speak", "sent": "send", "spent": "spend", "met": "meet",
	"held": "hold", "kept": "keep", "thought": "think", "told": "tell", "sold": "sell", "grew": "grow",
	"grown": "grow", "knew": "know", "known": "know", "rebuilt": "rebuild", "rewrote": "rewrite",
	"rewritten": "rewrite", "understood": "understand", "felt": "feel", "left": "leave", "lost": "lose",
	"paid": "pay", "caught": "catch", "fought": "fight", "sought": "seek", "shown": "show", "drew": "draw",
	"drawn": "draw", "oversaw": "oversee", "overseen": "oversee", "undertook": "undertake",
}
