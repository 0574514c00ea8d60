package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// Noisy neighbour (issue 17 §3): the flood of the attack run.
const (
	floodClients  = 64
	floodDocBytes = 1 << 20
	// neighbourPace spaces the other tenant's reads, so that a run lasts
	// long enough for the flood to reach its steady state.
	neighbourPace = 20 * time.Millisecond
)

// BenchmarkNoisyNeighbour measures one tenant's read latency (GET
// /v1/documents, one read per iteration, paced 20 ms apart) while another
// tenant uploads 1 MB documents from 64 clients for the whole run, with the
// server's fair-share limits (defaults: 200 requests/s per tenant, 2
// uploads in progress per tenant, 4 MiB/s of uploads per tenant) and
// without any limit. Flood clients honour Retry-After on 429, as a
// well-behaved noisy neighbour does. It reports the reader's p50_ms and
// p99_ms and the flood's accepted uploads per second. Run it with
// -benchtime=300x. The library worker does not run (see the comment at its
// start).
func BenchmarkNoisyNeighbour(b *testing.B) {
	unlimited := api.Limits{Extract: extract.DefaultLimits(), RatePerSecond: -1,
		Share: api.ShareLimits{UploadsPerTenant: 1 << 20, Uploads: 1 << 20, UploadBytesPerSecond: 1 << 40, UploadBytesBurst: 1 << 30}}
	limited := api.Limits{Extract: extract.DefaultLimits()}
	for _, dbName := range []string{"embedded", "postgres"} {
		for _, c := range []struct {
			name string
			lim  api.Limits
		}{{"limits", limited}, {"unlimited", unlimited}} {
			b.Run(dbName+"/"+c.name, func(b *testing.B) {
				var db storetest.DB
				if dbName == "postgres" {
					if os.Getenv(storetest.EnvURL) == "" {
						b.Skip(storetest.EnvURL + " is not set")
					}
					db = storetest.Postgres(b)
				} else {
					db = storetest.SQLite(b)
				}
				// Without the library worker: the benchmark measures the
				// API's share (uploads, extraction, storage); library
				// builds under a flood are the workers' (not capped yet).
				benchNoisyNeighbour(b, startBenchStackWith(b, db, c.lim, workers.Analytics()))
			})
		}
	}
}

func benchTenantAdmin(b *testing.B, url, slug string) string {
	b.Helper()
	platform, _ := auth.Mint(testSecret, tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}}, "cadre", "cadre-api", time.Hour, time.Now())
	status, body, err := postJSON(url+"/v1/tenants", platform, map[string]any{"name": slug, "slug": slug, "industry": "finance"})
	if err != nil || status != http.StatusCreated {
		b.Fatalf("create tenant: %d %s %v", status, body, err)
	}
	var tn struct{ ID string }
	json.Unmarshal(body, &tn)
	id, err := tenants.ParseID(tn.ID)
	if err != nil {
		b.Fatal(err)
	}
	tok, _ := auth.Mint(testSecret, tenants.Principal{Subject: "admin", Tenant: id, Roles: []tenants.Role{tenants.RoleAdmin}}, "cadre", "cadre-api", time.Hour, time.Now())
	return tok
}

func benchNoisyNeighbour(b *testing.B, s benchStack) {
	flooder, reader := benchTenantAdmin(b, s.url, "flood"), benchTenantAdmin(b, s.url, "quiet")
	for i := range 5 {
		if status, body, err := postJSON(s.url+"/v1/documents", reader, map[string]any{"title": fmt.Sprintf("Doc %d", i), "content_type": "text/plain",
			"content": fmt.Sprintf("Handbook part %d: we deploy with Kubernetes and review every change.", i)}); err != nil || status != http.StatusAccepted {
			b.Fatalf("reader's upload: %d %s %v", status, body, err)
		}
	}
	client := &http.Client{Timeout: 2 * time.Minute}
	floodClient := &http.Client{Timeout: 20 * time.Second} // the run ends soon after the reads
	stop := make(chan struct{})
	var accepted, refused atomic.Int64
	var wg sync.WaitGroup
	filler := strings.Repeat("Quarterly report of the platform team on cloud cost and incidents. ", floodDocBytes/68)
	for c := range floodClients {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("Flood %d-%d", c, i), "content_type": "text/plain",
					"content": fmt.Sprintf("%d %d ", c, i) + filler})
				req, _ := http.NewRequest("POST", s.url+"/v1/documents", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+flooder)
				req.Header.Set("Content-Type", "application/json")
				res, err := floodClient.Do(req)
				if err != nil {
					continue
				}
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusAccepted, http.StatusOK:
					accepted.Add(1)
				case http.StatusTooManyRequests:
					refused.Add(1)
					wait, _ := strconv.Atoi(res.Header.Get("Retry-After"))
					select {
					case <-stop:
						return
					case <-time.After(time.Duration(max(1, wait)) * time.Second):
					}
				}
			}
		})
	}
	lat := make([]time.Duration, 0, b.N)
	start := time.Now()
	for b.Loop() {
		t0 := time.Now()
		req, _ := http.NewRequest("GET", s.url+"/v1/documents?limit=50", nil)
		req.Header.Set("Authorization", "Bearer "+reader)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("reader: %d", res.StatusCode)
		}
		lat = append(lat, time.Since(t0))
		time.Sleep(neighbourPace)
	}
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(accepted.Load())/elapsed.Seconds(), "flood_uploads/s")
	b.ReportMetric(float64(refused.Load())/elapsed.Seconds(), "flood_429/s")
}
