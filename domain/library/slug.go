package library

import (
	"strings"
	"unicode"

	"github.com/cadrehq/cadre/domain/competency"
	"golang.org/x/text/unicode/norm"
)

// slugify turns a name into a slug: lower-case ASCII letters and digits
// separated by single hyphens, accents dropped, at most max bytes (cut at a
// hyphen where possible). It returns "" for a name without letters or
// digits.
func slugify(name string, max int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		case r == '&':
			if b.Len() > 0 {
				b.WriteString("-and")
			}
			hyphen = true
		default:
			hyphen = true
		}
	}
	s := b.String()
	if len(s) > max {
		s = s[:max]
		if i := strings.LastIndexByte(s, '-'); i > max/2 {
			s = s[:i]
		}
		s = strings.Trim(s, "-")
	}
	if !competency.ValidSlug(s) {
		return ""
	}
	return s
}
