package events_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// BenchmarkPublish measures, in one run, how many events per second reach
// the embedded server's stream (file store, fsync always) along each path,
// with the same event document each time:
//
//   - raw-sync: one JetStream publish with Nats-Msg-Id at a time, waiting
//     for each PubAck (the floor a relay must beat);
//   - raw-async: the bus's PublishAll in batches of DefaultRelayBatch (the
//     relay's publishing, without an outbox);
//   - relay/memory: the relay over an in-memory outbox;
//   - relay/sqlite and relay/postgres: the relay over the real store's
//     outbox (locking, marking), until every record is marked published;
//     postgres is skipped without CADRE_TEST_DATABASE_URL.
//
// Each reports events/s.
func BenchmarkPublish(b *testing.B) {
	b.Run("raw-sync", benchRawSync)
	b.Run("raw-async", benchRawAsync)
	b.Run("relay/memory", benchRelayMemory)
	b.Run("relay/sqlite", func(b *testing.B) { benchRelayStore(b, storetest.SQLite(b)) })
	b.Run("relay/postgres", func(b *testing.B) {
		if os.Getenv(storetest.EnvURL) == "" {
			b.Skip(storetest.EnvURL + " is not set")
		}
		benchRelayStore(b, storetest.Postgres(b))
	})
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func benchRawSync(b *testing.B) {
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
	reportRate(b)
}

func benchRawAsync(b *testing.B) {
	e := newEnv(b, events.StreamConfig{})
	recs := newRecords(b, b.N, tenantA)
	msgs := make([]events.Message, len(recs))
	for i, r := range recs {
		msgs[i] = events.Message{Subject: r.Subject, ID: r.ID, Data: r.Payload}
	}
	b.SetBytes(int64(len(recs[0].Payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < len(msgs); i += events.DefaultRelayBatch {
		batch := msgs[i:min(i+events.DefaultRelayBatch, len(msgs))]
		if n, err := e.bus.PublishAll(context.Background(), batch); err != nil || n != len(batch) {
			b.Fatalf("PublishAll = %d, %v", n, err)
		}
	}
	b.StopTimer()
	reportRate(b)
}

// runBenchRelay runs a relay over out until the outbox has nothing pending
// (checked with pending) and stops it.
func runBenchRelay(b *testing.B, e env, out events.Outbox, pending func() (int, error)) {
	r, err := events.NewRelay(events.RelayConfig{Outbox: out, Publisher: e.bus, Poll: time.Hour, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitStreamMsgs(b, e.bus, uint64(b.N))
	testwait.Until(b, waitTimeout, "outbox drained", func() (bool, error) {
		n, err := pending()
		return err == nil && n == 0, fmt.Errorf("%d pending (%v)", n, err)
	})
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

func benchRelayMemory(b *testing.B) {
	e := newEnv(b, events.StreamConfig{})
	out := &memOutbox{}
	recs := newRecords(b, b.N, tenantA)
	b.SetBytes(int64(len(recs[0].Payload)))
	b.ReportAllocs()
	b.ResetTimer()
	out.add(recs...)
	runBenchRelay(b, e, out, func() (int, error) { return out.pending(), nil })
	reportRate(b)
}

func benchRelayStore(b *testing.B, db storetest.DB) {
	e := newEnv(b, events.StreamConfig{})
	tenant := newStoreTenant(b, db.Store)
	emitN(b, db.Store, tenant, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	runBenchRelay(b, e, db.Store.Outbox(), func() (int, error) {
		n, _, err := db.Store.Outbox().Pending(context.Background())
		return n, err
	})
	reportRate(b)
}
