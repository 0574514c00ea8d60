package events_test

import (
	"context"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// BenchmarkRawPublish is the baseline: a synchronous JetStream publish with
// Nats-Msg-Id, waiting for each PubAck, on the embedded server (fsync
// always), with the same message as BenchmarkRelay.
func BenchmarkRawPublish(b *testing.B) {
	e := newEnv(b, events.StreamConfig{})
	recs := newRecords(b, b.N, tenantA)
	js := e.bus.JetStream()
	b.SetBytes(int64(len(recs[0].Payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := js.PublishMsg(context.Background(), &nats.Msg{Subject: recs[i].Subject, Data: recs[i].Payload}, jetstream.WithMsgID(recs[i].ID)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRelay measures events through the relay (in-memory outbox,
// batches of 100, async publish window) to the embedded server, until the
// stream holds them all.
func BenchmarkRelay(b *testing.B) {
	e := newEnv(b, events.StreamConfig{})
	out := &memOutbox{}
	recs := newRecords(b, b.N, tenantA)
	b.SetBytes(int64(len(recs[0].Payload)))
	b.ReportAllocs()
	b.ResetTimer()
	out.add(recs...)
	r, err := events.NewRelay(events.RelayConfig{Outbox: out, Publisher: e.bus, Poll: time.Hour, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitUntil(b, "outbox drained", func() (bool, error) { return out.pending() == 0, nil })
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if n, err := streamMsgs(b, e.bus); err != nil || n != uint64(b.N) {
		b.Fatalf("stream messages = %d (%v), want %d", n, err, b.N)
	}
}
