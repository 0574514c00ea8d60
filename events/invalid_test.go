package events_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
)

// TestConsumeInvalidEventNotParkedComesBack: an invalid message whose
// parking fails is not termed but delivered again, with its raw data, until
// it is parked.
func TestConsumeInvalidEventNotParkedComesBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	raw := []byte(`{"not":"an event"}`)
	if _, err := e.bus.Publish(t.Context(), "cadre.x.document.uploaded", "bad-1", raw); err != nil {
		t.Fatal(err)
	}
	calls := make(chan string, 4)
	var n atomic.Int32 // calls so far
	consume(t, e.bus, events.ConsumerConfig{
		Durable: "invalid-retry", MaxDeliver: 1, BackOff: []time.Duration{10 * time.Millisecond},
		OnInvalid: func(_ context.Context, d *events.Delivery, _ error) error {
			calls <- string(d.Data())
			if n.Add(1) == 1 {
				return errors.New("database down")
			}
			return nil
		},
	}, func(context.Context, *events.Delivery) error {
		t.Error("handler called with an invalid event")
		return nil
	})
	for i := range 2 {
		select {
		case data := <-calls:
			if data != string(raw) {
				t.Errorf("OnInvalid call %d: data %q, want %q", i+1, data, raw)
			}
		case <-time.After(waitTimeout):
			t.Fatalf("OnInvalid called %d times, want 2 (the failed park, then the park)", i)
		}
	}
	waitSettled(t, e.bus, "invalid-retry")
}
