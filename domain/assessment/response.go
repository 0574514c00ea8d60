package assessment

import (
	"fmt"
	"unicode/utf8"
)

// Response is the answer to one item. Exactly one field besides ItemID is
// set, the one the item's kind takes: Rating (1–5) for a self-rating,
// OptionID for a scenario, Text for an open-text item. An empty Text is a
// valid (and low-scoring) answer.
type Response struct {
	ItemID   string  `json:"item_id"`
	Rating   *int    `json:"rating,omitempty"`
	OptionID *string `json:"option_id,omitempty"`
	Text     *string `json:"text,omitempty"`
}

// Validate checks r against the assessment. The error is a *ResponseError
// wrapping ErrUnknownItem, ErrWrongField, ErrRatingOutOfRange,
// ErrUnknownOption, ErrTextTooLong or ErrInvalidUTF8.
func (a Assessment) Validate(r Response) error {
	it, ok := a.Item(r.ItemID)
	if !ok {
		return &ResponseError{ItemID: r.ItemID, Field: "item_id", Err: ErrUnknownItem}
	}
	return a.validate(it, r)
}

// ValidateAll checks every response and that no item is answered twice
// (ErrDuplicateResponse). Items may be left unanswered.
func (a Assessment) ValidateAll(rs []Response) error {
	_, err := a.index(rs)
	return err
}

// index validates rs and returns them by item id.
func (a Assessment) index(rs []Response) (map[string]Response, error) {
	items := make(map[string]Item, len(a.Items))
	for _, it := range a.Items {
		items[it.ID] = it
	}
	byItem := make(map[string]Response, len(rs))
	for _, r := range rs {
		it, ok := items[r.ItemID]
		if !ok {
			return nil, &ResponseError{ItemID: r.ItemID, Field: "item_id", Err: ErrUnknownItem}
		}
		if err := a.validate(it, r); err != nil {
			return nil, err
		}
		if _, dup := byItem[r.ItemID]; dup {
			return nil, &ResponseError{ItemID: r.ItemID, Field: "item_id", Err: ErrDuplicateResponse}
		}
		byItem[r.ItemID] = r
	}
	return byItem, nil
}

// validate checks r against its item.
func (a Assessment) validate(it Item, r Response) error {
	fail := func(field string, err error) error {
		return &ResponseError{ItemID: r.ItemID, Field: field, Err: err}
	}
	var want string
	switch it.Kind {
	case SelfRating:
		want = "rating"
	case Scenario:
		want = "option_id"
	case OpenText:
		want = "text"
	}
	fields := [...]struct {
		name string
		set  bool
	}{{"rating", r.Rating != nil}, {"option_id", r.OptionID != nil}, {"text", r.Text != nil}}
	for _, f := range fields {
		if f.set && f.name != want {
			return fail(f.name, fmt.Errorf("%w: %s item takes %s", ErrWrongField, it.Kind, want))
		}
	}
	switch it.Kind {
	case SelfRating:
		if r.Rating == nil {
			return fail(want, fmt.Errorf("%w: %s item takes %s", ErrWrongField, it.Kind, want))
		}
		if *r.Rating < 1 || *r.Rating > 5 {
			return fail(want, fmt.Errorf("%w: %d (want 1 to 5)", ErrRatingOutOfRange, *r.Rating))
		}
	case Scenario:
		if r.OptionID == nil {
			return fail(want, fmt.Errorf("%w: %s item takes %s", ErrWrongField, it.Kind, want))
		}
		if !it.hasOption(*r.OptionID) {
			return fail(want, fmt.Errorf("%w: %q", ErrUnknownOption, *r.OptionID))
		}
	case OpenText:
		if r.Text == nil {
			return fail(want, fmt.Errorf("%w: %s item takes %s", ErrWrongField, it.Kind, want))
		}
		if !utf8.ValidString(*r.Text) {
			return fail(want, ErrInvalidUTF8)
		}
		if n, max := utf8.RuneCountInString(*r.Text), a.maxChars(); n > max {
			return fail(want, fmt.Errorf("%w: %d characters (at most %d)", ErrTextTooLong, n, max))
		}
	}
	return nil
}
