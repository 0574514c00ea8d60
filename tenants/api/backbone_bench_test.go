package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// benchStack is Cadre in-process for benchmarks, wired as newEnv wires it
// (newEnv needs a *testing.T): embedded NATS, relay woken at commit,
// the given workers (default workers.All()), the janitor and the API on a
// real listener.
type benchStack struct {
	url string
	nc  *nats.Conn
}

func startBenchStack(tb testing.TB, db storetest.DB, ws ...workers.Worker) benchStack {
	tb.Helper()
	return startBenchStackWith(tb, db, api.Limits{Extract: extract.DefaultLimits(), RatePerSecond: -1}, ws...)
}

// startBenchStackWith is startBenchStack with the API's limits.
func startBenchStackWith(tb testing.TB, db storetest.DB, lim api.Limits, ws ...workers.Worker) benchStack {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.DiscardHandler)
	emb, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	nc, err := emb.Connect()
	if err != nil {
		tb.Fatal(err)
	}
	bus, err := events.NewBus(ctx, nc, events.StreamConfig{Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	relay, err := events.NewRelay(events.RelayConfig{Outbox: db.Store.Outbox(), Publisher: bus, Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	db.Store.OnCommit(relay.Wake)
	var wg sync.WaitGroup
	wg.Go(func() { _ = relay.Run(ctx) })
	runner := workers.NewRunner(bus, db.Store, log, nil)
	if len(ws) == 0 {
		ws = workers.All()
	}
	wg.Go(func() { _ = runner.Run(ctx, ws...) })
	wg.Go(func() { _ = workers.RunJanitor(ctx, bus, db.Store, log) })
	verifier, err := auth.New(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Store: db.Store, Verifier: verifier, Ready: bus.Ready, Bus: bus, Limits: lim, Logger: log}).Handler())
	tb.Cleanup(func() {
		srv.Close()
		cancel()
		wg.Wait()
		nc.Close()
		emb.Shutdown()
	})
	return benchStack{url: srv.URL, nc: nc}
}

// BenchmarkUploadToLibraryRebuilt measures, per upload of one new document
// through the HTTP API, the time until a NATS subscriber on
// cadre.{tenant}.library.rebuilt receives a library.rebuilt whose context
// revision covers the upload (outbox, relay, stream, library worker, outbox,
// relay, stream). Uploads go one at a time to one tenant, whose library
// grows by one document per iteration. It reports p50_ms and p99_ms; run
// with e.g. -benchtime=100x for a meaningful p99.
func BenchmarkUploadToLibraryRebuilt(b *testing.B) {
	b.Run("embedded", func(b *testing.B) { benchUploadToRebuilt(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.EnvURL) == "" {
			b.Skip(storetest.EnvURL + " is not set")
		}
		benchUploadToRebuilt(b, storetest.Postgres(b))
	})
}

func benchUploadToRebuilt(b *testing.B, db storetest.DB) {
	s := startBenchStack(b, db)
	platform, err := auth.Mint(testSecret, tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	var tn struct {
		ID string `json:"id"`
	}
	if status, body, err := postJSON(s.url+"/v1/tenants", platform, map[string]any{"name": "Bench", "slug": "bench", "industry": "finance"}); err != nil || status != http.StatusCreated {
		b.Fatalf("create tenant: %d %s %v", status, body, err)
	} else if err := json.Unmarshal(body, &tn); err != nil {
		b.Fatal(err)
	}
	tenant, err := tenants.ParseID(tn.ID)
	if err != nil {
		b.Fatal(err)
	}
	admin, err := auth.Mint(testSecret, tenants.Principal{Subject: "admin", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAdmin}}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	rebuilt := make(chan int64, 1024)
	sub, err := s.nc.Subscribe(events.SubjectFor(tenant, events.TypeLibraryRebuilt), func(m *nats.Msg) {
		ev, err := events.Parse(m.Data)
		if err != nil {
			return
		}
		var p events.LibraryRebuilt
		if json.Unmarshal(ev.Data, &p) == nil {
			rebuilt <- p.ContextRevision
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Unsubscribe()

	var lat []time.Duration
	rev := int64(0) // every upload of a new document bumps the revision by one
	for b.Loop() {
		rev++
		start := time.Now()
		status, body, err := postJSON(s.url+"/v1/documents", admin, map[string]any{"title": fmt.Sprintf("Doc %d", rev), "content_type": "text/plain",
			"content": fmt.Sprintf("Part %d of the handbook. Team %d deploys services with Kubernetes, reviews every change and owns its incidents.", rev, rev)})
		if err != nil || status != http.StatusAccepted {
			b.Fatalf("upload: %d %s %v", status, body, err)
		}
		timeout := time.After(30 * time.Second)
		for covered := false; !covered; {
			select {
			case got := <-rebuilt:
				covered = got >= rev
			case <-timeout:
				b.Fatalf("no library.rebuilt for context revision %d", rev)
			}
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99_ms")
	if got := contextRevision(b, db, tenant); got != rev {
		b.Fatalf("context revision %d after %d uploads: the waits did not match the uploads", got, rev)
	}
}
