package assessment

import (
	"errors"
	"fmt"
)

// Errors returned by Generate.
var (
	// ErrEmptyFramework reports a framework without competencies.
	ErrEmptyFramework = errors.New("assessment: framework has no competencies")
	// ErrInvalidFramework reports a competency Generate cannot build items
	// from (no slug or name, a missing descriptor, no required level at the
	// tier, a duplicate).
	ErrInvalidFramework = errors.New("assessment: invalid framework")
	// ErrInvalidTier reports a tier that is not entry, mid or senior.
	ErrInvalidTier = errors.New("assessment: invalid tier")
	// ErrEmptySeed reports an empty seed.
	ErrEmptySeed = errors.New("assessment: empty seed")
	// ErrInvalidKind reports an unknown item kind.
	ErrInvalidKind = errors.New("assessment: invalid item kind")
)

// Errors returned by Validate, ValidateAll and Score for a bad response.
var (
	// ErrUnknownItem reports a response to an item the assessment does not
	// have.
	ErrUnknownItem = errors.New("assessment: unknown item")
	// ErrWrongField reports a response that does not answer with the one field
	// its item's kind takes (rating, option_id or text), or that sets more.
	ErrWrongField = errors.New("assessment: wrong answer field for the item kind")
	// ErrRatingOutOfRange reports a self-rating outside 1–5.
	ErrRatingOutOfRange = errors.New("assessment: rating out of range")
	// ErrUnknownOption reports an option id the item does not offer.
	ErrUnknownOption = errors.New("assessment: unknown option")
	// ErrTextTooLong reports an open-text answer longer than the assessment's
	// MaxAnswerChars.
	ErrTextTooLong = errors.New("assessment: answer text too long")
	// ErrInvalidUTF8 reports an open-text answer that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("assessment: answer text is not valid utf-8")
	// ErrDuplicateResponse reports two responses to the same item.
	ErrDuplicateResponse = errors.New("assessment: duplicate response")
)

// ResponseError says which response, and which of its fields, failed
// validation. It wraps one of the response sentinels above, so callers can
// use errors.Is for the reason and errors.As for the location.
type ResponseError struct {
	// ItemID is the item the response answers.
	ItemID string
	// Field is the JSON name of the offending field ("item_id", "rating",
	// "option_id" or "text").
	Field string
	// Err is the sentinel, possibly wrapped with detail.
	Err error
}

// Error describes the failure with the item and field.
func (e *ResponseError) Error() string {
	return fmt.Sprintf("response to item %q: %s: %v", e.ItemID, e.Field, e.Err)
}

// Unwrap returns the underlying sentinel.
func (e *ResponseError) Unwrap() error { return e.Err }

// ErrInvalidReview reports a manager's review that rates a competency the
// assessment does not hold or gives a level outside 1–5.
var ErrInvalidReview = errors.New("assessment: invalid review")
