package events

import (
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Delivery is one delivery of a stream message to a consumer handler. The
// handler settles it with Ack, Nak or Term, or leaves that to Consume (see
// Handler). It is safe for concurrent use.
type Delivery struct {
	// Event is the parsed envelope.
	Event Event
	// Subject is the NATS subject the event was stored on.
	Subject string
	// Seq is the event's stream sequence.
	Seq uint64
	// NumDelivered counts this delivery as the server does: 1 the first
	// time, and every redelivery after a failure of any kind.
	NumDelivered uint64
	// Failures counts the earlier deliveries of this message to this
	// consumer process that failed with an error about the event (not
	// ErrTransient): the poison budget spent so far.
	Failures int
	// MaxDeliver is the consumer's poison budget (ConsumerConfig.MaxDeliver).
	MaxDeliver int

	msg jetstream.Msg

	// mu guards settled: once a delivery is acked, naked or termed, later
	// settles are no-ops.
	mu      sync.Mutex
	settled bool
}

// LastAttempt reports whether a failure about the event now spends the
// last of its poison budget: a handler that fails now should park the event
// (record a dead letter) before returning, or return ErrTransient if it
// cannot, and the delivery is then tried again.
func (d *Delivery) LastAttempt() bool {
	return d.MaxDeliver > 0 && d.Failures+1 >= d.MaxDeliver
}

// Data returns the message's data as stored on the stream (the CloudEvent
// JSON, or whatever an invalid message holds), for parking.
func (d *Delivery) Data() []byte { return d.msg.Data() }

// Ack acknowledges the message: it will not be delivered again.
func (d *Delivery) Ack() error {
	return d.settle("ack", d.msg.Ack)
}

// Nak asks for a redelivery after delay (0: as soon as possible).
func (d *Delivery) Nak(delay time.Duration) error {
	return d.settle("nak", func() error {
		if delay <= 0 {
			return d.msg.Nak()
		}
		return d.msg.NakWithDelay(delay)
	})
}

// Term stops all redelivery of the message; reason is recorded in the
// server's advisory.
func (d *Delivery) Term(reason string) error {
	return d.settle("term", func() error { return d.msg.TermWithReason(reason) })
}

// InProgress resets the ack timer, for a handler that needs longer than
// AckWait. Consume already does it every AckWait/2 while a handler runs.
func (d *Delivery) InProgress() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.settled {
		return nil
	}
	if err := d.msg.InProgress(); err != nil {
		return fmt.Errorf("in progress %d: %w", d.Seq, err)
	}
	return nil
}

// Settled reports whether the delivery has been acked, naked or termed.
func (d *Delivery) Settled() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.settled
}

func (d *Delivery) settle(op string, f func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.settled {
		return nil
	}
	if err := f(); err != nil {
		return fmt.Errorf("%s %d: %w", op, d.Seq, err)
	}
	d.settled = true
	return nil
}
