package events_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"
)

var (
	tenantA = tenants.NewID()
	tenantB = tenants.NewID()
)

func TestNewBusStreamConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	info, err := e.bus.StreamInfo(t.Context())
	if err != nil {
		t.Fatalf("StreamInfo: %v", err)
	}
	type view struct {
		Name       string
		Subjects   []string
		Retention  jetstream.RetentionPolicy
		Storage    jetstream.StorageType
		MaxAge     time.Duration
		Duplicates time.Duration
		Replicas   int
	}
	c := info.Config
	got := view{c.Name, c.Subjects, c.Retention, c.Storage, c.MaxAge, c.Duplicates, c.Replicas}
	want := view{"CADRE", []string{"cadre.>"}, jetstream.LimitsPolicy, jetstream.FileStorage, 30 * 24 * time.Hour, 5 * time.Minute, 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stream config (-want +got):\n%s", diff)
	}

	// A second NewBus with another max age updates the stream in place.
	bus, err := events.NewBus(t.Context(), e.nc, events.StreamConfig{MaxAge: 7 * 24 * time.Hour, Duplicates: 2 * time.Minute, Logger: quiet})
	if err != nil {
		t.Fatalf("NewBus update: %v", err)
	}
	info, err = bus.StreamInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Config.MaxAge, 7*24*time.Hour; got != want {
		t.Errorf("updated MaxAge = %s, want %s", got, want)
	}
	if got, want := info.Config.Duplicates, 2*time.Minute; got != want {
		t.Errorf("updated Duplicates = %s, want %s", got, want)
	}
}

func TestNewBusRejectsConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	tests := []struct {
		name string
		cfg  events.StreamConfig
	}{
		{"short duplicate window", events.StreamConfig{Duplicates: time.Minute}},
		{"max age under the window", events.StreamConfig{MaxAge: 3 * time.Minute}},
		{"replicas", events.StreamConfig{Replicas: -1}},
	}
	for _, tt := range tests {
		if _, err := events.NewBus(t.Context(), e.nc, tt.cfg); !errors.Is(err, events.ErrConfig) {
			t.Errorf("%s: NewBus error = %v, want ErrConfig", tt.name, err)
		}
	}
}

func TestPublishDeduplicates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	ev := newEvent(t, tenantA, 1)
	data := mustJSON(t, ev)
	first, err := e.bus.Publish(t.Context(), ev.Subject(), ev.ID, data)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	second, err := e.bus.Publish(t.Context(), ev.Subject(), ev.ID, data)
	if err != nil {
		t.Fatalf("Publish duplicate: %v", err)
	}
	if second != first {
		t.Errorf("duplicate seq = %d, want the original %d", second, first)
	}
	acked, err := e.bus.PublishAll(t.Context(), []events.Message{{Subject: ev.Subject(), ID: ev.ID, Data: data}})
	if err != nil || acked != 1 {
		t.Errorf("PublishAll duplicate = %d, %v, want 1, nil", acked, err)
	}
	if n, err := streamMsgs(t, e.bus); err != nil || n != 1 {
		t.Errorf("stream messages = %d (%v), want 1", n, err)
	}
}

func TestPublishAllAcksInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{PublishWindow: 8})
	recs := newRecords(t, 50, tenantA)
	msgs := make([]events.Message, len(recs))
	for i, r := range recs {
		msgs[i] = events.Message{Subject: r.Subject, ID: r.ID, Data: r.Payload}
	}
	acked, err := e.bus.PublishAll(t.Context(), msgs)
	if err != nil || acked != len(msgs) {
		t.Fatalf("PublishAll = %d, %v, want %d, nil", acked, err, len(msgs))
	}
	if got, want := streamIDs(t, e.bus, events.StreamSubjects, len(recs)), recordIDs(recs); !cmp.Equal(got, want) {
		t.Errorf("stream order (-want +got):\n%s", cmp.Diff(want, got))
	}

	// A subject outside the stream gets no PubAck: the acked prefix stops
	// before it.
	bad := append([]events.Message{msgs[0]}, events.Message{Subject: "elsewhere.x", ID: "x", Data: []byte("{}")})
	acked, err = e.bus.PublishAll(t.Context(), bad)
	if err == nil || acked != 1 {
		t.Errorf("PublishAll with an unbound subject = %d, %v, want 1 and an error", acked, err)
	}
}

func TestPurgeTenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	for i := range 6 {
		tenant := tenantA
		if i%3 == 0 {
			tenant = tenantB
		}
		if _, err := e.bus.PublishEvent(t.Context(), newEvent(t, tenant, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.bus.PurgeTenant(t.Context(), tenantA); err != nil {
		t.Fatalf("PurgeTenant: %v", err)
	}
	if n, err := streamMsgs(t, e.bus); err != nil || n != 2 {
		t.Errorf("stream messages after purge = %d (%v), want 2 (tenant B's)", n, err)
	}
	if err := e.bus.PurgeTenant(t.Context(), tenants.ID{}); !errors.Is(err, events.ErrConfig) {
		t.Errorf("PurgeTenant(zero) error = %v, want ErrConfig", err)
	}
}

func TestReady(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	if err := e.bus.Ready(t.Context()); err != nil {
		t.Errorf("Ready() = %v, want nil", err)
	}
	e.nc.Close()
	if err := e.bus.Ready(t.Context()); !errors.Is(err, events.ErrNotConnected) {
		t.Errorf("Ready() on a closed connection = %v, want ErrNotConnected", err)
	}
}

func recordIDs(recs []events.OutboxRecord) []string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	return ids
}
