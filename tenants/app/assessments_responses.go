package app

import (
	"errors"
	"fmt"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/tenants/store"
)

// errClosed refuses answering or submitting a submitted assessment.
var errClosed = refuse(Conflict, "assessment-closed", "the assessment was submitted; it takes no more answers and cannot be submitted again")

// stale refuses a save or submission against an older version than
// current.
func stale(current int) error {
	return refuse(Conflict, "stale-version", fmt.Sprintf("the assessment changed since you read it; its version is now %d: read it again and retry", current))
}

// mergeResponses validates the incoming answers against the assessment and
// merges them into the saved ones (by item), in item order.
func mergeResponses(a store.Assessment, incoming []assessment.Response) ([]assessment.Response, error) {
	dom := a.Domain(0)
	seen := make(map[string]bool, len(incoming))
	byItem := make(map[string]assessment.Response, len(a.Responses)+len(incoming))
	for _, r := range a.Responses {
		byItem[r.ItemID] = r
	}
	for i, r := range incoming {
		if err := dom.Validate(r); err != nil {
			return nil, responseRefusal(i, err)
		}
		if seen[r.ItemID] {
			return nil, responseRefusal(i, &assessment.ResponseError{ItemID: r.ItemID, Field: "item_id", Err: assessment.ErrDuplicateResponse})
		}
		seen[r.ItemID] = true
		byItem[r.ItemID] = r
	}
	out := make([]assessment.Response, 0, len(byItem))
	for _, it := range a.Items {
		if r, ok := byItem[it.ID]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// responseRefusal refuses the i-th answer for err: an answer too long is
// TooLarge, anything else Invalid, naming the item and field.
func responseRefusal(i int, err error) error {
	var re *assessment.ResponseError
	f := Field{Location: fmt.Sprintf("body.responses[%d]", i), Message: err.Error()}
	if errors.As(err, &re) {
		f.Location += "." + re.Field
	}
	detail := err.Error() + "; nothing was saved"
	switch {
	case errors.Is(err, assessment.ErrTextTooLong):
		return refuse(TooLarge, "answer-too-long", detail, f)
	case errors.Is(err, assessment.ErrUnknownItem):
		return refuse(Invalid, "unknown-item", detail, f)
	case errors.Is(err, assessment.ErrDuplicateResponse):
		return refuse(Invalid, "duplicate-response", detail, f)
	}
	return refuse(Invalid, "invalid-response", detail, f)
}
