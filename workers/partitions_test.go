package workers_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// TestTwoProcessesOnFourPartitions: two worker processes run the library
// builder on a stream of 4 partitions while six tenants upload documents;
// one process is killed in the middle. Both processes applied events, and
// every tenant's library ends at its last context revision with versions
// numbered 1..n without a gap and context revisions rising with them:
// each tenant's events were applied in order, before and after the
// survivor took the dead process's partitions over.
func TestTwoProcessesOnFourPartitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := newStack(t, db, 4)
		kill, regDoomed := s.process(t, workers.Library())
		_, regSurvivor := s.process(t, workers.Library())
		ts := make([]tenants.ID, 6)
		for i := range ts {
			ts[i] = s.tenant(t, fmt.Sprintf("company-%d", i))
		}
		final := map[tenants.ID]int64{}
		uploadRound := func(from, to int) {
			for i := from; i < to; i++ {
				for _, tenant := range ts {
					rev, err := s.upload(t.Context(), tenant, i)
					if err != nil {
						t.Fatal(err)
					}
					final[tenant] = rev
				}
			}
		}
		uploadRound(0, 5)
		testwait.Until(t, waitTimeout, "the doomed process applied events", func() (bool, error) {
			n := metric(t, regDoomed, "cadre_worker_events_total", map[string]string{"worker": workers.LibraryWorkerName, "outcome": "ok"})
			return n > 0, fmt.Errorf("%v applied", n)
		})
		kill()
		killed := time.Now()
		uploadRound(5, 10)
		for _, tenant := range ts {
			testwait.Until(t, waitTimeout, "library of every tenant at its last revision", func() (bool, error) {
				vs := s.versions(t, tenant)
				return len(vs) > 0 && vs[len(vs)-1][1] == final[tenant], fmt.Errorf("versions %v, want the last at revision %d", vs, final[tenant])
			})
		}
		t.Logf("every library current %s after the kill", time.Since(killed).Round(time.Millisecond))
		for _, tenant := range ts {
			vs := s.versions(t, tenant)
			for i, v := range vs {
				if v[0] != int64(i+1) || i > 0 && v[1] <= vs[i-1][1] {
					t.Errorf("tenant %s: versions (version, revision) %v, want 1..n with rising revisions", tenant, vs)
					break
				}
			}
		}
		if n := metric(t, regSurvivor, "cadre_worker_events_total", map[string]string{"worker": workers.LibraryWorkerName, "outcome": "ok"}); n == 0 {
			t.Errorf("the survivor applied no event")
		}
	})
}
