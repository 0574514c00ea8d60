package events_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/google/go-cmp/cmp"
)

// seen is what a test handler reports of one delivery.
type seen struct {
	Resource string
	Num      uint64
	Last     bool
}

// consume runs Consume in the background until the test ends; done is
// closed when Consume has returned, and *err is then what it returned.
func consume(t *testing.T, bus *events.Bus, cfg events.ConsumerConfig, h events.Handler) (cancel func(), done <-chan struct{}, err *error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan struct{})
	var runErr error
	go func() {
		defer close(ch)
		runErr = bus.Consume(ctx, cfg, h)
	}()
	t.Cleanup(func() {
		cancel()
		<-ch
	})
	return cancel, ch, &runErr
}

// waitSettled waits until the consumer has nothing pending or unacked.
func waitSettled(t *testing.T, bus *events.Bus, durable string) {
	t.Helper()
	testwait.Until(t, waitTimeout, "consumer "+durable+" settled", func() (bool, error) {
		c, err := bus.JetStream().Consumer(context.Background(), bus.StreamName(), durable)
		if err != nil {
			return false, err
		}
		info, err := c.Info(context.Background())
		if err != nil {
			return false, err
		}
		return info.NumPending == 0 && info.NumAckPending == 0, fmt.Errorf("pending %d, ack pending %d", info.NumPending, info.NumAckPending)
	})
}

func publishN(t *testing.T, bus *events.Bus, n int) {
	t.Helper()
	for i := range n {
		if _, err := bus.PublishEvent(t.Context(), newEvent(t, tenantA, i)); err != nil {
			t.Fatalf("PublishEvent: %v", err)
		}
	}
}

func receive(t *testing.T, ch <-chan seen, n int) []seen {
	t.Helper()
	var got []seen
	timeout := time.After(waitTimeout)
	for len(got) < n {
		select {
		case s := <-ch:
			got = append(got, s)
		case <-timeout:
			t.Fatalf("got %d deliveries %v, want %d", len(got), got, n)
		}
	}
	return got
}

func TestConsume(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")
	tests := []struct {
		name       string
		maxDeliver int
		// handle returns the handler's outcome for a delivery.
		handle func(d *events.Delivery) error
		want   []seen
	}{
		{
			name:   "ack",
			handle: func(*events.Delivery) error { return nil },
			want:   []seen{{"doc-0", 1, false}},
		},
		{
			name: "explicit ack",
			handle: func(d *events.Delivery) error {
				if err := d.Ack(); err != nil {
					return err
				}
				return errBoom // ignored: already settled
			},
			want: []seen{{"doc-0", 1, false}},
		},
		{
			name: "error naks and redelivers",
			handle: func(d *events.Delivery) error {
				if d.NumDelivered == 1 {
					return errBoom
				}
				return nil
			},
			want: []seen{{"doc-0", 1, false}, {"doc-0", 2, false}},
		},
		{
			name: "explicit nak",
			handle: func(d *events.Delivery) error {
				if d.NumDelivered < 3 {
					return d.Nak(time.Millisecond)
				}
				return nil
			},
			want: []seen{{"doc-0", 1, false}, {"doc-0", 2, false}, {"doc-0", 3, false}},
		},
		{
			name: "panic is recovered and naked",
			handle: func(d *events.Delivery) error {
				if d.NumDelivered == 1 {
					panic("handler bug")
				}
				return nil
			},
			want: []seen{{"doc-0", 1, false}, {"doc-0", 2, false}},
		},
		{
			name:       "max deliver reached",
			maxDeliver: 3,
			handle:     func(*events.Delivery) error { return errBoom },
			want:       []seen{{"doc-0", 1, false}, {"doc-0", 2, false}, {"doc-0", 3, true}},
		},
		{
			name:       "transient failures spend no budget",
			maxDeliver: 2,
			handle: func(d *events.Delivery) error {
				if d.NumDelivered <= 4 {
					return events.Transient(errBoom)
				}
				return nil
			},
			want: []seen{{"doc-0", 1, false}, {"doc-0", 2, false}, {"doc-0", 3, false}, {"doc-0", 4, false}, {"doc-0", 5, false}},
		},
		{
			name:       "poison after transient failures",
			maxDeliver: 2,
			handle: func(d *events.Delivery) error {
				if d.NumDelivered <= 3 {
					return events.Transient(errBoom)
				}
				return errBoom
			},
			want: []seen{{"doc-0", 1, false}, {"doc-0", 2, false}, {"doc-0", 3, false}, {"doc-0", 4, false}, {"doc-0", 5, true}},
		},
		{
			name:   "term",
			handle: func(d *events.Delivery) error { return d.Term("poison") },
			want:   []seen{{"doc-0", 1, false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, events.StreamConfig{})
			publishN(t, e.bus, 1)
			ch := make(chan seen, 16)
			cfg := events.ConsumerConfig{
				Durable:    "test",
				MaxDeliver: tt.maxDeliver,
				BackOff:    []time.Duration{time.Millisecond},
				FetchWait:  100 * time.Millisecond,
			}
			consume(t, e.bus, cfg, func(_ context.Context, d *events.Delivery) error {
				ch <- seen{d.Event.Resource, d.NumDelivered, d.LastAttempt()}
				return tt.handle(d)
			})
			got := receive(t, ch, len(tt.want))
			waitSettled(t, e.bus, "test")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("deliveries (-want +got):\n%s", diff)
			}
			select {
			case s := <-ch:
				t.Errorf("extra delivery %v after the consumer settled", s)
			default:
			}
		})
	}
}

func TestConsumeOrderAndStop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	publishN(t, e.bus, 20)
	ch := make(chan seen, 32)
	release := make(chan struct{})
	cancel, done, runErr := consume(t, e.bus, events.ConsumerConfig{Durable: "order", Batch: 7, FilterSubjects: []string{events.TypeFilter(events.TypeDocumentUploaded)}},
		func(_ context.Context, d *events.Delivery) error {
			ch <- seen{d.Event.Resource, d.NumDelivered, false}
			if d.Event.Resource == "doc-19" {
				<-release // in flight when the context is cancelled
			}
			return nil
		})
	got := receive(t, ch, 20)
	for i, s := range got {
		if want := fmt.Sprintf("doc-%d", i); s.Resource != want {
			t.Fatalf("delivery %d = %s, want %s", i, s.Resource, want)
		}
	}
	cancel()
	select {
	case <-done:
		t.Fatalf("Consume returned %v with a handler in flight", *runErr)
	default:
	}
	close(release)
	select {
	case <-done:
		if *runErr != nil {
			t.Errorf("Consume returned %v, want nil", *runErr)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Consume did not return after cancel")
	}
}

func TestConsumeInvalidEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	if _, err := e.bus.Publish(t.Context(), "cadre.x.document.uploaded", "bad-1", []byte(`{"not":"an event"}`)); err != nil {
		t.Fatal(err)
	}
	invalid := make(chan uint64, 1)
	consume(t, e.bus, events.ConsumerConfig{
		Durable:   "invalid",
		OnInvalid: func(_ context.Context, d *events.Delivery, _ error) error { invalid <- d.Seq; return nil },
	}, func(context.Context, *events.Delivery) error {
		t.Error("handler called with an invalid event")
		return nil
	})
	select {
	case seq := <-invalid:
		if seq != 1 {
			t.Errorf("invalid seq = %d, want 1", seq)
		}
	case <-time.After(waitTimeout):
		t.Fatal("OnInvalid not called")
	}
	waitSettled(t, e.bus, "invalid")
}

func TestConsumeRejectsConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	err := e.bus.Consume(t.Context(), events.ConsumerConfig{}, func(context.Context, *events.Delivery) error { return nil })
	if !errors.Is(err, events.ErrConfig) {
		t.Errorf("Consume without durable = %v, want ErrConfig", err)
	}
}

// TestConsumeShutdownHandsBackFetchedMessages: messages fetched but not yet
// dispatched when a consumer stops go to the next consumer of the durable
// at once, not after AckWait (MaxAckWait here, longer than the waits of
// this test).
func TestConsumeShutdownHandsBackFetchedMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	publishN(t, e.bus, 6)
	cfg := events.ConsumerConfig{Durable: "handback", Batch: 6, Concurrency: 1, AckWait: events.MaxAckWait,
		FilterSubjects: []string{events.TypeFilter(events.TypeDocumentUploaded)}}
	started := make(chan string, 6)
	cancel, done, _ := consume(t, e.bus, cfg, func(ctx context.Context, d *events.Delivery) error {
		started <- d.Event.Resource
		<-ctx.Done() // holds the only slot: the rest of the batch waits undispatched
		return ctx.Err()
	})
	if got := <-started; got != "doc-0" {
		t.Fatalf("first delivery %s, want doc-0", got)
	}
	cancel()
	<-done

	ch := make(chan seen, 16)
	consume(t, e.bus, cfg, func(_ context.Context, d *events.Delivery) error {
		ch <- seen{Resource: d.Event.Resource}
		return nil
	})
	got := map[string]bool{}
	for _, s := range receive(t, ch, 6) {
		got[s.Resource] = true
	}
	if len(got) != 6 {
		t.Errorf("second consumer got %v, want doc-0 … doc-5", got)
	}
	waitSettled(t, e.bus, "handback")
}
