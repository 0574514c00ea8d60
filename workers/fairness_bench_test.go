package workers_test

import (
	"context"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/domain/text/analysis"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// Settings of BenchmarkFairness, from the environment.
const (
	// fairnessDurationEnv is how long the busy tenant uploads (default 60s).
	fairnessDurationEnv = "CADRE_BENCH_FAIRNESS_DURATION"
	// fairnessPartitionsEnv is the stream's partitions (default 8).
	fairnessPartitionsEnv = "CADRE_BENCH_PARTITIONS"
	// fairnessClientsEnv is how many clients upload for the busy tenant
	// (default 16; 0 measures the quiet tenant alone).
	fairnessClientsEnv = "CADRE_BENCH_CLIENTS"
)

// rebuilt is one library.rebuilt event as a dashboard receives it.
type rebuilt struct {
	at  time.Time
	rev int64
}

// rebuiltLog collects the library.rebuilt and document.uploaded events of
// every tenant, in arrival order. It is safe for concurrent use.
type rebuiltLog struct {
	mu       sync.Mutex
	got      map[string][]rebuilt
	uploaded map[string][]rebuilt
}

// covered returns when the first library.rebuilt of the tenant covering
// revision rev arrived after since, and whether one did.
func (l *rebuiltLog) covered(tenant tenants.ID, rev int64, since time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return firstCovering(l.got[tenant.String()], rev, since)
}

// relayed returns when the document.uploaded of revision rev (or a later
// one) of the tenant arrived after since.
func (l *rebuiltLog) relayed(tenant tenants.ID, rev int64, since time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return firstCovering(l.uploaded[tenant.String()], rev, since)
}

func firstCovering(list []rebuilt, rev int64, since time.Time) (time.Time, bool) {
	for _, r := range list {
		if r.rev >= rev && r.at.After(since) {
			return r.at, true
		}
	}
	return time.Time{}, false
}

func (l *rebuiltLog) builds(tenant tenants.ID) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.got[tenant.String()])
}

// BenchmarkFairness measures issue 13's fairness targets on PostgreSQL with
// embedded NATS, the outbox relay and every worker in one worker process,
// below HTTP (the use cases): a busy tenant uploads documents from 16
// clients without pause for CADRE_BENCH_FAIRNESS_DURATION (default 60s)
// while a quiet tenant, in another partition, uploads one document a
// second. Each library.rebuilt is received on NATS as a dashboard would.
//
// Reported: quiet-p50-s, quiet-p99-s, quiet-max-s (a quiet upload's start
// to the first library.rebuilt covering its revision; target p99 ≤ 1 s),
// busy-lag-p50-s, busy-lag-p99-s, busy-lag-max-s (the same for each busy
// upload: how far its library lags its inputs; target ≤ 5 s),
// busy-uploads and busy-builds (versions built meanwhile). Run it with
//
//	CADRE_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench BenchmarkFairness -benchtime 1x ./workers/
func BenchmarkFairness(b *testing.B) {
	duration, partitions, clients := 60*time.Second, events.DefaultPartitions, 16
	if v := os.Getenv(fairnessDurationEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("%s: %v", fairnessDurationEnv, err)
		}
		duration = d
	}
	if v := os.Getenv(fairnessPartitionsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("%s: %v", fairnessPartitionsEnv, err)
		}
		partitions = n
	}
	if v := os.Getenv(fairnessClientsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("%s: %v", fairnessClientsEnv, err)
		}
		clients = n
	}
	analysis.ESCO() // parsed once per process, as `cadre worker` does at start
	db := storetest.Postgres(b)
	s := newStack(b, db, partitions)
	// The workers run as `cadre worker` does, on a pool of their own.
	ws, err := store.Open(context.Background(), store.Config{URL: db.AppURL, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ws.Close() })
	ws.OnCommit(s.relay.Wake)
	s.processOn(b, ws, workers.All()...)
	log := &rebuiltLog{got: map[string][]rebuilt{}, uploaded: map[string][]rebuilt{}}
	nc, err := s.emb.Connect()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	// Core NATS subscribers see events on their published subject.
	sub, err := nc.Subscribe("cadre.*.*.*", func(m *nats.Msg) {
		at := time.Now()
		ev, err := events.Parse(m.Data)
		if err != nil {
			return
		}
		var p struct {
			ContextRevision int64 `json:"context_revision"`
		}
		if ev.DecodeData(&p) != nil {
			return
		}
		log.mu.Lock()
		defer log.mu.Unlock()
		switch ev.Type {
		case events.TypeLibraryRebuilt:
			log.got[ev.TenantID] = append(log.got[ev.TenantID], rebuilt{at: at, rev: p.ContextRevision})
		case events.TypeDocumentUploaded:
			log.uploaded[ev.TenantID] = append(log.uploaded[ev.TenantID], rebuilt{at: at, rev: p.ContextRevision})
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sub.Unsubscribe() })

	var seq atomic.Int64
	for iter := 0; b.Loop(); iter++ {
		busy := s.tenant(b, "busy-"+strconv.Itoa(iter))
		quietTenant := s.tenant(b, "quiet-"+strconv.Itoa(iter))
		for k := 0; partitions > 1 && events.PartitionOf(quietTenant, partitions) == events.PartitionOf(busy, partitions); k++ {
			quietTenant = s.tenant(b, "quiet-"+strconv.Itoa(iter)+"-"+strconv.Itoa(k))
		}
		type upload struct {
			start, done time.Time
			rev         int64
		}
		var mu sync.Mutex
		var busyUploads, quietUploads []upload
		ctx, cancel := context.WithTimeout(context.Background(), duration)
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for ctx.Err() == nil {
					start := time.Now()
					rev, err := s.upload(ctx, busy, int(seq.Add(1)))
					if err != nil {
						if ctx.Err() == nil {
							b.Errorf("busy upload: %v", err)
						}
						return
					}
					mu.Lock()
					busyUploads = append(busyUploads, upload{start, time.Now(), rev})
					mu.Unlock()
				}
			})
		}
		wg.Go(func() {
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				start := time.Now()
				rev, err := s.upload(context.Background(), quietTenant, int(seq.Add(1)))
				if err != nil {
					b.Errorf("quiet upload: %v", err)
					return
				}
				mu.Lock()
				quietUploads = append(quietUploads, upload{start, time.Now(), rev})
				mu.Unlock()
			}
		})
		wg.Wait()
		cancel()

		// Wait for the builds covering the last uploads, then measure.
		lastBusy, lastQuiet := int64(0), int64(0)
		for _, u := range busyUploads {
			lastBusy = max(lastBusy, u.rev)
		}
		for _, u := range quietUploads {
			lastQuiet = max(lastQuiet, u.rev)
		}
		drain := time.Now().Add(5 * time.Minute)
		for {
			_, okB := log.covered(busy, lastBusy, time.Time{})
			okB = okB || lastBusy == 0
			_, okQ := log.covered(quietTenant, lastQuiet, time.Time{})
			if okB && okQ {
				break
			}
			if time.Now().After(drain) {
				b.Fatalf("the libraries did not catch up with revisions %d and %d in 5 minutes", lastBusy, lastQuiet)
			}
			time.Sleep(50 * time.Millisecond) // a benchmark's poll, not a test's wait
		}
		latencies := func(tenant tenants.ID, us []upload) []time.Duration {
			out := make([]time.Duration, 0, len(us))
			for _, u := range us {
				at, _ := log.covered(tenant, u.rev, u.start)
				out = append(out, at.Sub(u.start))
			}
			slices.Sort(out)
			return out
		}
		quietLat, busyLat := latencies(quietTenant, quietUploads), latencies(busy, busyUploads)
		var quietRelay, quietWrite []time.Duration // upload start → its document.uploaded on NATS; → the upload's return
		for _, u := range quietUploads {
			if at, ok := log.relayed(quietTenant, u.rev, u.start); ok {
				quietRelay = append(quietRelay, at.Sub(u.start))
			}
			quietWrite = append(quietWrite, u.done.Sub(u.start))
		}
		slices.Sort(quietRelay)
		slices.Sort(quietWrite)
		b.ReportMetric(percentile(quietWrite, 0.50), "quiet-upload-p50-s")
		b.ReportMetric(percentile(quietWrite, 0.99), "quiet-upload-p99-s")
		b.ReportMetric(percentile(quietRelay, 0.50), "quiet-relayed-p50-s")
		b.ReportMetric(percentile(quietRelay, 0.99), "quiet-relayed-p99-s")
		b.ReportMetric(percentile(quietLat, 0.50), "quiet-p50-s")
		b.ReportMetric(percentile(quietLat, 0.99), "quiet-p99-s")
		b.ReportMetric(percentile(quietLat, 1), "quiet-max-s")
		b.ReportMetric(percentile(busyLat, 0.50), "busy-lag-p50-s")
		b.ReportMetric(percentile(busyLat, 0.99), "busy-lag-p99-s")
		b.ReportMetric(percentile(busyLat, 1), "busy-lag-max-s")
		b.ReportMetric(float64(len(busyUploads)), "busy-uploads")
		b.ReportMetric(float64(log.builds(busy)), "busy-builds")
		b.ReportMetric(float64(len(quietUploads)), "quiet-uploads")
	}
}

// percentile returns the q-quantile of sorted durations in seconds (q = 1:
// the maximum).
func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(max(int(math.Ceil(q*float64(len(sorted))))-1, 0), len(sorted)-1)
	return sorted[i].Seconds()
}
