package competency

import "fmt"

// ActionKind is the kind of a development action. The zero ActionKind is
// "no kind"; Parse and the constants give the only other values.
type ActionKind uint8

// The development action kinds.
const (
	Course    ActionKind = 1
	Project   ActionKind = 2
	Mentoring ActionKind = 3
	Reading   ActionKind = 4
)

var actionKindNames = []string{"course", "project", "mentoring", "reading"}

// ParseActionKind parses "course", "project", "mentoring" or "reading".
func ParseActionKind(s string) (ActionKind, error) {
	v, err := enumParse(actionKindNames, s, ErrInvalidActionKind)
	return ActionKind(v), err
}

// Valid reports whether k is one of the action kinds.
func (k ActionKind) Valid() bool { return k >= Course && k <= Reading }

// String returns the lowercase name ("" for the zero ActionKind).
func (k ActionKind) String() string { return enumName(actionKindNames, uint8(k)) }

// MarshalText encodes k as its lowercase name; the zero ActionKind is an
// error.
func (k ActionKind) MarshalText() ([]byte, error) {
	return enumMarshal(actionKindNames, uint8(k), ErrInvalidActionKind)
}

// UnmarshalText decodes an action kind name.
func (k *ActionKind) UnmarshalText(b []byte) error {
	v, err := ParseActionKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Action is one development activity that helps someone reach a level of a
// competency: a course to take, a project to do, mentoring to seek or give,
// or something to read.
type Action struct {
	Kind   ActionKind `json:"kind"`
	Title  string     `json:"title"`
	Detail string     `json:"detail"`
}

// Validate checks that a has a kind and a title.
func (a Action) Validate() error {
	if !a.Kind.Valid() {
		return fmt.Errorf("%w: %d", ErrInvalidActionKind, a.Kind)
	}
	if a.Title == "" {
		return fmt.Errorf("%w: %s action without a title", ErrInvalidCompetency, a.Kind)
	}
	return nil
}
