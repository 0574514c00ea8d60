package app

import (
	"errors"
	"fmt"
)

// Kind classifies a use case's refusal; adapters map it to their own terms
// (the HTTP API to a status code).
type Kind int

// The kinds of refusal.
const (
	// Invalid: the input breaks a rule (HTTP 422).
	Invalid Kind = iota + 1
	// BadRequest: the input cannot be understood at all (HTTP 400).
	BadRequest
	// Unauthenticated: no valid credential (HTTP 401).
	Unauthenticated
	// Forbidden: the principal may not do this (HTTP 403).
	Forbidden
	// NotFound: no such thing in the principal's reach (HTTP 404); another
	// tenant's or another employee's things are not found either.
	NotFound
	// Conflict: the current state does not allow it (HTTP 409).
	Conflict
	// Stale: the caller's version is not the current one (HTTP 412).
	Stale
	// TooLarge: the input is over a limit (HTTP 413).
	TooLarge
	// Unsupported: the input's format is not one Cadre reads (HTTP 415).
	Unsupported
)

// Field locates one problem in the input.
type Field struct {
	// Location is where, in the adapter's terms of the input
	// ("body.values[2].name").
	Location string
	Message  string
	// Value is the offending value, when it is safe to echo.
	Value any
}

// Error is a use case's refusal. Nothing was written.
type Error struct {
	Kind Kind
	// Code is a stable identifier more specific than Kind
	// ("assessment-closed"); empty for the kind's own.
	Code   string
	Detail string
	Fields []Field
	// Quota names the quota a "quota-exceeded" refusal would break.
	Quota *QuotaExceeded
}

func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s: %s", e.Code, e.Detail)
	}
	return e.Detail
}

// refuse returns a refusal of kind with a code (may be empty) and a detail.
func refuse(kind Kind, code, detail string, fields ...Field) *Error {
	return &Error{Kind: kind, Code: code, Detail: detail, Fields: fields}
}

// invalid is the refusal of input that breaks a rule ("validation").
func invalid(detail string, fields ...Field) *Error {
	return refuse(Invalid, "validation", detail, fields...)
}

// notFound is the refusal of what is not in the principal's reach.
var errNotFound = refuse(NotFound, "", "not found")

// AsError returns err's *Error, if it has one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
