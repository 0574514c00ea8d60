package competency

import "fmt"

// MaxSlugLen bounds the length of a slug.
const MaxSlugLen = 64

// ValidSlug reports whether s is a slug: 1 to MaxSlugLen characters of
// lowercase ASCII letters and digits in words joined by single hyphens, such
// as "devops-engineer".
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlugLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// checkSlug returns nil for a valid slug and ErrInvalidSlug otherwise.
func checkSlug(s string) error {
	if !ValidSlug(s) {
		return fmt.Errorf("%w: %q", ErrInvalidSlug, s)
	}
	return nil
}
