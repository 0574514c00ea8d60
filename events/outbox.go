package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cadrehq/cadre/domain/tenant"
)

// OutboxRecord is one pending event in the transactional outbox, written in
// the same transaction as the change it reports.
type OutboxRecord struct {
	// ID is the event id, used as Nats-Msg-Id.
	ID string
	// Tenant owns the event.
	Tenant tenant.ID
	// Subject is the NATS subject, Event.Subject().
	Subject string
	// Type is the event type.
	Type Type
	// Payload is the whole CloudEvent JSON.
	Payload []byte
}

// NewOutboxRecord returns the outbox record of a valid event.
func NewOutboxRecord(e Event) (OutboxRecord, error) {
	if err := e.Validate(); err != nil {
		return OutboxRecord{}, fmt.Errorf("outbox record: %w", err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return OutboxRecord{}, fmt.Errorf("outbox record %s: %w", e.ID, err)
	}
	return OutboxRecord{ID: e.ID, Tenant: e.Tenant(), Subject: e.Subject(), Type: e.Type, Payload: b}, nil
}

// Outbox is the store side of the transactional outbox; tenants/store
// implements it on PostgreSQL and SQLite. Several relays may drain the same
// outbox at once.
type Outbox interface {
	// Drain locks up to limit pending records (FOR UPDATE SKIP LOCKED in SQL
	// stores), oldest first, calls publish with them, marks as published
	// those publish reports done (a prefix), and commits. Returns how many
	// were marked. When publish returns an error Drain still marks and
	// commits the done prefix, then returns the error.
	Drain(ctx context.Context, limit int, publish func(ctx context.Context, recs []OutboxRecord) (done int, err error)) (int, error)
	// Prune deletes records published before the cutoff.
	Prune(ctx context.Context, before time.Time) (int, error)
	// Pending reports the backlog: count and age of the oldest pending record.
	Pending(ctx context.Context) (count int, oldest time.Duration, err error)
}
