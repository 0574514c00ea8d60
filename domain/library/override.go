package library

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cadrehq/cadre/domain/competency"
)

// Limits on the text of an override, in characters.
const (
	MaxOverrideNameLen        = 120
	MaxOverrideDescriptionLen = 2000
	MaxOverrideDescriptorLen  = 1000
)

// ValidateOverride checks an override before it is stored: a valid slug; a
// known status ("", active or retired); names, descriptions and
// descriptors within their limits, without control characters, the
// descriptors set all distinct; and for a custom competency a name, a
// category and a description. Category may only be set on a custom
// competency. Errors wrap ErrInvalidOverride and name the field.
func ValidateOverride(o Override) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidOverride, fmt.Sprintf(format, args...))
	}
	if !competency.ValidSlug(o.Slug) {
		return fail("slug %q: want lower-case letters, digits and single hyphens, at most %d characters", o.Slug, competency.MaxSlugLen)
	}
	switch o.Status {
	case "", StatusActive, StatusRetired:
	default:
		return fail("status %q: want active, retired or nothing", o.Status)
	}
	if o.Category != 0 && !o.Category.Valid() {
		return fail("category %d is not a category", o.Category)
	}
	if err := checkText("name", o.Name, MaxOverrideNameLen, false); err != nil {
		return fail("%v", err)
	}
	if err := checkText("description", o.Description, MaxOverrideDescriptionLen, true); err != nil {
		return fail("%v", err)
	}
	seen := make(map[string]int, 5)
	for i, d := range o.Descriptors {
		if err := checkText(fmt.Sprintf("descriptors[%d]", i), d, MaxOverrideDescriptorLen, false); err != nil {
			return fail("%v", err)
		}
		key := strings.ToLower(strings.TrimSpace(d))
		if key == "" {
			continue
		}
		if j, dup := seen[key]; dup {
			return fail("descriptors[%d] repeats descriptors[%d]", i, j)
		}
		seen[key] = i
	}
	if o.Custom {
		switch {
		case strings.TrimSpace(o.Name) == "":
			return fail("a custom competency needs a name")
		case o.Category == 0:
			return fail("a custom competency needs a category")
		case strings.TrimSpace(o.Description) == "":
			return fail("a custom competency needs a description")
		}
	} else if o.Category != 0 {
		return fail("category can only be set on a custom competency")
	}
	return nil
}

// checkText checks one text field of an override: at most max characters,
// valid UTF-8, and no control characters (line breaks allowed when
// multiline).
func checkText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%s has %d characters, want at most %d", field, n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return fmt.Errorf("%s holds a control character %U", field, r)
		}
	}
	return nil
}
