package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
)

// TestCrashedConsumerRedeliveredWithinAckWait: a replica fetches events
// and dies without settling them (its connection closes mid-handler); the
// other replica of the durable gets them within AckWait, not later.
func TestCrashedConsumerRedeliveredWithinAckWait(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	const n, ackWait = 4, 2 * time.Second
	cfg := events.ConsumerConfig{Durable: "crash", AckWait: ackWait, FetchWait: 100 * time.Millisecond, Concurrency: n}

	// The doomed replica, on a connection of its own.
	nc, err := e.srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	doomed, err := events.OpenBus(nc, events.StreamConfig{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	fetched := make(chan string, n)
	block := make(chan struct{})
	defer close(block)
	cancelDoomed, _, _ := consume(t, doomed, cfg, func(_ context.Context, d *events.Delivery) error {
		fetched <- d.Event.Resource
		<-block // never settles: the process dies first
		return nil
	})
	publishN(t, e.bus, n)
	for range n {
		select {
		case <-fetched:
		case <-time.After(waitTimeout):
			t.Fatal("the doomed replica did not fetch every event")
		}
	}
	nc.Close() // the crash: nothing is acked, naked or kept in progress any more
	crashed := time.Now()
	cancelDoomed()

	got := make(chan string, n)
	consume(t, e.bus, cfg, func(_ context.Context, d *events.Delivery) error {
		got <- d.Event.Resource
		return nil
	})
	seen := map[string]bool{}
	deadline := time.After(ackWait + 5*time.Second) // AckWait plus a pull's round trips
	for len(seen) < n {
		select {
		case r := <-got:
			seen[r] = true
		case <-deadline:
			t.Fatalf("the other replica got %d of %d events within %s of the crash, want all", len(seen), n, time.Since(crashed))
		}
	}
	t.Logf("all %d events redelivered %s after the crash (AckWait %s)", n, time.Since(crashed).Round(time.Millisecond), ackWait)
}

// TestAckWaitBounded: a consumer may not wait longer than MaxAckWait, at
// most 30 s, for the events of a crashed replica.
func TestAckWaitBounded(t *testing.T) {
	t.Parallel()
	if events.MaxAckWait > 30*time.Second || events.DefaultAckWait > events.MaxAckWait {
		t.Fatalf("MaxAckWait %s, DefaultAckWait %s: want both at most 30s", events.MaxAckWait, events.DefaultAckWait)
	}
	e := newEnv(t, events.StreamConfig{})
	err := e.bus.Consume(t.Context(), events.ConsumerConfig{Durable: "slow", AckWait: events.MaxAckWait + time.Second},
		func(context.Context, *events.Delivery) error { return nil })
	if !errors.Is(err, events.ErrConfig) {
		t.Errorf("Consume with an ack wait over MaxAckWait = %v, want ErrConfig", err)
	}
}
