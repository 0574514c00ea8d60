package events

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// PartitionDurable returns the durable name of partition p of the
// partitioned consumer name: "{name}-{p}".
func PartitionDurable(name string, p int) string { return name + "-" + strconv.Itoa(p) }

// PartitionDurables returns the durable names of every partition of the
// partitioned consumer name on a stream of n partitions.
func PartitionDurables(name string, n int) []string {
	names := make([]string, n)
	for p := range names {
		names[p] = PartitionDurable(name, p)
	}
	return names
}

// ConsumePartitions consumes the events of types with one durable consumer
// per partition of the stream, PartitionDurable(cfg.Durable, p), each
// filtered to its partition (PartitionFilter) and handing out one event at a
// time: the server delivers a partition's next event only once the one
// before is settled (MaxAckPending 1), and redeliveries come first. So the
// events of a tenant, which all travel in its partition, are handled in
// stream order, while the partitions, and so the tenants of different
// partitions, are handled concurrently: a busy tenant's backlog holds up
// only its own partition.
//
// Every process consuming cfg.Durable pulls from every partition and the
// server hands each partition's next event to one of them, so the
// partitions' events are shared among the live processes. When a process
// dies, its partitions go on in the others at once, except the event it was
// handling, which comes back to them within AckWait (at most MaxAckWait).
//
// cfg.MaxAckPending, Batch and Concurrency are set to 1 and
// cfg.FilterSubjects is replaced; the rest applies to each partition's
// consumer as in Consume. It returns when ctx is cancelled, or at once with
// the error of a consumer configuration the server refuses (after stopping
// the other partitions).
func (b *Bus) ConsumePartitions(ctx context.Context, cfg ConsumerConfig, types []Type, h Handler) error {
	if len(types) == 0 {
		return fmt.Errorf("consume partitions %s: %w: no event types", cfg.Durable, ErrConfig)
	}
	if _, err := cfg.withDefaults(); err != nil {
		return fmt.Errorf("consume partitions: %w", err)
	}
	b.warnUnpartitioned(ctx, cfg.Durable)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := b.cfg.Partitions
	errs := make([]error, n)
	var wg sync.WaitGroup
	for p := range n {
		pc := cfg
		pc.Durable = PartitionDurable(cfg.Durable, p)
		pc.FilterSubjects = make([]string, len(types))
		for i, t := range types {
			pc.FilterSubjects[i] = PartitionFilter(t, p)
		}
		pc.MaxAckPending, pc.Batch, pc.Concurrency = 1, 1, 1
		wg.Go(func() {
			if errs[p] = b.Consume(ctx, pc, h); errs[p] != nil {
				cancel() // a refused configuration stops every partition
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// warnUnpartitioned logs an error when the durable consumer name of a
// version without partitions still holds events: they were published
// before the stream had partitions, and no partition's consumer sees them.
// The operator drains them with that version (or replays them) before the
// upgrade; see the README's Events section. Best effort: nothing is said
// when the server cannot be asked.
func (b *Bus) warnUnpartitioned(ctx context.Context, name string) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.PublishTimeout)
	defer cancel()
	c, err := b.js.Consumer(ctx, b.cfg.Name, name)
	if err != nil {
		return // none (the usual case), or the server is not reachable now
	}
	if info := c.CachedInfo(); info.NumPending+uint64(info.NumAckPending) > 0 {
		b.log.ErrorContext(ctx, "a consumer from before partitions still holds events that no partition's consumer will handle",
			"consumer", name, "pending", info.NumPending, "ack_pending", info.NumAckPending)
	}
}
