package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/nats-io/nats.go"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 20 * time.Second

var quiet = slog.New(slog.DiscardHandler)

// env is an embedded server with a connection and a bus on it.
type env struct {
	srv *events.Embedded
	nc  *nats.Conn
	bus *events.Bus
}

// newEnv starts an embedded server on a fresh store and a bus with cfg.
func newEnv(t testing.TB, cfg events.StreamConfig) env {
	t.Helper()
	srv, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(nc.Close)
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	bus, err := events.NewBus(t.Context(), nc, cfg)
	if err != nil {
		t.Fatalf("NewBus: %v", err)
	}
	return env{srv: srv, nc: nc, bus: bus}
}

// streamMsgs returns how many messages the stream holds.
func streamMsgs(t testing.TB, bus *events.Bus) (uint64, error) {
	t.Helper()
	info, err := bus.StreamInfo(context.Background())
	if err != nil {
		return 0, err
	}
	return info.State.Msgs, nil
}

// waitStreamMsgs waits until the stream holds exactly want messages.
func waitStreamMsgs(t testing.TB, bus *events.Bus, want uint64) {
	t.Helper()
	testwait.Until(t, waitTimeout, fmt.Sprintf("%d stream messages", want), func() (bool, error) {
		n, err := streamMsgs(t, bus)
		if err != nil {
			return false, err
		}
		return n == want, fmt.Errorf("got %d messages", n)
	})
}

// newEvent returns a valid document.uploaded event of the tenant.
func newEvent(t testing.TB, tenant tenants.ID, i int) events.Event {
	t.Helper()
	e, err := events.New(tenant, events.TypeDocumentUploaded, fmt.Sprintf("doc-%d", i), events.DocumentUploaded{
		DocumentID:      fmt.Sprintf("0198f3a2-0000-7000-8000-%012d", i),
		Title:           fmt.Sprintf("Engineering handbook, part %d", i),
		ContentType:     "text/markdown",
		SizeBytes:       int64(1000 + i),
		SHA256:          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		ContextRevision: int64(i),
	}, time.Date(2026, 3, 1, 12, 0, 0, i, time.UTC))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// newRecords returns n outbox records spread over the tenants.
func newRecords(t testing.TB, n int, ts ...tenants.ID) []events.OutboxRecord {
	t.Helper()
	recs := make([]events.OutboxRecord, n)
	for i := range recs {
		rec, err := events.NewOutboxRecord(newEvent(t, ts[i%len(ts)], i))
		if err != nil {
			t.Fatalf("NewOutboxRecord: %v", err)
		}
		recs[i] = rec
	}
	return recs
}

// errCrash is the failure memOutbox injects between publish and mark.
var errCrash = errors.New("simulated crash before mark")

// memOutbox is an in-memory Outbox for these tests only: records are kept
// oldest first; Drain locks the records it takes (so concurrent drains skip
// them, like FOR UPDATE SKIP LOCKED), publishes outside the lock, then marks
// the done prefix and unlocks, like a commit.
type memOutbox struct {
	// mu guards every field below.
	mu       sync.Mutex
	recs     []*memRecord
	failMark int // drains left that fail after publishing, before marking
}

type memRecord struct {
	rec       events.OutboxRecord
	created   time.Time
	published time.Time
	locked    bool
}

func (o *memOutbox) add(recs ...events.OutboxRecord) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range recs {
		o.recs = append(o.recs, &memRecord{rec: r, created: time.Now()})
	}
}

func (o *memOutbox) Drain(ctx context.Context, limit int, publish func(context.Context, []events.OutboxRecord) (int, error)) (int, error) {
	o.mu.Lock()
	var batch []*memRecord
	for _, r := range o.recs {
		if len(batch) == limit {
			break
		}
		if r.published.IsZero() && !r.locked {
			r.locked = true
			batch = append(batch, r)
		}
	}
	o.mu.Unlock()
	if len(batch) == 0 {
		return 0, nil
	}
	recs := make([]events.OutboxRecord, len(batch))
	for i, r := range batch {
		recs[i] = r.rec
	}
	done, perr := publish(ctx, recs)

	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range batch {
		r.locked = false // commit or rollback releases the row locks
	}
	if o.failMark > 0 {
		o.failMark--
		return 0, errCrash // rolled back: nothing marked
	}
	if done < 0 || done > len(batch) {
		return 0, fmt.Errorf("publish reported %d done of %d", done, len(batch))
	}
	now := time.Now()
	for _, r := range batch[:done] {
		r.published = now
	}
	return done, perr
}

func (o *memOutbox) Prune(_ context.Context, before time.Time) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	kept := o.recs[:0]
	n := 0
	for _, r := range o.recs {
		if !r.published.IsZero() && r.published.Before(before) {
			n++
			continue
		}
		kept = append(kept, r)
	}
	o.recs = kept
	return n, nil
}

func (o *memOutbox) Pending(context.Context) (int, time.Duration, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, oldest := 0, time.Duration(0)
	for _, r := range o.recs {
		if r.published.IsZero() {
			if n == 0 {
				oldest = time.Since(r.created)
			}
			n++
		}
	}
	return n, oldest, nil
}

// pending returns the backlog count.
func (o *memOutbox) pending() int {
	n, _, _ := o.Pending(context.Background())
	return n
}

// ids returns the ids of every event in the stream matching filter, in
// stream order, read with Replay.
func streamIDs(t testing.TB, bus *events.Bus, filter string, want int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	ch, err := bus.Replay(ctx, filter, 0)
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	var ids []string
	for len(ids) < want {
		r, ok := <-ch
		if !ok {
			t.Fatalf("replay ended after %d events, want %d", len(ids), want)
		}
		ids = append(ids, r.Event.ID)
	}
	return ids
}

// countingMetrics records the relay's measurements.
type countingMetrics struct {
	mu        sync.Mutex
	published int
	failures  int
	failed    chan struct{} // closed at the first failure
	once      sync.Once
}

func newCountingMetrics() *countingMetrics { return &countingMetrics{failed: make(chan struct{})} }

func (m *countingMetrics) Published(n int) { m.mu.Lock(); m.published += n; m.mu.Unlock() }
func (m *countingMetrics) PublishFailed() {
	m.mu.Lock()
	m.failures++
	m.mu.Unlock()
	m.once.Do(func() { close(m.failed) })
}
func (m *countingMetrics) Backlog(int, time.Duration) {}

func (m *countingMetrics) counts() (published, failures int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.published, m.failures
}

// mustJSON marshals v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// testContext returns a context cancelled at the end of the test (or by
// cancel).
func testContext(t testing.TB) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx, cancel
}
