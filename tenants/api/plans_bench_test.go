package api_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// mePlanEmployees is how many employees (and tokens) BenchmarkMePlan
// spreads its requests over.
const mePlanEmployees = 256

// BenchmarkMePlan measures GET /v1/me/plan through the real API (JWT,
// middleware, huma, the gorm store under row-level security) on PostgreSQL
// at concurrency 32 (DESIGN §9: ≥ 3,000 req/s, p99 ≤ 20 ms), beside the
// floor: a bare net/http handler over pgxpool that reads the same plan with
// the same join in one round trip (set_config and SELECT in one batch) and
// writes its columns out as they are, without authentication or decoding.
// Each of mePlanEmployees employees has a real plan (the DevOps Engineer
// framework of the catalog, 8 items, about 9 KB of JSON).
//
// Reported: req/s, p50-ms, p99-ms of the API; floor-req/s, floor-p99-ms;
// ratio = API req/s ÷ floor req/s (target ≥ 0.5).
func BenchmarkMePlan(b *testing.B) {
	db := storetest.Postgres(b)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tenant := tenants.NewID()
	if err := db.Store.CreateTenant(ctx, store.Tenant{ID: tenant, Name: "Bench", Slug: "bench", Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		b.Fatal(err)
	}
	subjects := make([]string, mePlanEmployees)
	err := db.Store.InTenant(ctx, tenant, func(tx *store.Tx) error {
		now := time.Now().UTC()
		emps := make([]store.Employee, mePlanEmployees)
		for i := range emps {
			subjects[i] = "e" + strconv.Itoa(i)
			emps[i] = store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: subjects[i], Name: subjects[i], RoleSlug: "devops-engineer",
				Tier: competency.TierMid, CreatedAt: now, UpdatedAt: now}
		}
		if err := tx.ImportEmployees(emps, nil); err != nil {
			return err
		}
		_, err := workers.RebuildPlans(ctx, tx, nil, events.PlanCauseEmployee, time.Now())
		return err
	})
	if err != nil {
		b.Fatal(err)
	}

	verifier, err := auth.New(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	serve := func(h http.Handler) string {
		srv := httptest.NewUnstartedServer(nil)
		srv.Config = api.NewHTTPServer("", h)
		srv.Start()
		b.Cleanup(srv.Close)
		return srv.URL
	}
	apiURL := serve(api.New(api.Config{Store: db.Store, Verifier: verifier, Logger: quiet, Limits: api.Limits{RatePerSecond: -1}}).Handler())
	floorURL := serve(newPlanFloor(b, db.AppURL, tenant))

	tokens := make([]string, mePlanEmployees)
	for i, s := range subjects {
		tok, err := auth.Mint(testSecret, tenants.Principal{Subject: s, Tenant: tenant, Roles: []tenants.Role{tenants.RoleEmployee}},
			"cadre", "cadre-api", time.Hour, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = tok
	}
	tr := &http.Transport{MaxIdleConns: 2 * benchConcurrency, MaxIdleConnsPerHost: 2 * benchConcurrency, IdleConnTimeout: time.Minute}
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	get := func(url, header, value string) error {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			return err
		}
		req.Header.Set(header, value)
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK || len(body) < 1000 {
			return fmt.Errorf("GET %s: %d %.200s", url, res.StatusCode, body)
		}
		return nil
	}
	var pick atomic.Int64
	apiGet := func() error {
		return get(apiURL+"/v1/me/plan", "Authorization", "Bearer "+tokens[int(pick.Add(1))%mePlanEmployees])
	}
	floorGet := func() error {
		return get(floorURL+"/me/plan", "X-Subject", subjects[int(pick.Add(1))%mePlanEmployees])
	}

	b.ReportAllocs()
	load(b, benchConcurrency, 4*benchConcurrency, floorGet) // warm connections and caches
	floor := load(b, benchConcurrency, b.N, floorGet)
	load(b, benchConcurrency, 4*benchConcurrency, apiGet)
	got := load(b, benchConcurrency, b.N, apiGet)
	got.report(b)
	b.ReportMetric(floor.rps(), "floor-req/s")
	b.ReportMetric(float64(floor.p99.Microseconds())/1000, "floor-p99-ms")
	b.ReportMetric(got.rps()/floor.rps(), "ratio")
}

// planFloor is the bare baseline of BenchmarkMePlan: net/http and pgxpool
// as the app role, the store's query in one round trip.
type planFloor struct {
	pool   *pgxpool.Pool
	tenant string
}

func newPlanFloor(b *testing.B, url string, tenant tenants.ID) http.Handler {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = benchPoolSize
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	f := &planFloor{pool: pool, tenant: tenant.String()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /me/plan", f.get)
	return mux
}

func (f *planFloor) get(w http.ResponseWriter, r *http.Request) {
	var batch pgx.Batch
	batch.Queue("SELECT set_config('app.tenant_id', $1, true)", f.tenant)
	batch.Queue(`SELECT e.id::text, p.version, p.built_at, p.role, p.tier, p.target_tier, p.basis::text, p.items::text
		FROM employees e
		JOIN plan_heads h ON h.tenant_id = e.tenant_id AND h.employee_id = e.id
		JOIN plans p ON p.tenant_id = h.tenant_id AND p.employee_id = h.employee_id AND p.version = h.version
		WHERE e.tenant_id = $1::uuid AND e.subject = $2`, f.tenant, r.Header.Get("X-Subject"))
	res := f.pool.SendBatch(r.Context(), &batch)
	var (
		id, role, tier, target, basis, items string
		version                              int
		built                                time.Time
	)
	_, err := res.Exec()
	if err == nil {
		err = res.QueryRow().Scan(&id, &version, &built, &role, &tier, &target, &basis, &items)
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		http.Error(w, "not found", http.StatusNotFound)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"employee_id":%q,"version":%d,"built_at":%q,"role":%q,"tier":%q,"target_tier":%q,"basis":%s,"items":%s}`,
		id, version, built.UTC().Format(time.RFC3339Nano), role, tier, target, basis, items)
}
