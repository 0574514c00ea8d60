package competency

// Group says how central a competency is to a role: Primary (core) or
// Supporting. The zero Group is "no group"; Parse and the constants give the
// only other values.
type Group uint8

// The framework groups.
const (
	Primary    Group = 1
	Supporting Group = 2
)

var groupNames = []string{"primary", "supporting"}

// ParseGroup parses "primary" or "supporting", case-insensitively ("core" is
// accepted for primary).
func ParseGroup(s string) (Group, error) {
	if s == "core" || s == "Core" {
		return Primary, nil
	}
	v, err := enumParse(groupNames, s, ErrInvalidGroup)
	return Group(v), err
}

// Valid reports whether g is Primary or Supporting.
func (g Group) Valid() bool { return g == Primary || g == Supporting }

// String returns "primary" or "supporting" ("" for the zero Group).
func (g Group) String() string { return enumName(groupNames, uint8(g)) }

// MarshalText encodes g as its lowercase name; the zero Group is an error.
func (g Group) MarshalText() ([]byte, error) {
	return enumMarshal(groupNames, uint8(g), ErrInvalidGroup)
}

// UnmarshalText decodes a group name.
func (g *Group) UnmarshalText(b []byte) error {
	v, err := ParseGroup(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}
