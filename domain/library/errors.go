package library

import "errors"

// ErrInvalidOverride is wrapped by ValidateOverride (and Build) for an
// override that cannot be applied; the message says which field is wrong.
var ErrInvalidOverride = errors.New("library: invalid override")

// ErrInvalidInputs is wrapped by Build for inputs it cannot build from (an
// unknown industry, a document without an id, two documents with one id).
var ErrInvalidInputs = errors.New("library: invalid inputs")
