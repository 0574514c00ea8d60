package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// benchStreamClients is the number of SSE clients of BenchmarkStream, all
// on one tenant.
const benchStreamClients = 100

// BenchmarkStream measures the latency from an event to its receipt by
// each of 100 SSE clients of one tenant, from the event's `time` to the
// moment a client has read its frame. "bus" publishes each event straight
// to JetStream (the stream's own cost: ordered consumer per client, SSE
// framing, flush); "outbox" emits it in a tenant transaction, as the API
// does, so the relay's hop is included. Events go one at a time, each
// after every client received the previous one. Reported: p50-ms and p99-ms
// over all receipts, and deliveries/s.
func BenchmarkStream(b *testing.B) {
	for _, via := range []string{"bus", "outbox"} {
		b.Run(via, func(b *testing.B) {
			db := storetest.SQLite(b)
			ctx, cancel := context.WithCancel(context.Background())
			log := streamLogger()
			emb, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			nc, err := emb.Connect()
			if err != nil {
				b.Fatal(err)
			}
			bus, err := events.NewBus(ctx, nc, events.StreamConfig{Logger: log})
			if err != nil {
				b.Fatal(err)
			}
			relay, err := events.NewRelay(events.RelayConfig{Outbox: db.Store.Outbox(), Publisher: bus, Logger: log, Poll: 200 * time.Millisecond})
			if err != nil {
				b.Fatal(err)
			}
			db.Store.OnCommit(relay.Wake)
			var wg sync.WaitGroup
			wg.Go(func() { _ = relay.Run(ctx) })
			verifier, err := auth.New(ctx, auth.Config{Secret: testSecret})
			if err != nil {
				b.Fatal(err)
			}
			reg := prometheus.NewRegistry()
			a := api.New(api.Config{Store: db.Store, Verifier: verifier, Bus: bus, Logger: log,
				Limits: api.Limits{RatePerSecond: -1, Stream: api.StreamLimits{PerTenant: benchStreamClients}}, Registerer: reg, Gatherer: reg})
			srv := httptest.NewServer(a.Handler())
			b.Cleanup(func() {
				a.CloseStreams()
				srv.Close()
				cancel()
				wg.Wait()
				nc.Close()
				emb.Shutdown()
			})
			mint := func(p tenants.Principal) string {
				tok, err := auth.Mint(testSecret, p, "cadre", "cadre-api", time.Hour, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				return tok
			}
			tenant := benchTenant(b, srv.URL, mint(tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}}))
			analyst := mint(tenants.Principal{Subject: "dash", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAnalyst}})

			// Each client sends the latency of every plan.updated event it
			// reads; the rest of the stream (tenant.created) is skipped.
			lats := make(chan time.Duration, 4*benchStreamClients)
			tr := &http.Transport{MaxIdleConnsPerHost: benchStreamClients, MaxConnsPerHost: 0}
			hc := &http.Client{Transport: tr}
			var readers sync.WaitGroup
			for range benchStreamClients {
				req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+streamPath, nil)
				req.Header.Set("Authorization", "Bearer "+analyst)
				res, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				if res.StatusCode != http.StatusOK {
					body, _ := io.ReadAll(res.Body)
					b.Fatalf("open stream: got %d %s", res.StatusCode, body)
				}
				readers.Go(func() { benchReadStream(res.Body, lats) })
			}
			b.Cleanup(func() { cancel(); readers.Wait(); tr.CloseIdleConnections() })

			all := make([]time.Duration, 0, b.N*benchStreamClients)
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				data := events.PlanUpdated{EmployeeID: "e", Version: i + 1, TargetTier: "senior", LibraryVersion: 1, Items: 3, Open: 2}
				if via == "bus" {
					ev, err := events.New(tenant, events.TypePlanUpdated, "e", data, time.Now())
					if err != nil {
						b.Fatal(err)
					}
					if _, err := bus.PublishEvent(ctx, ev); err != nil {
						b.Fatal(err)
					}
				} else {
					err := db.Store.InTenant(ctx, tenant, func(tx *store.Tx) error {
						_, err := tx.Emit(events.TypePlanUpdated, "e", data)
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				for range benchStreamClients {
					select {
					case d := <-lats:
						all = append(all, d)
					case <-time.After(streamWait):
						b.Fatalf("event %d: %d of %d clients received it", i, len(all)%benchStreamClients, benchStreamClients)
					}
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(all)
			b.ReportMetric(float64(percentile(all, 0.50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(percentile(all, 0.99).Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(len(all))/elapsed.Seconds(), "deliveries/s")
		})
	}
}

// benchTenant creates a tenant through the API.
func benchTenant(b *testing.B, base, platform string) tenants.ID {
	b.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/tenants", strings.NewReader(`{"name":"Stream Bench","slug":"stream-bench","industry":"finance"}`))
	req.Header.Set("Authorization", "Bearer "+platform)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusCreated {
		b.Fatalf("create tenant: %d %v", res.StatusCode, err)
	}
	id, err := tenants.ParseID(out.ID)
	if err != nil {
		b.Fatal(err)
	}
	return id
}

// benchReadStream reads SSE frames until the stream ends and sends, for
// every plan.updated event, the time from the event's `time` to its receipt.
func benchReadStream(body io.ReadCloser, lats chan<- time.Duration) {
	defer body.Close()
	rd := bufio.NewReader(body)
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		now := time.Now()
		var ev struct {
			Type events.Type `json:"type"`
			Time time.Time   `json:"time"`
		}
		if json.Unmarshal([]byte(data), &ev) != nil || ev.Type != events.TypePlanUpdated {
			continue
		}
		lats <- now.Sub(ev.Time)
	}
}
