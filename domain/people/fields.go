package people

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/text"
)

// Field limits of an employee, in characters (MaxEmail in bytes, the
// longest address RFC 5321 allows through).
const (
	MaxSubject = 200
	MaxName    = 200
	MaxEmail   = 254
	MaxTeam    = 100
)

// The messages of the field rules, shared by the single-employee routes and
// the import so that both explain a broken rule in the same words.
const (
	RoleRule = "no catalog role has this slug or matches this title"
	TierRule = "must be entry, mid or senior"
)

// Problem is one broken field rule: the field's name ("subject") and what
// is wrong with it.
type Problem struct {
	Field, Message string
}

// Fields are an employee's free-text fields.
type Fields struct {
	Subject, Name, Email, Team string
}

// Check returns f with its email normalised and the rules f breaks, in the
// order subject, name, email, team. The fields are expected trimmed.
func (f Fields) Check() (Fields, []Problem) {
	var probs []Problem
	if !Text(f.Subject, true, MaxSubject) {
		probs = append(probs, Problem{"subject", "must be non-empty text of at most 200 characters"})
	}
	if !Text(f.Name, true, MaxName) {
		probs = append(probs, Problem{"name", "must be non-empty text of at most 200 characters"})
	}
	if em, ok := NormalizeEmail(f.Email); ok {
		f.Email = em
	} else {
		probs = append(probs, Problem{"email", "must be a plain email address (name@example.com)"})
	}
	if !Text(f.Team, false, MaxTeam) {
		probs = append(probs, Problem{"team", "must be text of at most 100 characters"})
	}
	return f, probs
}

// Text reports whether v is a valid single-line text field of at most max
// characters: valid UTF-8 without control characters, line breaks or
// bidirectional formatting characters (text.Name), and not empty when
// required.
func Text(v string, required bool, max int) bool {
	if required && v == "" {
		return false
	}
	return text.Name(v) && utf8.RuneCountInString(v) <= max
}

// NormalizeEmail checks a plain email address (no display name, no
// comments) and lower-cases it; empty is fine (no email).
func NormalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > MaxEmail {
		return "", false
	}
	return strings.ToLower(s), true
}

// ResolveRole turns a role slug (any case) or a job title into a role slug
// of the default catalog, matching titles with the catalog's title
// matching.
func ResolveRole(s string) (string, bool) {
	s = strings.TrimSpace(s)
	c := catalog.Default()
	if _, ok := c.Role(strings.ToLower(s)); ok {
		return strings.ToLower(s), true
	}
	if m, ok := c.Match(s); ok {
		return m.Role.Slug, true
	}
	return "", false
}

// Clip shortens s to at most n runes, marking the cut with "…", so that an
// error message can quote what it refuses without echoing all of it.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
