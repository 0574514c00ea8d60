package workers_test

import (
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/workers"
)

// TestWorkersAckWaitBounded: the events a crashed worker had fetched come
// back to another replica within 30 s, whatever the worker: no worker
// waits longer for an ack (a long handler is kept alive by InProgress).
func TestWorkersAckWaitBounded(t *testing.T) {
	for _, w := range workers.All() {
		got := w.Options.AckWait
		if got == 0 {
			got = events.DefaultAckWait
		}
		if got > 30*time.Second {
			t.Errorf("worker %s: ack wait %s, want at most 30s", w.Name, got)
		}
	}
}
