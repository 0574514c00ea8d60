package events_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// The tests of this file run the relay against the real store (SQLite and
// PostgreSQL), where relay_test.go uses an in-memory outbox.

// emitN writes n document.uploaded events of the tenant through the store,
// in transactions of 10, and returns their ids in order.
func emitN(t testing.TB, st *store.Store, tenant tenants.ID, n int) []string {
	t.Helper()
	var ids []string
	for len(ids) < n {
		err := st.InTenant(t.Context(), tenant, func(tx *store.Tx) error {
			for i := len(ids); i < min(n, len(ids)+10); i++ {
				ev, err := tx.Emit(events.TypeDocumentUploaded, fmt.Sprintf("doc-%d", i), events.DocumentUploaded{
					DocumentID: tenants.NewID().String(), Title: fmt.Sprintf("Doc %d", i), ContentType: "text/plain", SizeBytes: 1,
					SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ContextRevision: int64(i + 1)})
				if err != nil {
					return err
				}
				ids = append(ids, ev.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("emit: %v", err)
		}
	}
	return ids
}

func newStoreTenant(t testing.TB, st *store.Store) tenants.ID {
	t.Helper()
	id := tenants.NewID()
	if err := st.CreateTenant(t.Context(), store.Tenant{ID: id, Name: "Acme", Slug: "acme-" + id.String()[24:], Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	return id
}

// streamCopies reads every message of the stream and counts them per
// Nats-Msg-Id header and per event id of their data.
func streamCopies(t *testing.T, bus *events.Bus) (byMsgID, byEventID map[string]int) {
	t.Helper()
	ctx := context.Background()
	s, err := bus.JetStream().Stream(ctx, bus.StreamName())
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	state := s.CachedInfo().State
	byMsgID, byEventID = map[string]int{}, map[string]int{}
	for seq := state.FirstSeq; state.Msgs > 0 && seq <= state.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("get message %d: %v", seq, err)
		}
		byMsgID[m.Header.Get(jetstream.MsgIDHeader)]++
		ev, err := events.Parse(m.Data)
		if err != nil {
			t.Fatalf("message %d is not an event: %v", seq, err)
		}
		byEventID[ev.ID]++
	}
	return byMsgID, byEventID
}

// checkOnceEach checks that the stream holds each id exactly once, under
// its Nats-Msg-Id and as its event id, and nothing else.
func checkOnceEach(t *testing.T, bus *events.Bus, ids []string) {
	t.Helper()
	byMsgID, byEventID := streamCopies(t, bus)
	for name, counts := range map[string]map[string]int{"Nats-Msg-Id": byMsgID, "event id": byEventID} {
		for _, id := range ids {
			if counts[id] != 1 {
				t.Errorf("%s %s: %d copies in the stream, want 1", name, id, counts[id])
			}
		}
		if len(counts) != len(ids) {
			t.Errorf("stream holds %d distinct %ss, want %d", len(counts), name, len(ids))
		}
	}
	if n, err := streamMsgs(t, bus); err != nil || n != uint64(len(ids)) {
		t.Errorf("stream messages = %d (%v), want %d", n, err, len(ids))
	}
}

// waitOutboxDrained waits until the store's outbox has nothing pending.
func waitOutboxDrained(t *testing.T, st *store.Store) {
	t.Helper()
	testwait.Until(t, waitTimeout, "outbox drained", func() (bool, error) {
		n, _, err := st.Outbox().Pending(context.Background())
		return err == nil && n == 0, fmt.Errorf("%d pending (%v)", n, err)
	})
}

// TestStoreRelayCutOffBeforeMark: a relay publishes a batch of the real
// outbox, gets the PubAcks, and is cut off before its marks commit (its
// context ends, as when the process dies); the rows stay pending, and a
// fresh relay publishes them again without a second copy in the stream.
func TestStoreRelayCutOffBeforeMark(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, events.StreamConfig{})
		tenant := newStoreTenant(t, db.Store)
		ids := emitN(t, db.Store, tenant, 30)

		ctx, cut := context.WithCancel(context.Background())
		defer cut()
		published := 0
		n, err := db.Store.Outbox().Drain(ctx, 100, func(ctx context.Context, recs []events.OutboxRecord) (int, error) {
			msgs := make([]events.Message, len(recs))
			for i, r := range recs {
				msgs[i] = events.Message{Subject: r.Subject, ID: r.ID, Data: r.Payload}
			}
			acked, err := e.bus.PublishAll(ctx, msgs)
			published = acked
			cut() // the relay dies between the PubAcks and the mark
			return acked, err
		})
		if err == nil || n != 0 {
			t.Fatalf("cut-off drain = %d, %v; want 0 marked and an error", n, err)
		}
		if published != len(ids) {
			t.Fatalf("cut-off relay published %d, want %d", published, len(ids))
		}
		if got, _, err := db.Store.Outbox().Pending(t.Context()); err != nil || got != len(ids) {
			t.Fatalf("pending after the cut = %d (%v), want %d: nothing may be marked", got, err, len(ids))
		}
		waitStreamMsgs(t, e.bus, uint64(len(ids)))

		runRelay(t, events.RelayConfig{Outbox: db.Store.Outbox(), Publisher: e.bus, Batch: 7, Poll: 10 * time.Millisecond})
		waitOutboxDrained(t, db.Store)
		checkOnceEach(t, e.bus, ids)
	})
}

// TestStoreRelaysShareTheOutbox: three relays drain one real outbox (FOR
// UPDATE SKIP LOCKED on PostgreSQL; on SQLite a row read by two relays is
// published twice and deduplicated by the stream): each event is in the
// stream once.
func TestStoreRelaysShareTheOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, events.StreamConfig{})
		a, b := newStoreTenant(t, db.Store), newStoreTenant(t, db.Store)
		ids := append(emitN(t, db.Store, a, 150), emitN(t, db.Store, b, 150)...)
		for range 3 {
			runRelay(t, events.RelayConfig{Outbox: db.Store.Outbox(), Publisher: e.bus, Batch: 20, Poll: 10 * time.Millisecond})
		}
		waitOutboxDrained(t, db.Store)
		checkOnceEach(t, e.bus, ids)
	})
}
