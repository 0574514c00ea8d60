// Package testwait waits, in tests, for a condition that something running
// concurrently makes true: a worker that handled an event, a consumer that
// settled, a server that answers. It polls the condition with a deadline,
// so that a test waits exactly as long as it must and fails saying what it
// waited for and what it saw last, instead of sleeping a guessed while.
package testwait

import (
	"fmt"
	"testing"
	"time"
)

// Poll is how often a condition is checked: short next to the milliseconds
// an event takes from the outbox to a handler, long enough for a condition
// that asks a server over HTTP not to load it.
const Poll = 10 * time.Millisecond

// For checks cond every Poll until it reports true, and then returns nil.
// When timeout has passed and cond still does not hold, it returns an
// error with the last error cond returned, which should say what it saw
// (cond may return a non-nil error with false, as a description).
func For(timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(Poll)
	defer tick.Stop()
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v (last: %v)", timeout, err)
		}
		<-tick.C
	}
}

// Until is For that fails t, naming what it waited for, when cond does not
// hold within timeout. It must be called from the test's goroutine.
func Until(t testing.TB, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	if err := For(timeout, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}
