package competency

// Category classifies a competency. The zero Category is "no category"; Parse
// and the constants give the only other values.
type Category uint8

// The competency categories. Cultural competencies are derived from a
// company's own values.
const (
	Technical     Category = 1
	Interpersonal Category = 2
	Analytical    Category = 3
	Operational   Category = 4
	Leadership    Category = 5
	Cultural      Category = 6
)

var categoryNames = []string{"technical", "interpersonal", "analytical", "operational", "leadership", "cultural"}

// Categories lists every category in declaration order.
func Categories() []Category {
	return []Category{Technical, Interpersonal, Analytical, Operational, Leadership, Cultural}
}

// ParseCategory parses a category name, case-insensitively.
func ParseCategory(s string) (Category, error) {
	v, err := enumParse(categoryNames, s, ErrInvalidCategory)
	return Category(v), err
}

// Valid reports whether c is one of the categories.
func (c Category) Valid() bool { return c >= Technical && c <= Cultural }

// String returns the lowercase name ("" for the zero Category).
func (c Category) String() string { return enumName(categoryNames, uint8(c)) }

// MarshalText encodes c as its lowercase name; the zero Category is an error.
func (c Category) MarshalText() ([]byte, error) {
	return enumMarshal(categoryNames, uint8(c), ErrInvalidCategory)
}

// UnmarshalText decodes a category name.
func (c *Category) UnmarshalText(b []byte) error {
	v, err := ParseCategory(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
