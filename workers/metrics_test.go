package workers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// TestLagCollector: with a handler stuck on the first of five events and one
// unacknowledged delivery allowed, a scrape shows 4 pending and 1 ack
// pending for that consumer, nothing for a consumer not created yet, and
// 0 and 0 once the handler is released.
func TestLagCollector(t *testing.T) {
	r := newRig(t, storetest.SQLite(t))
	reg := prometheus.NewRegistry()
	reg.MustRegister(workers.NewLagCollector(r.bus, append(events.PartitionDurables("lag", r.bus.Partitions()), "not-created")...))

	started := make(chan struct{}, 8)
	release := make(chan struct{})
	opts := fast(3)
	opts.MaxAckPending = 1
	r.run(t, workers.Worker{Name: "lag", Types: []events.Type{events.TypeDocumentUploaded}, Options: opts,
		Handle: func(ctx context.Context, tx *store.Tx, ev events.Event) error {
			started <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
			return applyEffect(tx, ev)
		}})
	for i := range 5 {
		r.publish(t, r.a, fmt.Sprintf("doc-%d", i))
	}
	<-started
	lag := func() map[string]float64 { // summed over the partitions (one holds tenant A's events)
		sum := map[string]float64{}
		for _, durable := range events.PartitionDurables("lag", r.bus.Partitions()) {
			sum["pending"] += metric(t, reg, "cadre_consumer_pending", map[string]string{"consumer": durable})
			sum["ack_pending"] += metric(t, reg, "cadre_consumer_ack_pending", map[string]string{"consumer": durable})
		}
		return sum
	}
	testwait.Until(t, waitTimeout, "lag 4 pending, 1 ack pending", func() (bool, error) {
		got := lag()
		return got["pending"] == 4 && got["ack_pending"] == 1, fmt.Errorf("got %v", got)
	})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == "not-created" {
					t.Errorf("%s has a series for a consumer that does not exist", mf.GetName())
				}
			}
		}
	}
	close(release)
	r.waitSettled(t, "lag")
	if diff := cmp.Diff(map[string]float64{"pending": 0, "ack_pending": 0}, lag()); diff != "" {
		t.Errorf("lag after the handler ran (-want +got):\n%s", diff)
	}
	if got := len(r.effects(t, r.a)); got != 5 {
		t.Errorf("effects = %d, want 5", got)
	}
}

func TestConsumerNames(t *testing.T) {
	got := workers.ConsumerNames([]workers.Worker{{Name: "library"}, {Name: "scoring"}}, 2)
	if diff := cmp.Diff([]string{"library-0", "library-1", "scoring-0", "scoring-1", workers.JanitorName}, got); diff != "" {
		t.Errorf("ConsumerNames (-want +got):\n%s", diff)
	}
}

// TestRunnerSeriesExistAtZero: once a worker runs, its redelivery and
// dead-letter counters exist at 0, so an alert on rate() sees the first one.
func TestRunnerSeriesExistAtZero(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		r.run(t, workers.Library())
		want := map[string]bool{"cadre_worker_redeliveries_total": false, "cadre_worker_dead_letters_total": false, "cadre_worker_events_total": false}
		testwait.Until(t, 10*time.Second, "seeded series", func() (bool, error) {
			mfs, err := r.reg.Gather()
			if err != nil {
				return false, err
			}
			for _, mf := range mfs {
				if _, ok := want[mf.GetName()]; !ok {
					continue
				}
				for _, m := range mf.GetMetric() {
					if m.GetCounter().GetValue() != 0 {
						return false, fmt.Errorf("%s = %v before any event", mf.GetName(), m.GetCounter().GetValue())
					}
					for _, l := range m.GetLabel() {
						if l.GetName() == "worker" && l.GetValue() == workers.LibraryWorkerName {
							want[mf.GetName()] = true
						}
					}
				}
			}
			for _, ok := range want {
				if !ok {
					return false, nil
				}
			}
			return true, nil
		})
	})
}
