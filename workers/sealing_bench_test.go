package workers_test

import (
	"context"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/crypt"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// BenchmarkPlanFanoutSealing measures what sealing costs the plan
// fan-out: the plan worker's transaction (workers.RebuildPlans, every plan
// of the 10,000-employee tenant of BenchmarkPlanFanout changed) after a
// new library version, through a store that seals (the library content is
// sealed, and unsealed by the rebuild) and through one that does not
// (store.Config.Plaintext), alternately on the same database in the same
// run. Reported: sealed-s and plain-s (seconds per fan-out) and
// overhead-% (sealed over plain, target ≤ 10).
func BenchmarkPlanFanoutSealing(b *testing.B) {
	db := storetest.Postgres(b)
	ctx := context.Background()
	kek, err := crypt.ParseKEK(storetest.KEK)
	if err != nil {
		b.Fatal(err)
	}
	plain, err := store.Open(ctx, store.Config{URL: db.AppURL, Logger: quiet, MaxOpenConns: 10, KMS: kek, Plaintext: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = plain.Close() })
	pool := benchPool(b, db.AppURL)
	tenant := benchTenant(b, db.Store, "bench")
	seedFanout(b, ctx, pool, tenant, benchTenant(b, db.Store, "floor"))

	status := library.StatusActive
	fanout := func(s *store.Store) time.Duration {
		if status == library.StatusActive {
			status = library.StatusRetired
		} else {
			status = library.StatusActive
		}
		benchLibrary(b, s, tenant, status, false)
		t0 := time.Now()
		var report workers.RebuildReport
		err := s.InTenant(ctx, tenant, func(tx *store.Tx) (err error) {
			report, err = workers.RebuildPlans(ctx, tx, nil, events.PlanCauseLibrary, time.Now())
			return err
		})
		if err != nil || report.Changed != fanoutEmployees {
			b.Fatalf("fan-out: %+v, %v", report, err)
		}
		return time.Since(t0)
	}
	fanout(db.Store) // the first plans
	var sealed, unsealed time.Duration
	i := 0
	for b.Loop() {
		// Alternate which goes first, so neither always meets a warmer cache.
		if i%2 == 0 {
			sealed += fanout(db.Store)
			unsealed += fanout(plain)
		} else {
			unsealed += fanout(plain)
			sealed += fanout(db.Store)
		}
		i++
	}
	n := float64(i)
	b.ReportMetric(sealed.Seconds()/n, "sealed-s")
	b.ReportMetric(unsealed.Seconds()/n, "plain-s")
	b.ReportMetric(100*(sealed.Seconds()/unsealed.Seconds()-1), "overhead-%")
}
