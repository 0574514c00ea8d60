package workers

import (
	"errors"
	"sync/atomic"
	"testing"
)

// TestPipeline: after sees every range once, in order, only when fn is done
// with all of it; an error stops the writes at the range that failed.
func TestPipeline(t *testing.T) {
	for _, n := range []int{0, 1, parallelMin - 1, parallelMin, 1000} {
		done := make([]atomic.Bool, n)
		next := 0
		err := pipeline(n, 7, func(i int) error {
			done[i].Store(true)
			return nil
		}, func(from, to int) error {
			if from != next || to <= from || to > n {
				t.Fatalf("n=%d: range [%d, %d) after %d", n, from, to, next)
			}
			for i := from; i < to; i++ {
				if !done[i].Load() {
					t.Fatalf("n=%d: range [%d, %d) written before %d was built", n, from, to, i)
				}
			}
			next = to
			return nil
		})
		if err != nil || next != n {
			t.Errorf("n=%d: wrote up to %d (%v), want %d", n, next, err, n)
		}
	}

	boom := errors.New("boom")
	written := 0
	err := pipeline(1000, 10, func(i int) error {
		if i == 505 {
			return boom
		}
		return nil
	}, func(from, to int) error {
		written = to
		return nil
	})
	if !errors.Is(err, boom) || written != 500 {
		t.Errorf("failing build: wrote up to %d (%v), want 500 and boom", written, err)
	}
	err = pipeline(1000, 10, func(int) error { return nil }, func(from, to int) error {
		if from == 300 {
			return boom
		}
		written = to
		return nil
	})
	if !errors.Is(err, boom) || written != 300 {
		t.Errorf("failing write: wrote up to %d (%v), want 300 and boom", written, err)
	}
}
