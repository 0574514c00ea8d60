package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// analyticsBenchEmployees is the size of the benchmark tenant.
const analyticsBenchEmployees = 10_000

// seedAnalyticsTenant fills the tenant with n employees in 20 teams and 6
// roles, one scored assessment of 8 competencies each and a current plan of
// 8 items in mixed statuses each, with set-based SQL as the app role (row-
// level security applies), in one transaction.
func seedAnalyticsTenant(b *testing.B, db storetest.DB, tenant tenants.ID, n int) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.AppURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	t := tenant.String()
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		stmts := []string{
			`SELECT set_config('app.tenant_id', $1, true)`,
			`INSERT INTO employees (tenant_id, id, subject, name, email, role_slug, tier, team, created_at, updated_at)
				SELECT $1::uuid, md5('e' || g)::uuid, 'u' || g, 'User ' || g, '',
					(ARRAY['devops-engineer','software-engineer','data-engineer','financial-analyst','compliance-officer','qa-engineer'])[1 + g % 6],
					(ARRAY['entry','mid','senior'])[1 + g % 3], 'team' || (g % 20), now(), now()
				FROM generate_series(1, $2::int) g`,
			`INSERT INTO assessments (tenant_id, id, employee_id, status, library_version, role_slug, tier, seed, items, key, created_by, created_at, updated_at, submitted_at, scored_at)
				SELECT $1::uuid, md5('a' || g)::uuid, md5('e' || g)::uuid, 'scored', 1, 'devops-engineer', 'mid', 's', '[]', '{}', 'seed', now(), now(), now(), now()
				FROM generate_series(1, $2::int) g`,
			`INSERT INTO assessment_results (tenant_id, assessment_id, employee_id, competency_slug, score, level, required_level, gap, confidence, scored_at)
				SELECT $1::uuid, md5('a' || g)::uuid, md5('e' || g)::uuid, 'competency-' || c, 1 + ((g * 7 + c * 13) % 400) / 100.0,
					1 + (g + c) % 5, 3, GREATEST(0, 3 - (1 + (g + c) % 5)), 0.8, now() - (g || ' seconds')::interval
				FROM generate_series(1, $2::int) g, generate_series(1, 8) c`,
			`INSERT INTO plans (tenant_id, employee_id, version, built_at, role, tier, target_tier, basis, items)
				SELECT $1::uuid, md5('e' || g)::uuid, 1, now(), 'devops-engineer', 'mid', 'mid', '{}',
					(SELECT json_agg(json_build_object('id', md5('i' || g || '-' || i), 'status',
						(ARRAY['not_started','in_progress','done','closed'])[1 + (g + i) % 4])) FROM generate_series(1, 8) i)
				FROM generate_series(1, $2::int) g`,
			`INSERT INTO plan_heads (tenant_id, employee_id, version) SELECT $1::uuid, md5('e' || g)::uuid, 1 FROM generate_series(1, $2::int) g`,
		}
		if _, err := tx.Exec(ctx, stmts[0], t); err != nil {
			return err
		}
		for _, s := range stmts[1:] {
			if _, err := tx.Exec(ctx, s, t, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	// What autovacuum does to a table of this age: statistics and the
	// visibility map (index-only scans).
	owner, err := pgx.Connect(ctx, db.OwnerURL)
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close(ctx)
	if _, err := owner.Exec(ctx, "VACUUM ANALYZE employees, assessments, assessment_results, plans, plan_heads"); err != nil {
		b.Fatalf("vacuum: %v", err)
	}
}

// newAnalyticsBenchTenant creates a tenant of analyticsBenchEmployees
// employees on PostgreSQL, seeded with set-based SQL, and returns the
// database, the tenant and a function that rebuilds its read models and
// says how long that took.
func newAnalyticsBenchTenant(b *testing.B) (storetest.DB, tenants.ID, func() time.Duration) {
	db := storetest.Postgres(b)
	ctx := context.Background()
	tenant := tenants.NewID()
	if err := db.Store.CreateTenant(ctx, store.Tenant{ID: tenant, Name: "Bench Bank", Slug: "bench-bank", Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		b.Fatal(err)
	}
	seedAnalyticsTenant(b, db, tenant, analyticsBenchEmployees)
	rebuild := func() time.Duration {
		start := time.Now()
		var rep store.AnalyticsRebuild
		err := db.Store.InTenant(ctx, tenant, func(tx *store.Tx) (err error) {
			rep, err = tx.RebuildAnalytics()
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Employees != analyticsBenchEmployees || rep.Assessed != analyticsBenchEmployees {
			b.Fatalf("rebuild: got %+v, want %d employees assessed", rep, analyticsBenchEmployees)
		}
		return time.Since(start)
	}
	return db, tenant, rebuild
}

// BenchmarkAnalytics measures the analytics routes through the real API
// (huma, middleware, gorm store with row-level security) on PostgreSQL at
// concurrency 32, for a tenant of 10,000 employees whose read models were
// rebuilt from seeded source tables.
func BenchmarkAnalytics(b *testing.B) {
	db, tenant, rebuild := newAnalyticsBenchTenant(b)
	rebuild()
	ctx := context.Background()
	verifier, err := auth.New(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = api.NewHTTPServer("", api.New(api.Config{Store: db.Store, Verifier: verifier, Logger: quiet,
		Limits: api.Limits{RatePerSecond: -1}}).Handler())
	srv.Start()
	b.Cleanup(srv.Close)
	analyst := benchClient{hc: newBenchHTTPClient(b), base: srv.URL,
		token: mintBench(b, tenants.Principal{Subject: "dashboard", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAnalyst}})}

	for _, bc := range []struct{ name, path string }{
		{"competencies", "/v1/analytics/competencies"},
		{"heatmap_team", "/v1/analytics/heatmap?by=team"},
		{"heatmap_role", "/v1/analytics/heatmap?by=role"},
		{"plans", "/v1/analytics/plans"},
		{"assessments", "/v1/analytics/assessments"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			run(b, func() error {
				_, err := analyst.do(http.MethodGet, bc.path, nil, http.StatusOK)
				return err
			})
		})
	}
}

// BenchmarkAnalyticsRebuild measures `cadre analytics rebuild` of a tenant
// of 10,000 employees (80,000 results, 10,000 plans) on PostgreSQL.
func BenchmarkAnalyticsRebuild(b *testing.B) {
	_, _, rebuild := newAnalyticsBenchTenant(b)
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		total += rebuild()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/rebuild")
}
