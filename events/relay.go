package events

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cadrehq/cadre/internal/backoff"
)

// Defaults of RelayConfig.
const (
	// DefaultRelayBatch is how many records one drain publishes.
	DefaultRelayBatch = 100
	// DefaultRelayPoll is how often an idle relay looks for work unwoken.
	DefaultRelayPoll = time.Second
	// DefaultPruneAfter is how long published records are kept.
	DefaultPruneAfter = 24 * time.Hour
	// DefaultPruneEvery is how often the relay prunes.
	DefaultPruneEvery = 10 * time.Minute
	// DefaultRetryMin and DefaultRetryMax bound the exponential backoff
	// after a failed drain.
	DefaultRetryMin = 100 * time.Millisecond
	DefaultRetryMax = 10 * time.Second
)

// Publisher publishes a batch in order and reports how many of its first
// messages were acknowledged; *Bus implements it with PublishAll.
type Publisher interface {
	PublishAll(ctx context.Context, msgs []Message) (acked int, err error)
}

// RelayConfig configures a Relay.
type RelayConfig struct {
	// Outbox is the store's outbox. Required.
	Outbox Outbox
	// Publisher publishes to the stream, normally the *Bus. Required.
	Publisher Publisher
	// Batch is how many records one drain takes. Default DefaultRelayBatch.
	Batch int
	// Poll is how often an idle relay drains without being woken. Default
	// DefaultRelayPoll.
	Poll time.Duration
	// PruneAfter is how long published records are kept. Default
	// DefaultPruneAfter.
	PruneAfter time.Duration
	// PruneEvery is how often the relay prunes. Default DefaultPruneEvery.
	PruneEvery time.Duration
	// RetryMin and RetryMax bound the backoff after a failed drain.
	// Defaults DefaultRetryMin and DefaultRetryMax.
	RetryMin, RetryMax time.Duration
	// Logger receives the relay's warnings. Default slog.Default().
	Logger *slog.Logger
	// Metrics receives measurements. Default: none.
	Metrics Metrics
}

// Relay moves outbox records onto the stream: it publishes each with
// Nats-Msg-Id = record id, waits for the PubAck and only then marks it
// published, so a record is never lost, and a record published but not
// marked (a crash, a failed commit) is published again and stored once by
// the stream's deduplication. Several relays may run against one outbox.
type Relay struct {
	cfg    RelayConfig
	log    *slog.Logger
	wake   chan struct{}
	resume chan struct{}
}

// NewRelay returns a relay; Run starts it.
func NewRelay(cfg RelayConfig) (*Relay, error) {
	if cfg.Outbox == nil || cfg.Publisher == nil {
		return nil, fmt.Errorf("new relay: %w: outbox and publisher are required", ErrConfig)
	}
	if cfg.Batch == 0 {
		cfg.Batch = DefaultRelayBatch
	}
	if cfg.Poll == 0 {
		cfg.Poll = DefaultRelayPoll
	}
	if cfg.PruneAfter == 0 {
		cfg.PruneAfter = DefaultPruneAfter
	}
	if cfg.PruneEvery == 0 {
		cfg.PruneEvery = DefaultPruneEvery
	}
	if cfg.RetryMin == 0 {
		cfg.RetryMin = DefaultRetryMin
	}
	if cfg.RetryMax == 0 {
		cfg.RetryMax = DefaultRetryMax
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = nopMetrics{}
	}
	if cfg.Batch < 0 || cfg.Poll < 0 || cfg.PruneAfter < 0 || cfg.PruneEvery < 0 || cfg.RetryMin <= 0 || cfg.RetryMax < cfg.RetryMin {
		return nil, fmt.Errorf("new relay: %w: negative batch, poll, prune or retry", ErrConfig)
	}
	return &Relay{cfg: cfg, log: cfg.Logger.With("component", "outbox_relay"), wake: make(chan struct{}, 1),
		resume: make(chan struct{}, 1)}, nil
}

// Wake tells the relay there is new work, e.g. after a commit that wrote
// outbox records. It never blocks; wakes coalesce.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Resume tells the relay that the publisher is reachable again (the NATS
// connection is back): a relay waiting out its retry backoff drains now
// instead of at the end of the backoff (up to RetryMax). It never blocks.
// Wake does not cut the backoff short, so that commits made while NATS is
// down do not turn into a retry each.
func (r *Relay) Resume() {
	select {
	case r.resume <- struct{}{}:
	default:
	}
}

// Run drains the outbox while there is work, then waits for Wake or the poll
// tick. After a failed drain it retries with a bounded exponential backoff,
// never skipping a record. It prunes published records every PruneEvery.
// It returns nil when ctx is cancelled.
func (r *Relay) Run(ctx context.Context) error {
	poll := time.NewTicker(r.cfg.Poll)
	defer poll.Stop()
	var lastPrune time.Time
	retry := backoff.Exponential{Min: r.cfg.RetryMin, Max: r.cfg.RetryMax}
	quick := 0 // retries left at resumeRetry after a Resume
	for ctx.Err() == nil {
		n, err := r.drain(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			r.cfg.Metrics.PublishFailed()
			wait := retry.Next()
			if quick > 0 {
				quick--
				wait = min(wait, resumeRetry)
			}
			r.log.WarnContext(ctx, "outbox drain failed", "err", err, "published", n, "retry_in", wait)
			r.reportBacklog(ctx)
			ok, resumed := r.backoff(ctx, wait)
			if !ok {
				break
			}
			if resumed {
				quick = resumeRetries
			}
			continue
		}
		quick = 0
		retry.Reset()
		if n >= r.cfg.Batch {
			continue // a full batch: there is probably more
		}
		if time.Since(lastPrune) >= r.cfg.PruneEvery {
			r.prune(ctx)
			lastPrune = time.Now()
		}
		r.reportBacklog(ctx)
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-poll.C:
		}
	}
	return nil
}

// After a Resume the connection is back but JetStream may still be
// recovering (a restarted server elects its stream leader, a cluster moves
// one): a drain that fails then is retried every resumeRetry, up to
// resumeRetries times, before the relay falls back to its backoff.
const (
	resumeRetry   = 100 * time.Millisecond
	resumeRetries = 100
)

// backoff waits d, or less if Resume is called (resumed); ok is false when
// ctx ended.
func (r *Relay) backoff(ctx context.Context, d time.Duration) (ok, resumed bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.resume:
		return true, true
	case <-ctx.Done():
		return false, false
	}
	return true, false
}

// drain runs one Drain, publishing the records through the publisher.
func (r *Relay) drain(ctx context.Context) (int, error) {
	n, err := r.cfg.Outbox.Drain(ctx, r.cfg.Batch, r.publish)
	if n > 0 {
		r.cfg.Metrics.Published(n)
	}
	if err != nil {
		return n, fmt.Errorf("drain outbox: %w", err)
	}
	return n, nil
}

func (r *Relay) publish(ctx context.Context, recs []OutboxRecord) (int, error) {
	msgs := make([]Message, len(recs))
	for i, rec := range recs {
		msgs[i] = Message{Subject: rec.Subject, ID: rec.ID, Data: rec.Payload}
	}
	return r.cfg.Publisher.PublishAll(ctx, msgs)
}

func (r *Relay) prune(ctx context.Context) {
	n, err := r.cfg.Outbox.Prune(ctx, time.Now().Add(-r.cfg.PruneAfter))
	if err != nil {
		r.log.WarnContext(ctx, "outbox prune failed", "err", err)
		return
	}
	if n > 0 {
		r.log.DebugContext(ctx, "outbox pruned", "records", n)
	}
}

func (r *Relay) reportBacklog(ctx context.Context) {
	count, oldest, err := r.cfg.Outbox.Pending(ctx)
	if err != nil {
		r.log.WarnContext(ctx, "outbox backlog failed", "err", err)
		return
	}
	r.cfg.Metrics.Backlog(count, oldest)
}
