package plan

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// MaxNoteLen bounds an item's note, in characters (runes).
const MaxNoteLen = 2000

// UpdateItem returns a copy of p in which the item with the given id has the
// given status and note; a nil pointer leaves that field as it is, an empty
// note clears it. The employee may move an item only as Status.CanBecome
// allows (closed items never change status, but their note may be edited).
// It returns an error wrapping ErrUnknownItem, a *TransitionError (matching
// ErrInvalidTransition), or an error wrapping ErrNoteTooLong, and then p is
// not changed.
//
// UpdateItem changes neither Version nor BuiltAt: a version is a build. The
// next Build carries the new status and note over.
func (p Plan) UpdateItem(id string, status *Status, note *string) (Plan, error) {
	i := slices.IndexFunc(p.Items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		return p, fmt.Errorf("update item: %w: %q", ErrUnknownItem, id)
	}
	it := p.Items[i]
	if status != nil {
		if !it.Status.CanBecome(*status) {
			return p, fmt.Errorf("update item: %w", &TransitionError{ItemID: id, From: it.Status, To: *status})
		}
		it.Status = *status
	}
	if note != nil {
		if n := utf8.RuneCountInString(*note); n > MaxNoteLen {
			return p, fmt.Errorf("update item: %w: %d characters (at most %d)", ErrNoteTooLong, n, MaxNoteLen)
		}
		it.Note = *note
	}
	p.Items = slices.Clone(p.Items)
	p.Items[i] = it
	return p, nil
}
