package backoff_test

import (
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/backoff"
	"github.com/google/go-cmp/cmp"
)

func TestExponential(t *testing.T) {
	t.Parallel()
	const ms = time.Millisecond
	tests := []struct {
		name     string
		min, max time.Duration
		want     []time.Duration
	}{
		{name: "doubles up to max", min: 100 * ms, max: 1000 * ms,
			want: []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1000 * ms, 1000 * ms}},
		{name: "max equal to min", min: 50 * ms, max: 50 * ms,
			want: []time.Duration{50 * ms, 50 * ms, 50 * ms}},
		{name: "max below min", min: 50 * ms, max: 10 * ms,
			want: []time.Duration{10 * ms, 10 * ms}},
		{name: "zero value", want: []time.Duration{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := backoff.Exponential{Min: tt.min, Max: tt.max}
			var got []time.Duration
			for range tt.want {
				got = append(got, b.Next())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExponentialReset(t *testing.T) {
	t.Parallel()
	b := backoff.Exponential{Min: time.Second, Max: time.Minute}
	b.Next()
	b.Next()
	b.Reset()
	if got := b.Next(); got != time.Second {
		t.Errorf("Next after Reset = %v, want %v", got, time.Second)
	}
}
