package events_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
)

// appliedLog records, per tenant, the stream sequences handlers applied
// (first applications only: a redelivery of an applied event is skipped, as
// the workers' processed mark does), and who applied how many. It is safe
// for concurrent use.
type appliedLog struct {
	mu   sync.Mutex
	seqs map[string][]uint64
	seen map[uint64]bool
	by   map[string]int
	at   map[uint64]time.Time
}

func newAppliedLog() *appliedLog {
	return &appliedLog{seqs: map[string][]uint64{}, seen: map[uint64]bool{}, by: map[string]int{}, at: map[uint64]time.Time{}}
}

func (l *appliedLog) apply(who string, d *events.Delivery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen[d.Seq] {
		return
	}
	l.seen[d.Seq] = true
	l.seqs[d.Event.TenantID] = append(l.seqs[d.Event.TenantID], d.Seq)
	l.by[who]++
	l.at[d.Seq] = time.Now()
}

func (l *appliedLog) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.seen)
}

// checkOrder fails the test unless every tenant's events were applied, each
// once, in stream order.
func (l *appliedLog) checkOrder(t *testing.T, perTenant int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for tenant, seqs := range l.seqs {
		if len(seqs) != perTenant || !slices.IsSorted(seqs) {
			t.Errorf("tenant %s: applied %d events in order %v, want %d in stream order", tenant, len(seqs), seqs, perTenant)
		}
	}
}

// consumePartitions runs ConsumePartitions of bus until the returned cancel
// is called or the test ends; the test's cleanup waits for it to return.
func consumePartitions(t *testing.T, bus *events.Bus, cfg events.ConsumerConfig, h events.Handler) (cancel func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.ConsumePartitions(ctx, cfg, []events.Type{events.TypeDocumentUploaded}, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ConsumePartitions = %v, want nil", err)
		}
	})
	return cancel
}

// TestPartitionsKeepTenantOrderAcrossProcessesAndTakeOver: two processes
// (buses on connections of their own) consume 4 partitions; one dies in the
// middle of an event. Every tenant's events are applied once each, in
// stream order, both processes applied some, and the dead one's partition
// goes on in the other within 10 s of the crash.
func TestPartitionsKeepTenantOrderAcrossProcessesAndTakeOver(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{Partitions: 4})
	const nTenants, perTenant, crashAfter = 8, 30, 20
	cfg := events.ConsumerConfig{Durable: "ordered", FetchWait: 100 * time.Millisecond} // AckWait: the default, MaxAckWait

	nc, err := e.srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	doomed, err := events.OpenBus(nc, events.StreamConfig{Partitions: 4, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	log := newAppliedLog()
	stuck := make(chan uint64, 1)
	block := make(chan struct{})
	defer close(block)
	var doomedCalls sync.Mutex
	handled := 0
	cancelDoomed := consumePartitions(t, doomed, cfg, func(_ context.Context, d *events.Delivery) error {
		doomedCalls.Lock()
		handled++
		n := handled
		doomedCalls.Unlock()
		if n > crashAfter {
			select {
			case stuck <- d.Seq:
			default:
			}
			<-block // never settles: the process dies first
			return nil
		}
		log.apply("doomed", d)
		return nil
	})
	consumePartitions(t, e.bus, cfg, func(_ context.Context, d *events.Delivery) error {
		log.apply("survivor", d)
		return nil
	})

	ts := make([]tenants.ID, nTenants)
	for i := range ts {
		ts[i] = tenants.NewID()
	}
	for i := range perTenant {
		for _, tenant := range ts {
			if _, err := e.bus.PublishEvent(t.Context(), newEvent(t, tenant, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	var held uint64
	select {
	case held = <-stuck:
	case <-time.After(waitTimeout):
		t.Fatal("the doomed process never got its last event")
	}
	nc.Close() // the crash: the held event is neither acked nor kept in progress
	crashed := time.Now()
	cancelDoomed()

	testwait.Until(t, waitTimeout, "every event applied", func() (bool, error) {
		n := log.total()
		return n == nTenants*perTenant, fmt.Errorf("%d of %d applied", n, nTenants*perTenant)
	})
	log.checkOrder(t, perTenant)
	log.mu.Lock()
	defer log.mu.Unlock()
	if log.by["doomed"] == 0 || log.by["survivor"] == 0 {
		t.Errorf("applied by process: %v, want both to share the partitions", log.by)
	}
	if took := log.at[held].Sub(crashed); took > 10*time.Second {
		t.Errorf("the event the dead process held was applied %s after the crash, want within 10s", took)
	}
}

// TestPartitionsQuietTenantNotBehindBusyOne: a busy tenant's handler is
// stuck on the first of its 50 events; a quiet tenant of another partition
// uploads one: its event is handled meanwhile, in the same process, and the
// busy tenant's backlog then drains in order.
func TestPartitionsQuietTenantNotBehindBusyOne(t *testing.T) {
	t.Parallel()
	const partitions, backlog = 4, 50
	e := newEnv(t, events.StreamConfig{Partitions: partitions})
	busy, quietTenant := tenants.NewID(), tenants.NewID()
	for events.PartitionOf(quietTenant, partitions) == events.PartitionOf(busy, partitions) {
		quietTenant = tenants.NewID()
	}
	log := newAppliedLog()
	release := make(chan struct{})
	quietDone := make(chan int, 1) // the busy tenant's events applied when the quiet one's was
	consumePartitions(t, e.bus, events.ConsumerConfig{Durable: "fair", FetchWait: 100 * time.Millisecond},
		func(ctx context.Context, d *events.Delivery) error {
			if d.Event.Tenant() == quietTenant {
				log.mu.Lock()
				n := len(log.seqs[busy.String()])
				log.mu.Unlock()
				log.apply("quiet", d)
				quietDone <- n
				return nil
			}
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
			log.apply("busy", d)
			return nil
		})
	for i := range backlog {
		if _, err := e.bus.PublishEvent(t.Context(), newEvent(t, busy, i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.bus.PublishEvent(t.Context(), newEvent(t, quietTenant, 0)); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-quietDone:
		if n != 0 {
			t.Errorf("the quiet tenant's event was applied after %d of the busy tenant's, want while the first is stuck", n)
		}
	case <-time.After(waitTimeout):
		t.Fatal("the quiet tenant's event waits behind the busy tenant's backlog")
	}
	close(release)
	testwait.Until(t, waitTimeout, "the backlog applied", func() (bool, error) {
		n := log.total()
		return n == backlog+1, fmt.Errorf("%d of %d applied", n, backlog+1)
	})
	log.mu.Lock()
	defer log.mu.Unlock()
	if seqs := log.seqs[busy.String()]; !slices.IsSorted(seqs) {
		t.Errorf("busy tenant's events applied in order %v, want stream order", seqs)
	}
}

// TestPartitionOfMatchesTheStream: the stream stores each event with the
// partition PartitionOf computes for its tenant appended to its subject, and
// PartitionFilter selects exactly that partition's events.
func TestPartitionOfMatchesTheStream(t *testing.T) {
	t.Parallel()
	const partitions = 5
	e := newEnv(t, events.StreamConfig{Partitions: partitions})
	stream, err := e.bus.JetStream().Stream(t.Context(), e.bus.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for i := range 40 {
		tenant := tenants.NewID()
		ev := newEvent(t, tenant, i)
		if _, err := e.bus.PublishEvent(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
		p := events.PartitionOf(tenant, partitions)
		seen[p] = true
		m, err := stream.GetLastMsgForSubject(t.Context(), events.TenantFilter(tenant))
		if err != nil {
			t.Fatal(err)
		}
		if want := ev.Subject() + "." + strconv.Itoa(p); m.Subject != want {
			t.Errorf("stored on %q, want %q", m.Subject, want)
		}
		if _, err := stream.GetLastMsgForSubject(t.Context(), events.PartitionFilter(ev.Type, p)); err != nil {
			t.Errorf("PartitionFilter(%d) does not find the event: %v", p, err)
		}
		other := (p + 1) % partitions
		if m, err := stream.GetLastMsgForSubject(t.Context(), events.PartitionFilter(ev.Type, other)); err == nil && strings.Contains(m.Subject, tenant.String()) {
			t.Errorf("PartitionFilter(%d) finds the event of partition %d", other, p)
		} else if err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			t.Fatal(err)
		}
	}
	if len(seen) < 3 {
		t.Errorf("40 tenants fell in %d of %d partitions", len(seen), partitions)
	}
}

// TestPartitionsRefused: a number of partitions out of range is a
// configuration error.
func TestPartitionsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	for _, n := range []int{-1, events.MaxPartitions + 1} {
		if _, err := events.OpenBus(e.nc, events.StreamConfig{Partitions: n}); !errors.Is(err, events.ErrConfig) {
			t.Errorf("OpenBus with %d partitions = %v, want ErrConfig", n, err)
		}
	}
	if err := e.bus.ConsumePartitions(t.Context(), events.ConsumerConfig{Durable: "none"}, nil, nil); !errors.Is(err, events.ErrConfig) {
		t.Errorf("ConsumePartitions without types = %v, want ErrConfig", err)
	}
}

// TestStreamGainsPartitions: a stream made before partitions (no subject
// transform) takes the transform when a bus opens it, and a later change of
// the number of partitions applies to the events stored after it; the
// events stored before keep their subjects, and a tenant's filter sees
// them all.
func TestStreamGainsPartitions(t *testing.T) {
	t.Parallel()
	srv, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.CreateStream(t.Context(), jetstream.StreamConfig{Name: events.DefaultStreamName, Subjects: []string{events.StreamSubjects},
		Duplicates: events.DefaultDuplicates, MaxAge: events.DefaultMaxAge})
	if err != nil {
		t.Fatal(err)
	}
	// A tenant whose partitions under 4 and 7 differ, so that each
	// partition count stores the tenant's events on a subject of its own.
	tenant := tenants.NewID()
	for events.PartitionOf(tenant, 4) == events.PartitionOf(tenant, 7) {
		tenant = tenants.NewID()
	}
	before := newEvent(t, tenant, 0)
	if _, err := js.Publish(t.Context(), before.Subject(), mustJSON(t, before)); err != nil {
		t.Fatal(err)
	}
	for i, n := range []int{4, 7} {
		bus, err := events.NewBus(t.Context(), nc, events.StreamConfig{Partitions: n, Logger: quiet})
		if err != nil {
			t.Fatalf("NewBus with %d partitions on an existing stream: %v", n, err)
		}
		ev := newEvent(t, tenant, i+1)
		if _, err := bus.PublishEvent(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
		m, err := stream.GetLastMsgForSubject(t.Context(), events.TenantFilter(tenant))
		if err != nil {
			t.Fatal(err)
		}
		if want := ev.Subject() + "." + strconv.Itoa(events.PartitionOf(tenant, n)); m.Subject != want {
			t.Errorf("%d partitions: stored on %q, want %q", n, m.Subject, want)
		}
	}
	m, err := stream.GetMsg(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != before.Subject() {
		t.Errorf("the event stored before partitions is on %q now, want %q", m.Subject, before.Subject())
	}
	info, err := stream.Info(t.Context(), jetstream.WithSubjectFilter(events.TenantFilter(tenant)))
	if err != nil {
		t.Fatal(err)
	}
	if len(info.State.Subjects) != 3 {
		t.Errorf("the tenant's filter sees subjects %v, want 3", info.State.Subjects)
	}
}
