package events

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/internal/backoff"
)

// Replayed is one event read back from the stream by Replay.
type Replayed struct {
	// Seq is the event's stream sequence (the SSE event id).
	Seq uint64
	// Event is the parsed envelope.
	Event Event
}

// replayBuffer is the capacity of Replay's channel.
const replayBuffer = 64

// replayRetryMin is the first wait after a failed read of a replay, shorter
// than a consumer's retryMin because a client of the event stream waits on
// the other end.
const replayRetryMin = 50 * time.Millisecond

// Replay reads the stream's messages on filterSubject (e.g.
// TenantFilter(tenant)) in order, from sequence fromSeq on (0 or 1: from the
// first), and then follows new ones live, with an ordered consumer (no acks,
// nothing durable on the server). It sends them on the returned channel
// until ctx is cancelled, then closes it and deletes the consumer from the
// server (rather than leave it to expire); the caller cancels ctx to stop
// and should drain or stop reading only after that. Messages that are not
// valid events are logged and skipped.
func (b *Bus) Replay(ctx context.Context, filterSubject string, fromSeq uint64) (<-chan Replayed, error) {
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filterSubject},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	}
	if fromSeq > 1 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = fromSeq
	}
	cons, err := b.js.OrderedConsumer(ctx, b.cfg.Name, cfg)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", filterSubject, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", filterSubject, err)
	}
	out := make(chan Replayed, replayBuffer)
	log := b.log.With("replay", filterSubject)
	go func() {
		defer func() {
			it.Stop()
			close(out)
			b.deleteReplayConsumer(cons)
		}()
		retry := backoff.Exponential{Min: replayRetryMin, Max: retryMax}
		for {
			m, err := it.Next(jetstream.NextContext(ctx))
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return
			}
			if err != nil {
				wait := retry.Next()
				log.WarnContext(ctx, "replay read failed", "err", err, "retry_in", wait)
				if !waitFor(ctx, wait) {
					return
				}
				continue
			}
			retry.Reset()
			md, err := m.Metadata()
			if err != nil {
				log.WarnContext(ctx, "replay metadata", "err", err)
				continue
			}
			e, err := Parse(m.Data())
			if err != nil {
				log.WarnContext(ctx, "replay skipped invalid event", "seq", md.Sequence.Stream, "err", err)
				continue
			}
			select {
			case out <- Replayed{Seq: md.Sequence.Stream, Event: e}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// replayDeleteTimeout bounds the deletion of a stopped Replay's consumer.
const replayDeleteTimeout = 2 * time.Second

// deleteReplayConsumer deletes the server-side consumer of a stopped
// ordered consumer. Without it the consumer would linger until its
// inactivity threshold (5 minutes), one per closed event stream.
func (b *Bus) deleteReplayConsumer(cons jetstream.Consumer) {
	info := cons.CachedInfo()
	if info == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), replayDeleteTimeout)
	defer cancel()
	if err := b.js.DeleteConsumer(ctx, b.cfg.Name, info.Name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		b.log.Debug("replay consumer not deleted", "consumer", info.Name, "err", err)
	}
}
