package catalog

import "errors"

// Sentinel errors. Lookups wrap them with the offending value and the valid
// ones, so callers can both branch with errors.Is and show the message.
var (
	// ErrUnknownRole reports a role slug the catalog does not define.
	ErrUnknownRole = errors.New("catalog: unknown role")
	// ErrUnknownIndustry reports an industry slug the catalog does not define.
	ErrUnknownIndustry = errors.New("catalog: unknown industry")
	// ErrInvalidData reports embedded or supplied catalog data that fails
	// validation.
	ErrInvalidData = errors.New("catalog: invalid data")
)
