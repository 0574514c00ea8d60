package workers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// fast is a consumer configuration that redelivers at once and gives up
// after maxDeliver deliveries.
func fast(maxDeliver int) events.ConsumerConfig {
	return events.ConsumerConfig{MaxDeliver: maxDeliver, BackOff: []time.Duration{time.Millisecond}, FetchWait: 100 * time.Millisecond}
}

var errTransient = errors.New("transient failure")

// TestRunnerRetriesThenAppliesOnce: a handler that writes its effect and
// then fails twice, then succeeds, leaves its effect once: the failed
// attempts rolled back with their processed-event marks.
func TestRunnerRetriesThenAppliesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		c := newCalls()
		r.run(t, workers.Worker{Name: "flaky", Types: []events.Type{events.TypeDocumentUploaded}, Options: fast(5),
			Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
				if err := applyEffect(tx, ev); err != nil {
					return err
				}
				if c.add(ev.Resource) <= 2 {
					return errTransient // after the effect: the rollback must undo it
				}
				return nil
			}})
		ev := r.publish(t, r.a, "flaky")
		r.waitSettled(t, "flaky")

		if got := c.get("flaky"); got != 3 {
			t.Errorf("handler calls = %d, want 3", got)
		}
		if diff := cmp.Diff(map[string]int{"flaky": 1}, r.effects(t, r.a)); diff != "" {
			t.Errorf("effects in A (-want +got):\n%s", diff)
		}
		if got := r.effects(t, r.b); len(got) != 0 {
			t.Errorf("effects in B = %v, want none (cross-tenant)", got)
		}
		err := db.Store.InTenant(t.Context(), r.a, func(tx *store.Tx) error {
			ok, err := tx.Processed("flaky", ev.ID)
			if err == nil && !ok {
				t.Errorf("event %s not marked processed", ev.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.deadLetters(t, r.a); len(got) != 0 {
			t.Errorf("dead letters = %v, want none", got)
		}
		for _, m := range []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"cadre_worker_redeliveries_total", map[string]string{"worker": "flaky"}, 2},
			{"cadre_worker_events_total", map[string]string{"worker": "flaky", "outcome": "error"}, 2},
			{"cadre_worker_events_total", map[string]string{"worker": "flaky", "outcome": "ok"}, 1},
		} {
			if got := metric(t, r.reg, m.name, m.labels); got != m.want {
				t.Errorf("%s%v = %v, want %v", m.name, m.labels, got, m.want)
			}
		}
	})
}

// TestRunnerAppliesADuplicateOnce: the same event stored twice in the stream
// (under another Nats-Msg-Id, so deduplication lets it through), handled
// by two handlers at once, and then delivered again to a reset consumer,
// is applied once.
func TestRunnerAppliesADuplicateOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		c := newCalls()
		opts := fast(3)
		opts.Concurrency = 2
		w := workers.Worker{Name: "dup", Types: []events.Type{events.TypeDocumentUploaded}, Options: opts,
			Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
				c.add(ev.Resource)
				return applyEffect(tx, ev)
			}}
		ev := event(t, r.a, "twice")
		data, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, msgID := range []string{ev.ID, ev.ID + "-again"} {
			if _, err := r.bus.Publish(t.Context(), ev.Subject(), msgID, data); err != nil {
				t.Fatalf("Publish %s: %v", msgID, err)
			}
		}
		if info, err := r.bus.StreamInfo(t.Context()); err != nil || info.State.Msgs != 2 {
			t.Fatalf("stream holds %v messages (%v), want 2 copies of the event", info.State.Msgs, err)
		}
		stop := r.run(t, w)
		r.waitSettled(t, "dup")
		stop()

		// A consumer reset (deleted and created again) redelivers both copies.
		for _, durable := range events.PartitionDurables("dup", r.bus.Partitions()) {
			if err := r.bus.JetStream().DeleteConsumer(t.Context(), r.bus.StreamName(), durable); err != nil {
				t.Fatalf("DeleteConsumer: %v", err)
			}
		}
		r.run(t, w)
		r.waitSettled(t, "dup")

		if diff := cmp.Diff(map[string]int{"twice": 1}, r.effects(t, r.a)); diff != "" {
			t.Errorf("effects (-want +got):\n%s", diff)
		}
		if got := c.get("twice"); got != 1 {
			t.Errorf("handler calls = %d, want 1 (duplicates are skipped before the handler)", got)
		}
		if got := metric(t, r.reg, "cadre_worker_events_total", map[string]string{"worker": "dup", "outcome": "duplicate"}); got != 3 {
			t.Errorf("duplicates = %v, want 3 (one copy, then both copies again)", got)
		}
		if got := r.effects(t, r.b); len(got) != 0 {
			t.Errorf("effects in B = %v, want none (cross-tenant)", got)
		}
	})
}

// TestRunnerParksPoisonEvents: an event that always fails is parked after
// MaxDeliver deliveries, one that fails with ErrPermanent at once; neither
// leaves an effect, both are visible as dead letters of their tenant only,
// and the events after them, and after they are parked, still flow.
func TestRunnerParksPoisonEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		c := newCalls()
		const maxDeliver = 3
		r.run(t, workers.Worker{Name: "poison", Types: []events.Type{events.TypeDocumentUploaded}, Options: fast(maxDeliver),
			Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
				c.add(ev.Resource)
				if err := applyEffect(tx, ev); err != nil {
					return err
				}
				switch ev.Resource {
				case "poison":
					return errors.New("cannot apply poison")
				case "permanent":
					return fmt.Errorf("bad payload: %w", workers.ErrPermanent)
				}
				return nil
			}})
		poison := r.publish(t, r.a, "poison")
		permanent := r.publish(t, r.a, "permanent")
		for i := range 3 {
			r.publish(t, r.a, fmt.Sprintf("ok-%d", i))
		}
		r.publish(t, r.b, "ok-b")
		r.waitSettled(t, "poison")
		r.publish(t, r.a, "ok-late") // after both are parked
		r.waitSettled(t, "poison")

		if diff := cmp.Diff(map[string]int{"ok-0": 1, "ok-1": 1, "ok-2": 1, "ok-late": 1}, r.effects(t, r.a)); diff != "" {
			t.Errorf("effects in A (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]int{"ok-b": 1}, r.effects(t, r.b)); diff != "" {
			t.Errorf("effects in B (-want +got):\n%s", diff)
		}
		if got, want := c.get("poison"), maxDeliver; got != want {
			t.Errorf("poison handled %d times, want %d", got, want)
		}
		if got := c.get("permanent"); got != 1 {
			t.Errorf("permanent failure handled %d times, want 1", got)
		}
		type parked struct {
			Consumer, EventID, EventType string
			Deliveries                   int
			Replayed                     bool
		}
		var got []parked
		for _, d := range r.deadLetters(t, r.a) {
			got = append(got, parked{d.Consumer, d.EventID, d.EventType, d.Deliveries, d.ReplayedAt != nil})
			ev, err := events.Parse(d.Payload)
			if err != nil || ev.ID != d.EventID {
				t.Errorf("dead letter payload: event %q (%v), want %s", ev.ID, err, d.EventID)
			}
			if !strings.HasPrefix(d.Subject, ev.Subject()+".") || !strings.Contains(d.Error, "poison") && !strings.Contains(d.Error, "bad payload") {
				t.Errorf("dead letter %s: subject %q, error %q", d.EventID, d.Subject, d.Error)
			}
		}
		// Parking order depends on timing: compare them most deliveries first.
		slices.SortFunc(got, func(x, y parked) int { return y.Deliveries - x.Deliveries })
		want := []parked{
			{"poison", poison.ID, string(events.TypeDocumentUploaded), maxDeliver, false},
			{"poison", permanent.ID, string(events.TypeDocumentUploaded), 1, false},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("dead letters of A (-want +got):\n%s", diff)
		}
		if got := r.deadLetters(t, r.b); len(got) != 0 {
			t.Errorf("dead letters of B = %v, want none (cross-tenant)", got)
		}
		if got := metric(t, r.reg, "cadre_worker_dead_letters_total", map[string]string{"worker": "poison"}); got != 2 {
			t.Errorf("dead letter metric = %v, want 2", got)
		}
	})
}

// TestRunnerSkipsEventsOfDeletedTenants: an event of a tenant that no longer
// exists is acknowledged without calling the handler, writing or parking.
func TestRunnerSkipsEventsOfDeletedTenants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		c := newCalls()
		r.run(t, workers.Worker{Name: "gone", Types: []events.Type{events.TypeDocumentUploaded}, Options: fast(3),
			Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
				c.add(ev.Resource)
				return applyEffect(tx, ev)
			}})
		r.publish(t, tenants.NewID(), "orphan")
		r.publish(t, r.a, "live")
		r.waitSettled(t, "gone")
		if got := c.get("orphan"); got != 0 {
			t.Errorf("handler called %d times for a missing tenant, want 0", got)
		}
		if diff := cmp.Diff(map[string]int{"live": 1}, r.effects(t, r.a)); diff != "" {
			t.Errorf("effects (-want +got):\n%s", diff)
		}
		if got := metric(t, r.reg, "cadre_worker_events_total", map[string]string{"worker": "gone", "outcome": "tenant_gone"}); got != 1 {
			t.Errorf("tenant_gone = %v, want 1", got)
		}
	})
}
