package assessment

import "fmt"

// Kind is the kind of an assessment item. The zero Kind is "no kind";
// ParseKind and the constants give the only other values.
type Kind uint8

// The item kinds.
const (
	// SelfRating asks the employee to place themselves on the five level
	// descriptors; it is answered with a Rating.
	SelfRating Kind = 1
	// Scenario describes a situation and offers courses of action keyed by
	// their effectiveness; it is answered with an OptionID.
	Scenario Kind = 2
	// OpenText asks for a recent situation in the employee's own words; it is
	// answered with Text.
	OpenText Kind = 3
	// Manager is never an item: it marks the Evidence of a manager's rating
	// passed to ScoreWithReview.
	Manager Kind = 4
)

var kindNames = []string{"self_rating", "scenario", "open_text", "manager_rating"}

// ParseKind parses "self_rating", "scenario", "open_text" or
// "manager_rating".
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i + 1), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want self_rating, scenario, open_text or manager_rating)", ErrInvalidKind, s)
}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k >= SelfRating && k <= Manager }

// String returns the kind's name ("" for the zero Kind).
func (k Kind) String() string {
	if !k.Valid() {
		return ""
	}
	return kindNames[k-1]
}

// MarshalText encodes k as its name; the zero Kind is an error.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrInvalidKind, k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
