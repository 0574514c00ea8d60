package plan

import (
	"errors"
	"fmt"
)

// Sentinel errors of this package, returned wrapped with the offending
// value; branch on them with errors.Is.
var (
	// ErrUnknownItem reports an item id the plan does not hold.
	ErrUnknownItem = errors.New("plan: unknown item")
	// ErrInvalidTransition reports a status change the employee may not make
	// (see Status.CanBecome). The error is a *TransitionError.
	ErrInvalidTransition = errors.New("plan: invalid status transition")
	// ErrNoteTooLong reports a note longer than MaxNoteLen characters.
	ErrNoteTooLong = errors.New("plan: note too long")
	// ErrInvalidStatus reports an unknown status name.
	ErrInvalidStatus = errors.New("plan: invalid status")
	// ErrInvalidClosedReason reports an unknown closed reason name.
	ErrInvalidClosedReason = errors.New("plan: invalid closed reason")
	// ErrInvalidInput reports an Input that fails Input.Validate.
	ErrInvalidInput = errors.New("plan: invalid input")
)

// TransitionError is the error UpdateItem returns for a status change the
// employee may not make. It matches ErrInvalidTransition with errors.Is.
type TransitionError struct {
	ItemID string
	From   Status
	To     Status
}

// Error describes the refused transition.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("plan: invalid status transition for item %s: %s to %s", e.ItemID, e.From, e.To)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }
