// Package events is Cadre's event backbone: the CloudEvents 1.0 envelope and
// the event types with their payloads, the NATS subjects they travel on, the
// JetStream bus (stream setup, publish, durable consumers, ordered replay),
// the outbox relay that moves committed outbox rows onto the stream, and the
// embedded NATS server used when no external NATS is configured.
//
// Delivery is at least once end to end: the relay publishes with
// Nats-Msg-Id set to the event id, so a re-publish inside the stream's
// duplicate window stores nothing new, and consumers record the event id
// with their effects so that a redelivery changes nothing.
//
// Order is per tenant: the stream stores each event with its tenant's
// partition appended to the subject, and ConsumePartitions consumes each
// partition one event at a time, the partitions concurrently.
package events
