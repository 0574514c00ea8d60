// Package backoff spaces the retries of an operation that keeps failing
// against infrastructure, such as NATS or the database being down: every
// retry loop of Cadre waits the same way, so that one outage is retried
// alike everywhere and the formula lives in one place.
package backoff

import "time"

// Exponential is a bounded exponential backoff: the first wait is Min and
// each next one doubles, up to Max. Callers Reset it after a success, so
// that the next failure starts over from Min. The zero value never waits.
// It is not safe for concurrent use: each retry loop owns its own.
type Exponential struct {
	// Min is the first wait.
	Min time.Duration
	// Max bounds every wait, Min included.
	Max time.Duration

	last time.Duration
}

// Next returns the wait before the next retry and doubles the one after.
func (e *Exponential) Next() time.Duration {
	e.last = min(max(2*e.last, e.Min), e.Max)
	return e.last
}

// Reset starts over from Min, after a success.
func (e *Exponential) Reset() { e.last = 0 }
