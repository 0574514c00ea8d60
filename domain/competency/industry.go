package competency

// Industry identifies an industry by its slug, such as "finance" or
// "public-sector". This package only checks the slug's syntax; which
// industries exist is the catalog's business (catalog.ParseIndustry). The
// zero Industry means "no particular industry" (a role's base framework).
type Industry string

// ParseIndustry returns s as an Industry if it is a well-formed slug. It does
// not check that the industry is known; use catalog.ParseIndustry for that.
func ParseIndustry(s string) (Industry, error) {
	if err := checkSlug(s); err != nil {
		return "", err
	}
	return Industry(s), nil
}

// String returns the slug.
func (i Industry) String() string { return string(i) }

// UnmarshalText decodes a slug, rejecting malformed ones; empty text decodes
// to the zero Industry.
func (i *Industry) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*i = ""
		return nil
	}
	v, err := ParseIndustry(string(b))
	if err != nil {
		return err
	}
	*i = v
	return nil
}
