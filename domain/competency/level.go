package competency

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Level is a proficiency level on Cadre's five-point scale: 1 Basic,
// 2 Developing, 3 Proficient, 4 Advanced, 5 Expert. The zero Level means "no
// level" (for example, a competency a framework did not require before an
// adjustment); every other value obtained from this package is in 1–5.
// Levels are ordered: a higher Level is more proficient.
type Level uint8

// The five proficiency levels.
const (
	Basic      Level = 1
	Developing Level = 2
	Proficient Level = 3
	Advanced   Level = 4
	Expert     Level = 5
)

// MinLevel and MaxLevel bound the scale.
const (
	MinLevel = Basic
	MaxLevel = Expert
)

var levelLabels = []string{"Basic", "Developing", "Proficient", "Advanced", "Expert"}

// AllLevels lists the five levels in ascending order.
func AllLevels() []Level { return []Level{Basic, Developing, Proficient, Advanced, Expert} }

// ParseLevel returns n as a Level, or ErrInvalidLevel unless 1 <= n <= 5.
func ParseLevel(n int) (Level, error) {
	if n < int(MinLevel) || n > int(MaxLevel) {
		return 0, fmt.Errorf("%w: %d (want 1 to 5)", ErrInvalidLevel, n)
	}
	return Level(n), nil
}

// Valid reports whether l is one of the five levels (the zero Level is not).
func (l Level) Valid() bool { return l >= MinLevel && l <= MaxLevel }

// Int returns l as an int.
func (l Level) Int() int { return int(l) }

// Label returns the level's name ("Basic" … "Expert"), or "" for the zero or
// an invalid Level.
func (l Level) Label() string { return enumName(levelLabels, uint8(l)) }

// Display returns the label with its position on the scale, e.g.
// "Advanced (4/5)", or "" for the zero or an invalid Level.
func (l Level) Display() string {
	if !l.Valid() {
		return ""
	}
	return l.Label() + " (" + strconv.Itoa(int(l)) + "/5)"
}

// String returns Display, or "none" for the zero Level.
func (l Level) String() string {
	if l == 0 {
		return "none"
	}
	if !l.Valid() {
		return "Level(" + strconv.Itoa(int(l)) + ")"
	}
	return l.Display()
}

// MarshalJSON encodes l as a number; the zero Level encodes as 0.
func (l Level) MarshalJSON() ([]byte, error) {
	if l != 0 && !l.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrInvalidLevel, l)
	}
	return []byte(strconv.Itoa(int(l))), nil
}

// UnmarshalJSON decodes a number in 1–5 (or 0, the zero Level).
func (l *Level) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidLevel, b)
	}
	if n == 0 {
		*l = 0
		return nil
	}
	v, err := ParseLevel(n)
	if err != nil {
		return err
	}
	*l = v
	return nil
}
