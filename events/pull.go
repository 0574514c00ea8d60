package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/internal/backoff"
)

// retryMin and retryMax bound the waits between failed attempts to reach
// the server (NATS down), when creating a consumer as when pulling.
const (
	retryMin = 100 * time.Millisecond
	retryMax = 5 * time.Second
)

// minPullExpiry is the shortest pull request the library accepts
// (jetstream.PullExpiry refuses less than a second); a shorter FetchWait
// still bounds each attempt to create the consumer.
const minPullExpiry = time.Second

// handBackWait bounds the drain of a stopping consumer's buffer. Draining
// takes one round trip to the server; when the server cannot be reached in
// that time the deliveries cannot be naked either, and come back after
// AckWait.
const handBackWait = 2 * time.Second

// puller dispatches the deliveries of one Consume to its handler.
type puller struct {
	bus    *Bus
	log    *slog.Logger
	cfg    ConsumerConfig
	h      Handler
	budget *poisonBudget
	// slots bounds the handlers in flight to cfg.Concurrency: a slot is
	// taken before the next delivery is asked of the iterator and given
	// back when its handler returns, so that deliveries no handler can
	// take stay in the iterator's buffer, to be handed back on stop.
	slots chan struct{}
	// wg counts the handlers in flight.
	wg sync.WaitGroup
}

// pull dispatches the deliveries of one continuous pull of cons until ctx
// is cancelled, when it returns nil, or until the pull fails for good, when
// it returns why. Either way it hands back what was received and not
// dispatched. A delivery received resets retry: the server is reachable.
func (p *puller) pull(ctx context.Context, cons jetstream.Consumer, retry *backoff.Exponential) error {
	it, err := cons.Messages(jetstream.PullMaxMessages(p.cfg.Batch),
		jetstream.PullExpiry(max(p.cfg.FetchWait, minPullExpiry)))
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	defer p.handBack(ctx, it)
	for {
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		m, err := it.Next(jetstream.NextContext(ctx))
		switch {
		case ctx.Err() != nil:
			<-p.slots
			if err == nil {
				p.nak(ctx, m) // too late to dispatch: handed back with the rest
			}
			return nil
		case errors.Is(err, jetstream.ErrNoHeartbeat):
			// Not fatal: the iterator re-issues its pull request by itself
			// once the server answers again.
			<-p.slots
			p.log.WarnContext(ctx, "pull missed heartbeats", "err", err)
			continue
		case err != nil:
			<-p.slots
			return fmt.Errorf("pull: %w", err)
		}
		retry.Reset()
		p.wg.Go(func() {
			defer func() { <-p.slots }()
			p.bus.handle(ctx, p.log, p.cfg, p.budget, m, p.h)
		})
	}
}

// handBack drains it: the deliveries the server sent and no handler took
// are naked at once, so that another replica gets them now rather than
// after AckWait (up to MaxAckWait). Drain, unlike
// Stop, keeps the deliveries already buffered or on their way for Next.
func (p *puller) handBack(ctx context.Context, it jetstream.MessagesContext) {
	it.Drain()
	defer it.Stop()
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handBackWait)
	defer cancel()
	for {
		m, err := it.Next(jetstream.NextContext(dctx))
		switch {
		case err == nil:
			p.nak(ctx, m)
		case errors.Is(err, jetstream.ErrNoHeartbeat):
			// The drained subscription gets no more heartbeats; its buffer
			// is still there.
		default:
			return // drained, or handBackWait passed
		}
	}
}

// nak hands an undispatched delivery back to the server for redelivery now.
func (p *puller) nak(ctx context.Context, m jetstream.Msg) {
	if err := m.Nak(); err != nil {
		p.log.WarnContext(ctx, "nak of an undispatched message failed", "err", err)
	}
}
