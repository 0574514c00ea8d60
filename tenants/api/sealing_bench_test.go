package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/crypt"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// BenchmarkUploadSealingAPI measures what sealing costs an upload through
// the API (POST /v1/documents of a real 17 KB markdown document: decoding,
// extraction, the transaction): two API servers on one database, one over
// a store that seals and one over a store that does not
// (store.Config.Plaintext), uploading alternately into the same tenant in
// the same run, on SQLite and (with CADRE_TEST_DATABASE_URL) PostgreSQL.
// Reported: sealed-docs/s, plain-docs/s, overhead-% (target ≤ 10).
func BenchmarkUploadSealingAPI(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "cmd", "cadre", "demo", "corpus", "monzo-backend-engineering-progression.md"))
	if err != nil {
		b.Fatal(err)
	}
	kek, err := crypt.ParseKEK(storetest.KEK)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	verifier, err := auth.New(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tenantSeq := 0 // b.Run runs its function more than once: a new tenant each time
	for _, open := range []func(testing.TB) storetest.DB{storetest.SQLite, storetest.Postgres} {
		db := open(b)
		cfg := store.Config{URL: db.AppURL, DataDir: db.DataDir, Logger: quiet, MaxOpenConns: 10, KMS: kek, Plaintext: true}
		if db.Name == "sqlite" {
			cfg.KMS = nil // the development key in the data dir, as the sealing store's
		}
		plainStore, err := store.Open(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = plainStore.Close() })
		serve := func(s *store.Store) benchClient {
			srv := httptest.NewServer(api.New(api.Config{Store: s, Verifier: verifier, Logger: quiet, Limits: api.Limits{RatePerSecond: -1}}).Handler())
			b.Cleanup(srv.Close)
			return benchClient{hc: newBenchHTTPClient(b), base: srv.URL}
		}
		sealed, plain := serve(db.Store), serve(plainStore)
		b.Run(db.Name, func(b *testing.B) {
			platform := sealed
			platform.token = mintBench(b, tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}})
			tenantSeq++
			out, err := platform.do("POST", "/v1/tenants", []byte(fmt.Sprintf(`{"name":"Seal Co","slug":"seal-co-%d","industry":"finance"}`, tenantSeq)), http.StatusCreated)
			if err != nil {
				b.Fatal(err)
			}
			var created struct{ ID string }
			if err := json.Unmarshal(out, &created); err != nil {
				b.Fatal(err)
			}
			id, err := tenants.ParseID(created.ID)
			if err != nil {
				b.Fatal(err)
			}
			token := mintBench(b, tenants.Principal{Subject: "bench-admin", Tenant: id, Roles: []tenants.Role{tenants.RoleAdmin}})
			sealed.token, plain.token = token, token
			n := 0
			upload := func(c benchClient) time.Duration {
				n++
				body, _ := json.Marshal(map[string]string{"title": fmt.Sprint("doc ", n), "content_type": "text/markdown",
					"content": fmt.Sprintf("Upload %d.\n\n%s", n, raw)})
				t0 := time.Now()
				if _, err := c.do("POST", "/v1/documents", body, http.StatusAccepted); err != nil {
					b.Fatal(err)
				}
				return time.Since(t0)
			}
			var ts, tp time.Duration
			i := 0
			for b.Loop() {
				if i%2 == 0 {
					ts += upload(sealed)
					tp += upload(plain)
				} else {
					tp += upload(plain)
					ts += upload(sealed)
				}
				i++
			}
			b.ReportMetric(float64(i)/ts.Seconds(), "sealed-docs/s")
			b.ReportMetric(float64(i)/tp.Seconds(), "plain-docs/s")
			b.ReportMetric(100*(ts.Seconds()/tp.Seconds()-1), "overhead-%")
		})
	}
}
