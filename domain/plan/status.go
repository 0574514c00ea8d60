package plan

import (
	"fmt"
	"strings"
)

// Status is where an item stands. The employee moves an item from
// NotStarted to InProgress to Done, and from Done back to InProgress; only
// Build sets Closed.
type Status string

// The item statuses.
const (
	NotStarted Status = "not_started"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Closed     Status = "closed"
)

// ParseStatus parses a status name, case-insensitively.
func ParseStatus(s string) (Status, error) {
	v := Status(strings.ToLower(strings.TrimSpace(s)))
	if !v.Valid() {
		return "", fmt.Errorf("%w: %q (want one of not_started, in_progress, done, closed)", ErrInvalidStatus, s)
	}
	return v, nil
}

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case NotStarted, InProgress, Done, Closed:
		return true
	}
	return false
}

// String returns the status name.
func (s Status) String() string { return string(s) }

// CanBecome reports whether the employee may move an item from s to next:
// not_started→in_progress, in_progress→done and done→in_progress. Setting
// the status an item already has (other than closed) is allowed and changes
// nothing. Nothing leaves or enters Closed this way.
func (s Status) CanBecome(next Status) bool {
	switch {
	case s == Closed || next == Closed || !s.Valid() || !next.Valid():
		return false
	case s == next:
		return true
	case s == NotStarted && next == InProgress,
		s == InProgress && next == Done,
		s == Done && next == InProgress:
		return true
	}
	return false
}

// ClosedReason says why Build closed an item. The empty ClosedReason means
// the item is not closed.
type ClosedReason string

// The reasons an item is closed.
const (
	// Met: the employee's current level reached the target level.
	Met ClosedReason = "met"
	// CompetencyRetired: the company retired the competency.
	CompetencyRetired ClosedReason = "competency_retired"
	// RoleChanged: the employee moved to a role whose framework does not
	// include the competency.
	RoleChanged ClosedReason = "role_changed"
	// NotInFramework: the employee's own framework no longer includes the
	// competency (the library was rebuilt or curated).
	NotInFramework ClosedReason = "not_in_framework"
)

// ParseClosedReason parses a closed reason name, case-insensitively.
func ParseClosedReason(s string) (ClosedReason, error) {
	v := ClosedReason(strings.ToLower(strings.TrimSpace(s)))
	if !v.Valid() {
		return "", fmt.Errorf("%w: %q (want one of met, competency_retired, role_changed, not_in_framework)", ErrInvalidClosedReason, s)
	}
	return v, nil
}

// Valid reports whether r is one of the four reasons (the empty
// ClosedReason is not).
func (r ClosedReason) Valid() bool {
	switch r {
	case Met, CompetencyRetired, RoleChanged, NotInFramework:
		return true
	}
	return false
}

// String returns the reason name.
func (r ClosedReason) String() string { return string(r) }
