package events_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
)

// runRelay runs a relay over out and bus until the test ends.
func runRelay(t *testing.T, cfg events.RelayConfig) *events.Relay {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	r, err := events.NewRelay(cfg)
	if err != nil {
		t.Fatalf("NewRelay: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	})
	return r
}

// checkExactlyOnce checks that the stream holds exactly the records, once
// each, and that the outbox has nothing pending.
func checkExactlyOnce(t *testing.T, bus *events.Bus, out *memOutbox, recs []events.OutboxRecord) {
	t.Helper()
	waitStreamMsgs(t, bus, uint64(len(recs)))
	testwait.Until(t, waitTimeout, "outbox drained", func() (bool, error) { return out.pending() == 0, nil })
	got := streamIDs(t, bus, events.StreamSubjects, len(recs))
	slices.Sort(got)
	want := recordIDs(recs)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stream ids (-want +got):\n%s", diff)
	}
	if n, err := streamMsgs(t, bus); err != nil || n != uint64(len(recs)) {
		t.Errorf("stream messages = %d (%v), want %d", n, err, len(recs))
	}
}

func TestRelayDrainsEverythingOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	out := &memOutbox{}
	recs := newRecords(t, 250, tenantA, tenantB)
	out.add(recs[:120]...)
	m := newCountingMetrics()
	r := runRelay(t, events.RelayConfig{Outbox: out, Publisher: e.bus, Batch: 50, Poll: time.Hour, Metrics: m})
	waitStreamMsgs(t, e.bus, 120)
	out.add(recs[120:]...)
	r.Wake() // the poll is an hour: only Wake can start this drain
	r.Wake()
	checkExactlyOnce(t, e.bus, out, recs)
	if published, failures := m.counts(); published != len(recs) || failures != 0 {
		t.Errorf("metrics published=%d failures=%d, want %d and 0", published, failures, len(recs))
	}
}

func TestRelaysShareAnOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	out := &memOutbox{}
	recs := newRecords(t, 300, tenantA)
	out.add(recs...)
	m := newCountingMetrics()
	for range 3 {
		runRelay(t, events.RelayConfig{Outbox: out, Publisher: e.bus, Batch: 20, Poll: 10 * time.Millisecond, Metrics: m})
	}
	checkExactlyOnce(t, e.bus, out, recs)
	if published, _ := m.counts(); published != len(recs) {
		t.Errorf("records marked = %d, want %d (each once)", published, len(recs))
	}
}

// countingPublisher counts the messages it publishes.
type countingPublisher struct {
	events.Publisher
	mu   sync.Mutex
	sent map[string]int
}

func (p *countingPublisher) PublishAll(ctx context.Context, msgs []events.Message) (int, error) {
	p.mu.Lock()
	for _, m := range msgs {
		p.sent[m.ID]++
	}
	p.mu.Unlock()
	return p.Publisher.PublishAll(ctx, msgs)
}

// TestRelayCrashBetweenAckAndMark publishes, then fails to mark (a crash or
// failed commit after the PubAck): the records are published again and the
// stream still holds one copy of each, thanks to Nats-Msg-Id.
func TestRelayCrashBetweenAckAndMark(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	out := &memOutbox{failMark: 2}
	recs := newRecords(t, 30, tenantA)
	out.add(recs...)
	pub := &countingPublisher{Publisher: e.bus, sent: map[string]int{}}
	m := newCountingMetrics()
	runRelay(t, events.RelayConfig{Outbox: out, Publisher: pub, Batch: 10, Poll: 10 * time.Millisecond, RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond, Metrics: m})
	checkExactlyOnce(t, e.bus, out, recs)
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if got := pub.sent[recs[0].ID]; got != 3 {
		t.Errorf("first record published %d times, want 3 (two failed marks)", got)
	}
	if _, failures := m.counts(); failures != 2 {
		t.Errorf("failures = %d, want 2", failures)
	}
}

// TestRelaySurvivesServerRestart shuts NATS down under the relay, adds
// records, and restarts it on the same store: publishing fails meanwhile,
// Run keeps going, and afterwards every record is in the stream once.
func TestRelaySurvivesServerRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{PublishTimeout: 200 * time.Millisecond})
	out := &memOutbox{}
	recs := newRecords(t, 200, tenantA, tenantB)
	out.add(recs[:100]...)
	m := newCountingMetrics()
	r := runRelay(t, events.RelayConfig{Outbox: out, Publisher: e.bus, Batch: 25, Poll: 20 * time.Millisecond, RetryMin: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond, Metrics: m})
	waitStreamMsgs(t, e.bus, 100)

	e.srv.Shutdown()
	out.add(recs[100:]...)
	r.Wake()
	select {
	case <-m.failed:
	case <-time.After(waitTimeout):
		t.Fatal("no publish failure while the server is down")
	}
	if got := out.pending(); got == 0 {
		t.Error("outbox drained while the server is down")
	}
	if err := e.srv.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	checkExactlyOnce(t, e.bus, out, recs)
}

func TestNewRelayRejectsConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  events.RelayConfig
	}{
		{"no outbox", events.RelayConfig{Publisher: &countingPublisher{}}},
		{"no publisher", events.RelayConfig{Outbox: &memOutbox{}}},
		{"negative batch", events.RelayConfig{Outbox: &memOutbox{}, Publisher: &countingPublisher{}, Batch: -1}},
	}
	for _, tt := range tests {
		if _, err := events.NewRelay(tt.cfg); !errors.Is(err, events.ErrConfig) {
			t.Errorf("%s: NewRelay error = %v, want ErrConfig", tt.name, err)
		}
	}
}

func TestRelayPrunes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	out := &memOutbox{}
	recs := newRecords(t, 5, tenantA)
	out.add(recs...)
	// PruneAfter 1ns: everything published is prunable at the next prune,
	// which runs every poll (PruneEvery 1ns).
	runRelay(t, events.RelayConfig{Outbox: out, Publisher: e.bus, Poll: 5 * time.Millisecond, PruneAfter: time.Nanosecond, PruneEvery: time.Nanosecond})
	testwait.Until(t, waitTimeout, "outbox pruned", func() (bool, error) {
		out.mu.Lock()
		defer out.mu.Unlock()
		return len(out.recs) == 0, nil
	})
	waitStreamMsgs(t, e.bus, 5)
}

// TestRelayResumesWhenNATSReturns: a relay waiting out a long retry backoff
// after NATS went away drains as soon as the connection is back (Resume
// from the reconnect handler, as `cadre serve` wires it), not at the end of
// the backoff, and loses nothing committed meanwhile.
func TestRelayResumesWhenNATSReturns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{PublishTimeout: 200 * time.Millisecond})
	out := &memOutbox{}
	recs := newRecords(t, 60, tenantA, tenantB)
	out.add(recs[:20]...)
	m := newCountingMetrics()
	// A backoff far beyond the test's wait: only Resume can end it in time.
	r := runRelay(t, events.RelayConfig{Outbox: out, Publisher: e.bus, Batch: 25, Poll: time.Hour, RetryMin: time.Hour, RetryMax: time.Hour, Metrics: m})
	e.nc.SetReconnectHandler(func(*nats.Conn) { r.Resume() })
	r.Wake()
	waitStreamMsgs(t, e.bus, 20)

	e.srv.Shutdown()
	out.add(recs[20:40]...)
	r.Wake()
	select {
	case <-m.failed:
	case <-time.After(waitTimeout):
		t.Fatal("no publish failure while the server is down")
	}
	out.add(recs[40:]...)
	r.Wake() // a commit during the backoff: no retry yet
	if err := e.srv.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	checkExactlyOnce(t, e.bus, out, recs)
}
