package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Defaults of ConsumerConfig.
const (
	// DefaultAckWait is how long the server waits for an ack before
	// redelivering.
	DefaultAckWait = 30 * time.Second
	// DefaultMaxDeliver bounds deliveries of one message.
	DefaultMaxDeliver = 5
	// DefaultMaxAckPending bounds unacknowledged messages per consumer.
	DefaultMaxAckPending = 1000
	// DefaultBatch is how many messages one fetch asks for.
	DefaultBatch = 16
	// DefaultFetchWait is how long one fetch waits for messages.
	DefaultFetchWait = 5 * time.Second
)

// DefaultBackOff is the redelivery delay after the 1st, 2nd and later failed
// deliveries; the last repeats for a transient failure that goes on.
var DefaultBackOff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second}

// maxTermReason bounds the reason sent with a Term.
const maxTermReason = 256

// fetchRetryMax bounds the wait between failed fetches (NATS down).
const fetchRetryMax = 5 * time.Second

// ConsumerConfig configures a durable pull consumer of the stream.
type ConsumerConfig struct {
	// Durable names the consumer; replicas of a worker share it. Required.
	Durable string
	// FilterSubjects selects the subjects consumed (e.g. TypeFilter(...)).
	// Default: the whole stream.
	FilterSubjects []string
	// AckWait is how long a delivery may stay unsettled before the server
	// redelivers it. Default DefaultAckWait.
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
	// Batch is how many messages one fetch asks for. Default DefaultBatch.
	Batch int
	// Concurrency is how many handlers run at once. Default 1.
	Concurrency int
	// FetchWait is how long one fetch waits for messages. Default
	// DefaultFetchWait.
	FetchWait time.Duration
	// OnInvalid, if set, is called with a delivery whose data is not a valid
	// Cadre event (its Event is zero) before Consume terms it, so that the
	// caller can park it.
	OnInvalid func(ctx context.Context, d *Delivery, err error)
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
// and runs a fetch loop, handing each delivery to h, until ctx is
// cancelled; it then waits for the handlers in flight and returns nil.
// Handlers get ctx and should give up when it is cancelled (their delivery
// is then redelivered). Failures to reach the server, e.g. while NATS is
// down, are logged and retried with a bounded backoff, when creating the
// consumer as when fetching; a consumer configuration the server refuses
// is returned as an error.
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

	// wg counts handlers in flight; sem bounds them to cfg.Concurrency.
	var wg sync.WaitGroup
	defer wg.Wait()
	sem := make(chan struct{}, cfg.Concurrency)
	budget := newPoisonBudget()
	retry := time.Duration(0)
	for ctx.Err() == nil {
		err := b.fetch(ctx, cons, cfg, func(m jetstream.Msg) bool {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			wg.Go(func() {
				defer func() { <-sem }()
				b.handle(ctx, log, cfg, budget, m, h)
			})
			return true
		})
		if err == nil || ctx.Err() != nil {
			retry = 0
			continue
		}
		retry = min(max(2*retry, 100*time.Millisecond), fetchRetryMax)
		log.WarnContext(ctx, "fetch failed", "err", err, "retry_in", retry)
		if !waitFor(ctx, retry) {
			break
		}
	}
	return nil
}

// createConsumer creates (or updates) the durable consumer of cfg. While
// the server cannot be reached it retries with a bounded backoff, each
// attempt bounded by max(FetchWait, 1s), so that a worker starting during a
// NATS outage waits for the server instead of giving up for good; an error
// the server answers (a configuration it refuses) is returned at once. It
// returns nil and no error when ctx is cancelled first.
func (b *Bus) createConsumer(ctx context.Context, log *slog.Logger, cfg ConsumerConfig) (jetstream.Consumer, error) {
	retry := time.Duration(0)
	for {
		actx, cancel := context.WithTimeout(ctx, max(cfg.FetchWait, time.Second))
		cons, err := b.js.CreateOrUpdateConsumer(actx, b.cfg.Name, jetstream.ConsumerConfig{
			Durable:        cfg.Durable,
			FilterSubjects: cfg.FilterSubjects,
			AckPolicy:      jetstream.AckExplicitPolicy,
			AckWait:        cfg.AckWait,
			MaxDeliver:     -1, // the poison budget is counted by Consume, without transient failures
			MaxAckPending:  cfg.MaxAckPending,
			DeliverPolicy:  jetstream.DeliverAllPolicy,
		})
		cancel()
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
			return cons, nil
		case ctx.Err() != nil:
			return nil, nil
		case errors.As(err, &apiErr):
			return nil, err
		}
		retry = min(max(2*retry, 100*time.Millisecond), fetchRetryMax)
		log.WarnContext(ctx, "create consumer failed", "err", err, "retry_in", retry)
		if !waitFor(ctx, retry) {
			return nil, nil
		}
	}
}

// fetchGrace is how long a fetch goes on after its consumer stops, for the
// messages already on their way.
const fetchGrace = 100 * time.Millisecond

// fetch runs one fetch, dispatching each message; dispatch returns false
// to stop early (ctx cancelled). The messages of the batch it did not
// dispatch are Nak'ed at once, so another replica gets them now rather than
// after AckWait (minutes for a tenant-wide plan rebuild): the fetch outlives
// ctx by fetchGrace, so that messages the server sent already still arrive
// to be handed back instead of being dropped with the fetch.
func (b *Bus) fetch(ctx context.Context, cons jetstream.Consumer, cfg ConsumerConfig, dispatch func(jetstream.Msg) bool) error {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.FetchWait)
	defer cancel()
	defer context.AfterFunc(ctx, func() { time.AfterFunc(fetchGrace, cancel) })()
	batch, err := cons.Fetch(cfg.Batch, jetstream.FetchContext(fctx))
	if err != nil {
		if isNoMessages(err) {
			return nil
		}
		return err
	}
	stopped := false
	for m := range batch.Messages() {
		if !stopped && dispatch(m) {
			continue
		}
		stopped = true
		if err := m.Nak(); err != nil {
			b.log.WarnContext(ctx, "nak of an undispatched message failed", "consumer", cfg.Durable, "err", err)
		}
	}
	if stopped {
		return nil
	}
	if err := batch.Error(); err != nil && !isNoMessages(err) {
		return err
	}
	return nil
}

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
		log.ErrorContext(ctx, "invalid event terminated", "err", err)
		if cfg.OnInvalid != nil {
			cfg.OnInvalid(ctx, d, err)
		}
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

// maxTracked bounds the messages a poisonBudget remembers: one a consumer
// naked and another replica then settled is never forgotten otherwise.
const maxTracked = 1 << 16

// poisonBudget counts, per stream sequence, the deliveries that failed with
// an error about the event, for the messages of one Consume that are not
// settled yet. It is safe for concurrent use.
type poisonBudget struct {
	mu     sync.Mutex
	failed map[uint64]int
}

func newPoisonBudget() *poisonBudget { return &poisonBudget{failed: map[uint64]int{}} }

// spent returns the failures counted for seq.
func (p *poisonBudget) spent(seq uint64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed[seq]
}

// spend counts one failure of seq.
func (p *poisonBudget) spend(seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.failed[seq]; !ok && len(p.failed) >= maxTracked {
		for s := range p.failed { // forget an arbitrary half
			if len(p.failed) < maxTracked/2 {
				break
			}
			delete(p.failed, s)
		}
	}
	p.failed[seq]++
}

// forget drops seq once its message is settled for good.
func (p *poisonBudget) forget(seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.failed, seq)
}
