package events_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
)

// signalHandler is a slog.Handler that sends the message of every record
// at or above Warn on a channel (without blocking).
type signalHandler struct{ msgs chan string }

func (h signalHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h signalHandler) Handle(_ context.Context, r slog.Record) error {
	select {
	case h.msgs <- r.Message:
	default:
	}
	return nil
}
func (h signalHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h signalHandler) WithGroup(string) slog.Handler      { return h }

// TestConsumeStartsWhileNATSIsDown: a consumer started while the server is
// down, for longer than one attempt to create it, keeps trying (a worker
// starting during a NATS outage) and consumes once the server is back,
// instead of returning and leaving the worker dead.
func TestConsumeStartsWhileNATSIsDown(t *testing.T) {
	t.Parallel()
	warnings := make(chan string, 16)
	e := newEnv(t, events.StreamConfig{Logger: slog.New(signalHandler{warnings})})
	e.srv.Shutdown()
	got := make(chan string, 4)
	_, done, runErr := consume(t, e.bus, events.ConsumerConfig{Durable: "late", FetchWait: 100 * time.Millisecond},
		func(_ context.Context, d *events.Delivery) error {
			got <- d.Event.Resource
			return nil
		})
	select {
	case msg := <-warnings:
		if msg != "create consumer failed" {
			t.Fatalf("first warning %q, want a failed consumer creation", msg)
		}
	case <-done:
		t.Fatalf("Consume returned %v while the server is down, want it to keep trying", *runErr)
	case <-time.After(waitTimeout):
		t.Fatal("no failed attempt to create the consumer while the server is down")
	}
	if err := e.srv.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	publishN(t, e.bus, 1)
	select {
	case r := <-got:
		if r != "doc-0" {
			t.Errorf("delivery %q, want doc-0", r)
		}
	case <-done:
		t.Fatalf("Consume returned %v, want it to consume", *runErr)
	case <-time.After(waitTimeout):
		t.Fatal("no delivery after the server came back")
	}
}
