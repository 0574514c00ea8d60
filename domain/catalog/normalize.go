package catalog

import (
	"strings"
	"unicode"
)

// seniority holds tokens that say how senior a job is, not what it is;
// they are dropped before matching ("Sr. DevOps Engineer II" is a DevOps
// engineer).
var seniority = map[string]bool{
	"sr": true, "snr": true, "senior": true, "jr": true, "junior": true, "lead": true,
	"principal": true, "associate": true, "assoc": true, "trainee": true, "graduate": true,
	"intern": true, "entry": true, "level": true, "mid": true, "i": true, "ii": true,
	"iii": true, "iv": true, "v": true, "1": true, "2": true, "3": true, "4": true, "5": true,
}

// stopwords carry no meaning in a job title.
var stopwords = map[string]bool{"of": true, "and": true, "the": true, "for": true, "in": true, "a": true, "an": true, "to": true, "at": true, "with": true}

// abbreviations expands common short forms in job titles.
var abbreviations = map[string][]string{
	"eng": {"engineer"}, "engr": {"engineer"}, "engg": {"engineer"}, "mgr": {"manager"}, "mngr": {"manager"},
	"dev": {"developer"}, "devs": {"developer"}, "admin": {"administrator"}, "asst": {"assistant"},
	"spec": {"specialist"}, "tech": {"technician"}, "techn": {"technician"}, "coord": {"coordinator"},
	"rep": {"representative"}, "exec": {"executive"}, "dir": {"director"}, "svp": {"vice", "president"},
	"vp": {"vice", "president"}, "sysadmin": {"system", "administrator"}, "swe": {"software", "engineer"},
	"sde": {"software", "developer"}, "sre": {"site", "reliability", "engineer"}, "pm": {"product", "manager"},
	"ba": {"business", "analyst"}, "hrbp": {"hr", "business", "partner"}, "csr": {"customer", "service", "representative"},
	"frontend": {"front", "end"}, "backend": {"back", "end"}, "fullstack": {"full", "stack"},
	"programmer": {"programmer"}, "analyst": {"analyst"}, "mgmt": {"management"}, "ops": {"operations"},
	"infra": {"infrastructure"}, "qa": {"qa"}, "ux": {"ux"}, "ui": {"ui"},
}

// titleTokens normalises a job title to its meaningful tokens: lowercase
// letters and digits, abbreviations expanded, seniority tokens and stop words
// dropped, simple plurals folded, text in parentheses ignored.
func titleTokens(title string) []string {
	var b strings.Builder
	depth := 0
	for _, r := range strings.ToLower(title) {
		switch {
		case r == '(':
			depth++
			b.WriteByte(' ')
		case r == ')':
			if depth > 0 {
				depth--
			}
			b.WriteByte(' ')
		case depth > 0:
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '&':
			b.WriteString(" and ")
		case r == '.' || r == '\'':
			// "Sr." and "O'Brien" keep their letters together.
		default:
			b.WriteByte(' ')
		}
	}
	var out []string
	for _, f := range strings.Fields(b.String()) {
		words := []string{f}
		if exp, ok := abbreviations[f]; ok {
			words = exp
		}
		for _, w := range words {
			if seniority[w] || stopwords[w] {
				continue
			}
			out = append(out, fold(w))
		}
	}
	return out
}

// fold strips a simple English plural so "Engineers" matches "Engineer".
func fold(w string) string {
	switch {
	case len(w) <= 3, strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"), strings.HasSuffix(w, "ops"):
		return w
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}
