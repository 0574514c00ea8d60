package competency

import (
	"encoding/json"
	"fmt"
)

// Levels holds the level a framework requires at each tier. A non-zero Levels
// always has a valid level at every tier and never decreases from entry to
// mid to senior; build one with NewLevels. The zero Levels means "no
// requirement" and reports IsZero.
type Levels struct {
	entry, mid, senior Level
}

// NewLevels returns the requirement entry/mid/senior, or ErrInvalidLevels if a
// level is outside 1–5 or the levels decrease along the tiers.
func NewLevels(entry, mid, senior Level) (Levels, error) {
	if !entry.Valid() || !mid.Valid() || !senior.Valid() {
		return Levels{}, fmt.Errorf("%w: %d/%d/%d (each must be 1 to 5)", ErrInvalidLevels, entry, mid, senior)
	}
	if entry > mid || mid > senior {
		return Levels{}, fmt.Errorf("%w: %d/%d/%d (must not decrease from entry to senior)", ErrInvalidLevels, entry, mid, senior)
	}
	return Levels{entry: entry, mid: mid, senior: senior}, nil
}

// At returns the level required at tier t (the zero Level for an invalid
// tier or the zero Levels).
func (l Levels) At(t Tier) Level {
	switch t {
	case TierEntry:
		return l.entry
	case TierMid:
		return l.mid
	case TierSenior:
		return l.senior
	}
	return 0
}

// With returns l with tier t's level set to v, validated like NewLevels.
func (l Levels) With(t Tier, v Level) (Levels, error) {
	e, m, s := l.entry, l.mid, l.senior
	switch t {
	case TierEntry:
		e = v
	case TierMid:
		m = v
	case TierSenior:
		s = v
	default:
		return Levels{}, fmt.Errorf("%w: %d", ErrInvalidTier, t)
	}
	return NewLevels(e, m, s)
}

// IsZero reports whether l is the zero Levels.
func (l Levels) IsZero() bool { return l == Levels{} }

// String returns "entry/mid/senior", e.g. "2/4/5".
func (l Levels) String() string { return fmt.Sprintf("%d/%d/%d", l.entry, l.mid, l.senior) }

type levelsJSON struct {
	Entry  Level `json:"entry"`
	Mid    Level `json:"mid"`
	Senior Level `json:"senior"`
}

// MarshalJSON encodes l as {"entry":2,"mid":4,"senior":5}.
func (l Levels) MarshalJSON() ([]byte, error) {
	return json.Marshal(levelsJSON{Entry: l.entry, Mid: l.mid, Senior: l.senior})
}

// UnmarshalJSON decodes {"entry":…,"mid":…,"senior":…}, validated like
// NewLevels.
func (l *Levels) UnmarshalJSON(b []byte) error {
	var j levelsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("decode levels: %w", err)
	}
	v, err := NewLevels(j.Entry, j.Mid, j.Senior)
	if err != nil {
		return err
	}
	*l = v
	return nil
}
