package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// handle runs h on one message and settles what it left unsettled.
func (b *Bus) handle(ctx context.Context, log *slog.Logger, cfg ConsumerConfig, budget *poisonBudget, m jetstream.Msg, h Handler) {
	d := &Delivery{Subject: m.Subject(), MaxDeliver: cfg.MaxDeliver, msg: m}
	if md, err := m.Metadata(); err == nil {
		d.Seq, d.NumDelivered = md.Sequence.Stream, md.NumDelivered
	}
	d.Failures = budget.spent(d.Seq)
	log = log.With("seq", d.Seq, "delivery", d.NumDelivered)
	e, err := Parse(m.Data())
	if err != nil {
		if cfg.OnInvalid != nil {
			if perr := cfg.OnInvalid(ctx, d, err); perr != nil {
				// Not parked, so not termed either: it comes back and is
				// parked once the store takes it.
				delay := cfg.backOff(d.NumDelivered)
				log.ErrorContext(ctx, "invalid event not parked; it will be delivered again", "err", err, "park_err", perr, "redeliver_in", delay)
				if err := d.Nak(delay); err != nil {
					log.WarnContext(ctx, "nak failed", "err", err)
				}
				return
			}
		}
		log.ErrorContext(ctx, "invalid event terminated", "err", err)
		if err := d.Term("invalid event"); err != nil {
			log.WarnContext(ctx, "term failed", "err", err)
		}
		return
	}
	d.Event = e
	log = log.With("event_id", e.ID, "tenant_id", e.TenantID, "type", string(e.Type))

	stop := keepInProgress(d, cfg.AckWait)
	err = runHandler(ctx, h, d)
	stop()

	transient := errors.Is(err, ErrTransient)
	if err != nil && !transient {
		budget.spend(d.Seq)
	}
	switch {
	case d.Settled():
		if !transient {
			budget.forget(d.Seq) // acked, termed or parked by the handler
		}
		return
	case err == nil:
		budget.forget(d.Seq)
		err = d.Ack()
	case !transient && d.LastAttempt():
		budget.forget(d.Seq)
		log.ErrorContext(ctx, "handler failed on last delivery", "err", err)
		reason := "max deliver reached: " + err.Error()
		if len(reason) > maxTermReason {
			reason = reason[:maxTermReason] // panics carry their stack
		}
		err = d.Term(reason)
	default:
		delay := cfg.backOff(d.NumDelivered)
		if ctx.Err() != nil {
			delay = 0 // shutting down: let another replica take it now
		}
		log.WarnContext(ctx, "handler failed", "err", err, "transient", transient, "redeliver_in", delay)
		err = d.Nak(delay)
	}
	if err != nil {
		log.WarnContext(ctx, "settle failed", "err", err)
	}
}

// runHandler calls h, turning a panic into an error.
func runHandler(ctx context.Context, h Handler, d *Delivery) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panic: %v\n%s", r, debug.Stack())
		}
	}()
	return h(ctx, d)
}

// keepInProgress resets the ack timer of d every ackWait/2 until the
// returned stop is called; stop waits for its goroutine.
func keepInProgress(d *Delivery, ackWait time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(max(ackWait/2, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = d.InProgress() // best effort; the ack timer then redelivers
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// waitFor waits d or until ctx is done; it reports whether ctx is still live.
func waitFor(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
