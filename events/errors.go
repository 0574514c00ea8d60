package events

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrUnknownType reports an event type that is not one of Cadre's.
	ErrUnknownType = errors.New("events: unknown event type")
	// ErrInvalidEvent reports an envelope that breaks the CloudEvents or
	// Cadre rules (see Event.Validate).
	ErrInvalidEvent = errors.New("events: invalid event")
	// ErrTypeMismatch reports a payload given for an event type it does not
	// belong to.
	ErrTypeMismatch = errors.New("events: payload does not match event type")
	// ErrNotRunning reports a use of the embedded server while it is shut
	// down.
	ErrNotRunning = errors.New("events: embedded server not running")
	// ErrNotConnected reports a bus whose NATS connection is not connected.
	ErrNotConnected = errors.New("events: nats not connected")
	// ErrConfig reports a configuration that cannot work.
	ErrConfig = errors.New("events: invalid configuration")
	// ErrTransient marks a handler error that says nothing about the event
	// itself: a database or broker that cannot be reached, a timeout, a
	// lost deadlock. Consume naks such a delivery with backoff however
	// often it recurs and never counts it toward MaxDeliver, so an outage
	// of any length drops nothing. Wrap it with Transient.
	ErrTransient = errors.New("events: transient failure")
)

// Transient wraps err as ErrTransient (nil stays nil).
func Transient(err error) error {
	if err == nil || errors.Is(err, ErrTransient) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrTransient, err)
}
