package competency

import (
	"fmt"
	"strings"
)

// Tier is a career tier within a role: entry, mid or senior. The zero Tier is
// "no tier"; Parse and the constants give the only other values. Tiers are
// ordered (TierEntry < TierMid < TierSenior).
type Tier uint8

// The three tiers.
const (
	TierEntry  Tier = 1
	TierMid    Tier = 2
	TierSenior Tier = 3
)

var tierNames = []string{"entry", "mid", "senior"}

// Tiers lists the tiers in career order: entry, mid, senior.
var Tiers = [3]Tier{TierEntry, TierMid, TierSenior}

// ParseTier parses "entry", "mid" or "senior", case-insensitively, and also
// the seed data's spellings "Entry-Level", "Mid-Level" (and "Senior-Level").
func ParseTier(s string) (Tier, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "-level"), " level")
	v, err := enumParse(tierNames, t, ErrInvalidTier)
	if err != nil {
		return 0, fmt.Errorf("%w: %q (want one of entry, mid, senior)", ErrInvalidTier, s)
	}
	return Tier(v), nil
}

// Valid reports whether t is one of the three tiers.
func (t Tier) Valid() bool { return t >= TierEntry && t <= TierSenior }

// String returns "entry", "mid" or "senior" ("" for the zero Tier).
func (t Tier) String() string { return enumName(tierNames, uint8(t)) }

// Next returns the tier after t and true, or the zero Tier and false for
// TierSenior (and for an invalid tier).
func (t Tier) Next() (Tier, bool) {
	if !t.Valid() || t == TierSenior {
		return 0, false
	}
	return t + 1, true
}

// MarshalText encodes t as its lowercase name; the zero Tier is an error.
func (t Tier) MarshalText() ([]byte, error) { return enumMarshal(tierNames, uint8(t), ErrInvalidTier) }

// UnmarshalText decodes any spelling ParseTier accepts.
func (t *Tier) UnmarshalText(b []byte) error {
	v, err := ParseTier(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
