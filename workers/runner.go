// Package workers holds Cadre's event consumers (the library builder for
// now) and the runner they share: durable pull consumers, effects and the
// processed-event mark in one tenant-scoped transaction, bounded redelivery
// with backoff, and poison events parked as dead letters.
package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// Handler applies one event inside the tenant's transaction. The runner has
// already recorded the event as processed in that transaction, so the
// effects and the mark commit or roll back together.
type Handler func(ctx context.Context, tx *store.Tx, ev events.Event) error

// ErrPermanent marks an error that no redelivery can fix: the event is
// parked at once.
var ErrPermanent = errors.New("workers: permanent failure")

// Worker is one consumer: a durable name, the event types it reads and its
// handler.
type Worker struct {
	Name    string
	Types   []events.Type
	Handle  Handler
	Options events.ConsumerConfig // Durable, FilterSubjects, MaxAckPending, Batch and Concurrency are set by the runner
}

// Runner runs workers against the bus and the store.
type Runner struct {
	bus   *events.Bus
	store *store.Store
	log   *slog.Logger
	m     *runnerMetrics
}

// NewRunner returns a runner. reg may be nil.
func NewRunner(bus *events.Bus, st *store.Store, log *slog.Logger, reg prometheus.Registerer) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{bus: bus, store: st, log: log, m: newRunnerMetrics(reg)}
}

// Run consumes for every worker until ctx is cancelled, then waits for them.
func (r *Runner) Run(ctx context.Context, ws ...Worker) error {
	var wg sync.WaitGroup
	errs := make([]error, len(ws))
	for i, w := range ws {
		r.m.seed(w.Name)
		wg.Go(func() { errs[i] = r.run(ctx, w) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// run consumes w's events partition by partition (events.ConsumePartitions,
// durables "{w.Name}-{p}"): each tenant's events are applied in stream
// order, and the partitions concurrently, shared with every other process
// running w.
func (r *Runner) run(ctx context.Context, w Worker) error {
	cfg := w.Options
	cfg.Durable = w.Name
	cfg.OnInvalid = func(ctx context.Context, d *events.Delivery, err error) error {
		return r.parkInvalid(ctx, w, d, err)
	}
	return r.bus.ConsumePartitions(ctx, cfg, w.Types, func(ctx context.Context, d *events.Delivery) error {
		return r.deliver(ctx, w, d)
	})
}

// deliver applies one delivery; see Handler. A delivery that fails because
// the database is unavailable is retried until it is back, without limit. A
// delivery that fails on its last attempt, or permanently, is parked and
// then terminated, so that later events keep flowing; one that cannot be
// parked is retried instead, never dropped.
func (r *Runner) deliver(ctx context.Context, w Worker, d *events.Delivery) error {
	ev := d.Event
	if d.NumDelivered > 1 {
		r.m.redeliveries.WithLabelValues(w.Name).Inc()
	}
	err := r.store.InTenant(ctx, ev.Tenant(), func(tx *store.Tx) error {
		if err := tx.ShareLockTenant(); err != nil {
			return err
		}
		if err := tx.MarkProcessed(w.Name, ev.ID); err != nil {
			return err
		}
		return w.Handle(ctx, tx, ev)
	})
	switch {
	case err == nil:
		r.m.handled.WithLabelValues(w.Name, "ok").Inc()
		return nil
	case errors.Is(err, store.ErrAlreadyProcessed):
		r.m.handled.WithLabelValues(w.Name, "duplicate").Inc()
		return nil
	case errors.Is(err, store.ErrNotFound) && ev.Type != events.TypeTenantDeleted:
		// The tenant is gone: nothing of it may be written any more.
		r.m.handled.WithLabelValues(w.Name, "tenant_gone").Inc()
		return nil
	}
	if errors.Is(err, store.ErrUnavailable) && !errors.Is(err, ErrPermanent) {
		// The database, not the event: retried with backoff for as long as
		// the outage lasts, without spending the poison budget.
		r.m.handled.WithLabelValues(w.Name, "unavailable").Inc()
		return events.Transient(err)
	}
	r.m.handled.WithLabelValues(w.Name, "error").Inc()
	log := r.log.With("consumer", w.Name, "event_id", ev.ID, "tenant_id", ev.TenantID, "type", string(ev.Type), "delivery", d.NumDelivered)
	if !errors.Is(err, ErrPermanent) && !d.LastAttempt() {
		return err // Consume naks it with backoff and counts it toward parking
	}
	payload, _ := json.Marshal(ev)
	perr := r.store.InTenant(ctx, ev.Tenant(), func(tx *store.Tx) error {
		return tx.Park(store.DeadLetter{Consumer: w.Name, EventID: ev.ID, EventType: string(ev.Type), Subject: d.Subject,
			Payload: payload, Error: err.Error(), Deliveries: int(d.NumDelivered)})
	})
	if perr != nil {
		// Not parked, so neither acked nor termed: the event comes back,
		// fails (or succeeds) again, and is parked once the store takes it.
		log.ErrorContext(ctx, "park failed; the event will be delivered again", "err", perr, "handler_err", err)
		return events.Transient(fmt.Errorf("park: %w (handler: %v)", perr, err))
	}
	r.m.deadLetters.WithLabelValues(w.Name).Inc()
	log.ErrorContext(ctx, "event parked", "err", err)
	return d.Term("parked: " + err.Error())
}
