package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/internal/backoff"
)

// Defaults of ConsumerConfig.
const (
	// DefaultAckWait is how long the server waits for an ack before
	// redelivering.
	DefaultAckWait = MaxAckWait
	// MaxAckWait bounds every consumer's AckWait: the deliveries a crashed
	// worker had fetched come back to another replica within it, and a
	// partition (ConsumePartitions), which waits for the event its dead
	// worker held, goes on in another process within it. A longer one buys
	// nothing, since Consume resets the ack timer (InProgress) every
	// AckWait/2 while a handler runs, so even a tenant-wide rebuild of many
	// minutes is not redelivered while its worker lives.
	MaxAckWait = 8 * time.Second
	// DefaultMaxDeliver bounds deliveries of one message.
	DefaultMaxDeliver = 5
	// DefaultMaxAckPending bounds unacknowledged messages per consumer.
	DefaultMaxAckPending = 1000
	// DefaultBatch is how many messages a consumer keeps buffered.
	DefaultBatch = 16
	// DefaultFetchWait is how long one pull request waits for messages.
	DefaultFetchWait = 5 * time.Second
)

// DefaultBackOff is the redelivery delay after the 1st, 2nd and later failed
// deliveries; the last repeats for a transient failure that goes on.
var DefaultBackOff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second}

// maxTermReason bounds the reason sent with a Term.
const maxTermReason = 256

// ConsumerConfig configures a durable pull consumer of the stream.
type ConsumerConfig struct {
	// Durable names the consumer; replicas of a worker share it. Required.
	Durable string
	// FilterSubjects selects the subjects consumed (e.g. TypeFilter(...)).
	// Default: the whole stream.
	FilterSubjects []string
	// AckWait is how long a delivery may stay unsettled before the server
	// redelivers it. Default DefaultAckWait; at most MaxAckWait.
	AckWait time.Duration
	// MaxDeliver is the poison budget: how many deliveries of one message
	// may fail with an error about the event before Consume terms it (a
	// handler parks it first, see Delivery.LastAttempt). Failures wrapping
	// ErrTransient do not count: they are retried with BackOff for as long
	// as they last. The count is kept by the consuming process, so a
	// restart (or another replica) grants a poison event a new budget; the
	// server itself never stops redelivering. Default DefaultMaxDeliver.
	MaxDeliver int
	// BackOff holds the Nak delays after the 1st, 2nd, ... failed delivery;
	// the last one repeats. Default DefaultBackOff. It is applied by Consume
	// with Nak(delay), not as the consumer's server-side BackOff, because the
	// server would replace AckWait by BackOff[0] and redeliver handlers that
	// merely run longer than that.
	BackOff []time.Duration
	// MaxAckPending bounds unsettled deliveries. Default DefaultMaxAckPending.
	MaxAckPending int
	// Batch is how many messages the consumer keeps buffered ahead of its
	// handlers (the pull's max messages). Default DefaultBatch.
	Batch int
	// Concurrency is how many handlers run at once. Default 1.
	Concurrency int
	// FetchWait is how long one pull request waits for messages (at least
	// a second, the least the library accepts) and bounds each attempt to
	// create the consumer. Default DefaultFetchWait.
	FetchWait time.Duration
	// OnInvalid, if set, is called with a delivery whose data is not a valid
	// Cadre event (its Event is zero; see Delivery.Data) before Consume
	// terms it, so that the caller can park it. If it returns an error (it
	// could not park the message), the delivery is not termed but naked
	// with backoff, without spending the poison budget, and comes back.
	OnInvalid func(ctx context.Context, d *Delivery, err error) error
}

func (c ConsumerConfig) withDefaults() (ConsumerConfig, error) {
	if c.Durable == "" {
		return c, fmt.Errorf("%w: consumer without durable name", ErrConfig)
	}
	if len(c.FilterSubjects) == 0 {
		c.FilterSubjects = []string{StreamSubjects}
	}
	if c.AckWait == 0 {
		c.AckWait = DefaultAckWait
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = DefaultMaxDeliver
	}
	if c.BackOff == nil {
		c.BackOff = slices.Clone(DefaultBackOff)
	}
	if c.MaxAckPending == 0 {
		c.MaxAckPending = DefaultMaxAckPending
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.Concurrency == 0 {
		c.Concurrency = 1
	}
	if c.FetchWait == 0 {
		c.FetchWait = DefaultFetchWait
	}
	if c.AckWait < 0 || c.MaxDeliver < 1 || c.Batch < 1 || c.Concurrency < 1 || c.FetchWait < 10*time.Millisecond {
		return c, fmt.Errorf("%w: consumer %s: non-positive ack wait, max deliver, batch, concurrency or fetch wait", ErrConfig, c.Durable)
	}
	if c.AckWait > MaxAckWait {
		return c, fmt.Errorf("%w: consumer %s: ack wait %s is longer than %s", ErrConfig, c.Durable, c.AckWait, MaxAckWait)
	}
	return c, nil
}

// backOff returns the Nak delay after the n-th failed delivery.
func (c ConsumerConfig) backOff(n uint64) time.Duration {
	if len(c.BackOff) == 0 || n == 0 {
		return 0
	}
	return c.BackOff[min(int(n)-1, len(c.BackOff)-1)]
}

// Handler handles one delivery. If it returns without settling the
// delivery, Consume settles it: nil acks; an error wrapping ErrTransient
// naks it with the BackOff delay of its delivery count, never terming it;
// any other error spends one of the MaxDeliver poison budget and naks it,
// or terms it when the budget is spent (handlers park events there, see
// Delivery.LastAttempt). A panic is recovered, logged
// with its stack and treated as an error. Handlers must be idempotent: a
// delivery may be a redelivery of an event already handled.
type Handler func(ctx context.Context, d *Delivery) error

// Consume creates (or updates) the durable pull consumer described by cfg
// and hands each of its deliveries to h, at most cfg.Concurrency at once,
// until ctx is cancelled. It pulls with the library's continuous pull
// (jetstream's Messages), which keeps cfg.Batch deliveries buffered and
// re-issues its pull requests after a reconnection. On cancellation it
// drains that buffer, handing its deliveries back to the server at once,
// waits for the handlers in flight and returns nil. Handlers get ctx and
// should give up when it is cancelled (their delivery is then redelivered).
// Failures to reach the server, e.g. while NATS is down, are logged and
// retried with a bounded backoff, when creating the consumer as when
// pulling; a consumer configuration the server refuses at start is returned
// as an error.
func (b *Bus) Consume(ctx context.Context, cfg ConsumerConfig, h Handler) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	log := b.log.With("consumer", cfg.Durable)
	cons, err := b.createConsumer(ctx, log, cfg)
	if err != nil {
		return fmt.Errorf("consume %s: create consumer: %w", cfg.Durable, err)
	}
	if cons == nil {
		return nil // cancelled while waiting for the server
	}

	p := &puller{bus: b, log: log, cfg: cfg, h: h, budget: newPoisonBudget(),
		slots: make(chan struct{}, cfg.Concurrency)}
	defer p.wg.Wait()
	retry := backoff.Exponential{Min: retryMin, Max: retryMax}
	for ctx.Err() == nil {
		err := p.pull(ctx, cons, &retry)
		if ctx.Err() != nil {
			break
		}
		wait := retry.Next()
		log.WarnContext(ctx, "pull failed", "err", err, "retry_in", wait)
		if !waitFor(ctx, wait) {
			break
		}
		// The iterator ended for good (the consumer deleted, the connection
		// closed): the consumer is made anew, as at start, before pulling
		// again, and a failure to do so is the next pull's failure.
		if c, err := b.upsertConsumer(ctx, cfg); err == nil {
			cons = c
		}
	}
	return nil
}

// createConsumer creates (or updates) the durable consumer of cfg. While
// the server cannot be reached it retries with a bounded backoff, so that a
// worker starting during a NATS outage waits for the server instead of
// giving up for good; an error the server answers (a configuration it
// refuses) is returned at once. It returns nil and no error when ctx is
// cancelled first.
func (b *Bus) createConsumer(ctx context.Context, log *slog.Logger, cfg ConsumerConfig) (jetstream.Consumer, error) {
	retry := backoff.Exponential{Min: retryMin, Max: retryMax}
	for {
		cons, err := b.upsertConsumer(ctx, cfg)
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
			return cons, nil
		case ctx.Err() != nil:
			return nil, nil
		case errors.As(err, &apiErr):
			return nil, err
		}
		wait := retry.Next()
		log.WarnContext(ctx, "create consumer failed", "err", err, "retry_in", wait)
		if !waitFor(ctx, wait) {
			return nil, nil
		}
	}
}

// upsertConsumer makes one attempt to create (or update) the durable
// consumer of cfg, bounded by max(FetchWait, 1s) so that an attempt made
// while the server is down ends and can be retried.
func (b *Bus) upsertConsumer(ctx context.Context, cfg ConsumerConfig) (jetstream.Consumer, error) {
	ctx, cancel := context.WithTimeout(ctx, max(cfg.FetchWait, time.Second))
	defer cancel()
	return b.js.CreateOrUpdateConsumer(ctx, b.cfg.Name, jetstream.ConsumerConfig{
		Durable:        cfg.Durable,
		FilterSubjects: cfg.FilterSubjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        cfg.AckWait,
		MaxDeliver:     -1, // the poison budget is counted by Consume, without transient failures
		MaxAckPending:  cfg.MaxAckPending,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	})
}
