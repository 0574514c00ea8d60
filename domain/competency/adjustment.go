package competency

import (
	"fmt"
	"strings"
)

// Adjustment records one change a tailoring step (an industry variant, a
// company's evidence) made to the level a framework requires at one tier,
// and why. From is the zero Level when the competency was added (it was not
// required before); To is always a valid level.
type Adjustment struct {
	Tier   Tier   `json:"tier"`
	From   Level  `json:"from"`
	To     Level  `json:"to"`
	Reason string `json:"reason"`
}

// Validate checks the tier, the levels and that there is a reason.
func (a Adjustment) Validate() error {
	switch {
	case !a.Tier.Valid():
		return fmt.Errorf("%w: adjustment without a tier", ErrInvalidFramework)
	case a.From != 0 && !a.From.Valid(), !a.To.Valid():
		return fmt.Errorf("%w: adjustment %v to %v", ErrInvalidFramework, a.From, a.To)
	case a.From == a.To:
		return fmt.Errorf("%w: adjustment at %s changes nothing", ErrInvalidFramework, a.Tier)
	case strings.TrimSpace(a.Reason) == "":
		return fmt.Errorf("%w: adjustment at %s has no reason", ErrInvalidFramework, a.Tier)
	}
	return nil
}
