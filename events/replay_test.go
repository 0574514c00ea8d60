package events_test

import (
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/google/go-cmp/cmp"
)

func TestReplay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	var seqA []uint64
	for i := range 8 {
		tenant := tenantA
		if i%3 == 2 {
			tenant = tenantB
		}
		seq, err := e.bus.PublishEvent(t.Context(), newEvent(t, tenant, i))
		if err != nil {
			t.Fatal(err)
		}
		if tenant == tenantA {
			seqA = append(seqA, seq)
		}
	}
	tests := []struct {
		name string
		from uint64
		want []uint64
	}{
		{"from the start", 0, seqA},
		{"from 1", 1, seqA},
		{"resume after the third", seqA[2] + 1, seqA[3:]},
	}
	for _, tt := range tests {
		ch, err := e.bus.Replay(t.Context(), events.TenantFilter(tenantA), tt.from)
		if err != nil {
			t.Fatalf("Replay: %v", err)
		}
		var got []uint64
		for len(got) < len(tt.want) {
			select {
			case r := <-ch:
				if r.Event.Tenant() != tenantA {
					t.Errorf("%s: event of tenant %s, want %s", tt.name, r.Event.Tenant(), tenantA)
				}
				got = append(got, r.Seq)
			case <-time.After(waitTimeout):
				t.Fatalf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: seqs (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestReplayFollowsLiveAndStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	ctx, cancel := testContext(t)
	ch, err := e.bus.Replay(ctx, events.TenantFilter(tenantA), 0)
	if err != nil {
		t.Fatal(err)
	}
	live := newEvent(t, tenantA, 42)
	if _, err := e.bus.PublishEvent(t.Context(), live); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-ch:
		if r.Event.ID != live.ID {
			t.Errorf("live event id = %s, want %s", r.Event.ID, live.ID)
		}
	case <-time.After(waitTimeout):
		t.Fatal("live event not replayed")
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Error("event after cancel, want the channel closed")
		}
	case <-time.After(waitTimeout):
		t.Fatal("channel not closed after cancel")
	}
}
