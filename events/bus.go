package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/cadrehq/cadre/domain/tenant"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/internal/backoff"
)

// Defaults of StreamConfig.
const (
	// DefaultStreamName is the name of Cadre's stream.
	DefaultStreamName = "CADRE"
	// DefaultMaxAge keeps events 30 days for replay.
	DefaultMaxAge = 30 * 24 * time.Hour
	// DefaultDuplicates is the stream's duplicate window.
	DefaultDuplicates = 5 * time.Minute
	// MinDuplicates is the shortest duplicate window accepted: the relay's
	// re-publish after a failed mark must fall inside it.
	MinDuplicates = 2 * time.Minute
	// DefaultPublishTimeout bounds the wait for a PubAck.
	DefaultPublishTimeout = 5 * time.Second
	// DefaultPublishWindow is how many async publishes PublishAll keeps in
	// flight.
	DefaultPublishWindow = 256
	// DefaultPartitions is how many partitions the stream spreads tenants
	// over.
	DefaultPartitions = 8
	// MaxPartitions bounds StreamConfig.Partitions.
	MaxPartitions = 1024
)

// StreamConfig configures the CADRE stream and the bus's publishing.
type StreamConfig struct {
	// Name of the stream. Default DefaultStreamName.
	Name string
	// MaxAge is how long events are kept (limits retention). Default
	// DefaultMaxAge.
	MaxAge time.Duration
	// Duplicates is the Nats-Msg-Id deduplication window. Default
	// DefaultDuplicates; at least MinDuplicates.
	Duplicates time.Duration
	// Replicas is the stream's replication factor (3 on a NATS cluster).
	// Default 1.
	Replicas int
	// PublishTimeout bounds each wait for a PubAck. Default
	// DefaultPublishTimeout.
	PublishTimeout time.Duration
	// PublishWindow is how many publishes PublishAll keeps in flight.
	// Default DefaultPublishWindow.
	PublishWindow int
	// Partitions is how many partitions the stream's subject transform
	// spreads tenants over (see PartitionOf): the workers consume each
	// partition in order with a consumer of its own. Every process of a
	// deployment must use the same number. Default DefaultPartitions; at
	// most MaxPartitions.
	Partitions int
	// Logger receives the consumers' and replays' warnings. Default
	// slog.Default().
	Logger *slog.Logger
}

func (c StreamConfig) withDefaults() (StreamConfig, error) {
	if c.Name == "" {
		c.Name = DefaultStreamName
	}
	if c.MaxAge == 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.Duplicates == 0 {
		c.Duplicates = DefaultDuplicates
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.PublishTimeout == 0 {
		c.PublishTimeout = DefaultPublishTimeout
	}
	if c.PublishWindow == 0 {
		c.PublishWindow = DefaultPublishWindow
	}
	if c.Partitions == 0 {
		c.Partitions = DefaultPartitions
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	switch {
	case c.Partitions < 1 || c.Partitions > MaxPartitions:
		return c, fmt.Errorf("%w: partitions %d (1 to %d)", ErrConfig, c.Partitions, MaxPartitions)
	case c.Duplicates < MinDuplicates:
		return c, fmt.Errorf("%w: duplicate window %s is shorter than %s", ErrConfig, c.Duplicates, MinDuplicates)
	case c.MaxAge < c.Duplicates:
		return c, fmt.Errorf("%w: max age %s is shorter than the duplicate window", ErrConfig, c.MaxAge)
	case c.Replicas < 1 || c.Replicas > 5:
		return c, fmt.Errorf("%w: replicas %d", ErrConfig, c.Replicas)
	case c.PublishTimeout < 0 || c.PublishWindow < 0:
		return c, fmt.Errorf("%w: negative publish timeout or window", ErrConfig)
	}
	return c, nil
}

// jetStreamConfig is the stream's configuration on the server.
func (c StreamConfig) jetStreamConfig() jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        c.Name,
		Description: "Cadre events (CloudEvents 1.0, cadre.{tenant}.{aggregate}.{verb}.{partition})",
		Subjects:    []string{StreamSubjects},
		// Events are published on cadre.{tenant}.{aggregate}.{verb} and
		// stored with the tenant's partition appended.
		SubjectTransform: &jetstream.SubjectTransformConfig{Source: publishSubjects, Destination: partitionedSubjects(c.Partitions)},
		Retention:        jetstream.LimitsPolicy,
		Storage:          jetstream.FileStorage,
		MaxAge:           c.MaxAge,
		Duplicates:       c.Duplicates,
		Replicas:         c.Replicas,
		Discard:          jetstream.DiscardOld,
	}
}

// Bus is Cadre's JetStream bus: the CADRE stream, publishing with
// deduplication, durable consumers and replay. It is safe for concurrent use.
type Bus struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg StreamConfig
	log *slog.Logger
}

// NewBus creates the stream or updates its configuration to cfg and returns a
// bus publishing and consuming through nc. The caller owns nc. It fails if
// the server cannot be reached: a process that must start while NATS is
// down uses OpenBus and EnsureStream instead.
func NewBus(ctx context.Context, nc *nats.Conn, cfg StreamConfig) (*Bus, error) {
	b, err := OpenBus(nc, cfg)
	if err != nil {
		return nil, err
	}
	if err := b.createStream(ctx); err != nil {
		return nil, fmt.Errorf("new bus: %w", err)
	}
	return b, nil
}

// OpenBus returns a bus publishing and consuming through nc without
// reaching the server, so that a process can start (and its API take
// writes into the outbox) while NATS is down. Nothing is published or
// consumed until the stream exists: the caller runs EnsureStream before it
// starts its consumers. The caller owns nc.
func OpenBus(nc *nats.Conn, cfg StreamConfig) (*Bus, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new bus: %w", err)
	}
	js, err := jetstream.New(nc,
		jetstream.WithPublishAsyncTimeout(cfg.PublishTimeout),
		jetstream.WithPublishAsyncMaxPending(cfg.PublishWindow),
	)
	if err != nil {
		return nil, fmt.Errorf("new bus: %w", err)
	}
	return &Bus{nc: nc, js: js, cfg: cfg, log: cfg.Logger}, nil
}

// EnsureStream creates the stream or updates its configuration. While the
// server cannot be reached it retries with a bounded backoff (each attempt
// bounded by PublishTimeout), for as long as the outage lasts; an error the
// server answers, a configuration it refuses, is returned at once. It
// returns ctx's error if ctx ends first.
func (b *Bus) EnsureStream(ctx context.Context) error {
	retry := backoff.Exponential{Min: retryMin, Max: retryMax}
	for {
		actx, cancel := context.WithTimeout(ctx, b.cfg.PublishTimeout)
		err := b.createStream(actx)
		cancel()
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &apiErr):
			return fmt.Errorf("ensure stream: %w", err)
		}
		wait := retry.Next()
		b.log.WarnContext(ctx, "create stream failed; nats unreachable?", "stream", b.cfg.Name, "err", err, "retry_in", wait)
		if !waitFor(ctx, wait) {
			return ctx.Err()
		}
	}
}

// createStream makes one attempt to create the stream, or to update its
// configuration when it differs from the bus's. A stream already configured
// as wanted is left alone: every process of a deployment ensures the stream
// at start, and an update that changes nothing would still rewrite the
// server's stream store while other processes create their consumers.
func (b *Bus) createStream(ctx context.Context) error {
	want := b.cfg.jetStreamConfig()
	st, err := b.js.Stream(ctx, b.cfg.Name)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		_, err = b.js.CreateStream(ctx, want)
	case err == nil && sameStreamConfig(st.CachedInfo().Config, want):
		return nil
	case err == nil:
		_, err = b.js.UpdateStream(ctx, want)
	}
	if err != nil {
		return fmt.Errorf("stream %s: %w", b.cfg.Name, err)
	}
	return nil
}

// sameStreamConfig reports whether have already holds every setting of
// want that the bus sets.
func sameStreamConfig(have, want jetstream.StreamConfig) bool {
	sameTransform := (have.SubjectTransform == nil) == (want.SubjectTransform == nil) &&
		(want.SubjectTransform == nil || *have.SubjectTransform == *want.SubjectTransform)
	return sameTransform && slices.Equal(have.Subjects, want.Subjects) && have.Description == want.Description &&
		have.Retention == want.Retention && have.Storage == want.Storage && have.MaxAge == want.MaxAge &&
		have.Duplicates == want.Duplicates && max(have.Replicas, 1) == max(want.Replicas, 1) && have.Discard == want.Discard
}

// JetStream returns the bus's JetStream context, for what the bus does not
// wrap.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// StreamName returns the name of the bus's stream.
func (b *Bus) StreamName() string { return b.cfg.Name }

// Partitions returns how many partitions the bus's stream has.
func (b *Bus) Partitions() int { return b.cfg.Partitions }

// StreamInfo returns the stream's current configuration and state.
func (b *Bus) StreamInfo(ctx context.Context) (*jetstream.StreamInfo, error) {
	s, err := b.js.Stream(ctx, b.cfg.Name)
	if err != nil {
		return nil, fmt.Errorf("stream info: %w", err)
	}
	return s.CachedInfo(), nil
}

// Ready reports whether the connection is up and the stream answers; it is
// meant for /readyz.
func (b *Bus) Ready(ctx context.Context) error {
	if !b.nc.IsConnected() {
		return fmt.Errorf("bus ready: %w (%s)", ErrNotConnected, b.nc.Status())
	}
	if _, err := b.StreamInfo(ctx); err != nil {
		return fmt.Errorf("bus ready: %w", err)
	}
	return nil
}

// Publish stores data on subject with Nats-Msg-Id msgID and waits for the
// PubAck (at most PublishTimeout). It returns the stream sequence; a
// duplicate inside the duplicate window is a success and returns the
// sequence of the original.
func (b *Bus) Publish(ctx context.Context, subject, msgID string, data []byte) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.PublishTimeout)
	defer cancel()
	ack, err := b.js.PublishMsg(ctx, &nats.Msg{Subject: subject, Data: data}, jetstream.WithMsgID(msgID))
	if err != nil {
		return 0, fmt.Errorf("publish %s: %w", msgID, err)
	}
	return ack.Sequence, nil
}

// PublishEvent publishes e on e.Subject() with its id as Nats-Msg-Id.
func (b *Bus) PublishEvent(ctx context.Context, e Event) (uint64, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("publish event %s: %w", e.ID, err)
	}
	return b.Publish(ctx, e.Subject(), e.ID, data)
}

// Message is one message to publish with PublishAll.
type Message struct {
	// Subject is the NATS subject.
	Subject string
	// ID is the Nats-Msg-Id (the event id).
	ID string
	// Data is the whole CloudEvent JSON.
	Data []byte
}

// PublishAll publishes msgs in order, up to PublishWindow at a time in
// flight, and waits for their PubAcks. acked is the length of the prefix of
// msgs whose PubAck arrived (duplicates included); on an error the messages
// after that prefix may or may not be stored, and publishing them again
// stores each once thanks to their ids.
func (b *Bus) PublishAll(ctx context.Context, msgs []Message) (acked int, err error) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.PublishTimeout)
	defer cancel()
	futures := make([]jetstream.PubAckFuture, 0, len(msgs))
	var sendErr error
	for _, m := range msgs {
		f, err := b.js.PublishMsgAsync(&nats.Msg{Subject: m.Subject, Data: m.Data}, jetstream.WithMsgID(m.ID))
		if err != nil {
			sendErr = fmt.Errorf("publish %s: %w", m.ID, err)
			break
		}
		futures = append(futures, f)
	}
	for i, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return i, fmt.Errorf("publish %s: %w", msgs[i].ID, err)
		case <-ctx.Done():
			return i, fmt.Errorf("publish %s: wait for ack: %w", msgs[i].ID, ctx.Err())
		}
	}
	return len(futures), sendErr
}

// PurgeTenant removes every event of the tenant from the stream (tenant
// deletion erases its events too).
func (b *Bus) PurgeTenant(ctx context.Context, tid tenant.ID) error {
	if tid.IsZero() {
		return fmt.Errorf("purge tenant: %w: zero tenant", ErrConfig)
	}
	s, err := b.js.Stream(ctx, b.cfg.Name)
	if err != nil {
		return fmt.Errorf("purge tenant %s: %w", tid, err)
	}
	if err := s.Purge(ctx, jetstream.WithPurgeSubject(TenantFilter(tid))); err != nil {
		return fmt.Errorf("purge tenant %s: %w", tid, err)
	}
	return nil
}
