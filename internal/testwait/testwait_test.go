package testwait_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/testwait"
)

func TestForPollsUntilItHolds(t *testing.T) {
	t.Parallel()
	calls := 0
	err := testwait.For(10*time.Second, func() (bool, error) {
		calls++
		return calls == 4, errors.New("not yet")
	})
	if err != nil || calls != 4 {
		t.Errorf("For = %v after %d calls, want nil after 4", err, calls)
	}
}

func TestForTimesOut(t *testing.T) {
	t.Parallel()
	start := time.Now()
	err := testwait.For(50*time.Millisecond, func() (bool, error) { return false, errors.New("3 pending") })
	if err == nil || !strings.Contains(err.Error(), "3 pending") {
		t.Errorf("For = %v, want a timeout naming the last state, 3 pending", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("For gave up after %v, want at least the 50ms timeout", d)
	}
}
