package console_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/console"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// Sizes of the benchmark tenant (issue 18: a 200-competency library, a
// 10,000-employee tenant).
const (
	benchCompetencies = 200
	benchEmployees    = 10_000
)

// BenchmarkPages measures the server time of the console's library page (a
// library of 200 competencies with three evidence sentences each) and
// heatmap (a tenant of 10,000 assessed employees in 20 teams and 6 roles,
// its read model rebuilt from the seeded source tables) on PostgreSQL,
// through the whole handler (session cookie, security headers, use-case
// reads, templates), one request at a time; it reports the p95.
func BenchmarkPages(b *testing.B) {
	db := storetest.Postgres(b)
	ctx := context.Background()
	tenant := tenants.NewID()
	if err := db.Store.CreateTenant(ctx, store.Tenant{ID: tenant, Name: "Bench", Slug: "bench", Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		b.Fatal(err)
	}
	seedLibrary(b, db.Store, tenant)
	seedPeople(b, db, tenant)
	c, err := console.New(console.Config{App: app.New(app.Config{Store: db.Store}), DevSignIn: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	session := signInAs(b, c, tenant, "admin", "bench")
	for _, bc := range []struct{ name, path, want string }{
		{"library_200", "/library", "competency-199"},
		{"heatmap_team_10k", "/heatmap?by=team", "team19"},
		{"heatmap_role_10k", "/heatmap?by=role", "DevOps Engineer"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				req := httptest.NewRequest("GET", bc.path, nil)
				req.AddCookie(session)
				rec := httptest.NewRecorder()
				start := time.Now()
				c.ServeHTTP(rec, req)
				took = append(took, time.Since(start))
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), bc.want) {
					b.Fatalf("GET %s: %d, want 200 with %q", bc.path, rec.Code, bc.want)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

// seedLibrary stores a library version of benchCompetencies competencies,
// each with five levels and three evidence sentences.
func seedLibrary(b *testing.B, st *store.Store, tenant tenants.ID) {
	v := store.LibraryVersion{Version: 1, BuiltAt: time.Now(), ContextRevision: 1}
	v.Digest, v.Industry = "sha256:bench", "finance"
	for i := range benchCompetencies {
		cp := library.Competency{Slug: fmt.Sprintf("competency-%d", i), Name: fmt.Sprintf("Competency %d", i), Category: competency.Technical,
			Description: "Plans, builds and improves the systems the company runs on, with care for cost and risk.",
			Origin:      library.Origin("document"), Status: library.StatusActive, Relevance: float64(i%100) / 100}
		if i%10 == 0 {
			cp.Status = library.StatusProposed
		}
		for l := 1; l <= 5; l++ {
			cp.Levels = append(cp.Levels, library.LevelDescriptor{Level: l, Label: fmt.Sprint("level ", l), Descriptor: "Does the work with growing independence and scope."})
		}
		for j := range 3 {
			cp.Evidence = append(cp.Evidence, library.Evidence{DocumentID: "00000000-0000-0000-0000-000000000001", Start: j * 100, End: j*100 + 90,
				Excerpt: fmt.Sprintf("Every engineer practises competency %d and reviews competency %d work weekly.", i, i), Terms: []string{fmt.Sprint("competency ", i)}})
		}
		v.Competencies = append(v.Competencies, cp)
	}
	if err := st.InTenant(context.Background(), tenant, func(tx *store.Tx) error { return tx.InsertLibraryVersion(v) }); err != nil {
		b.Fatal(err)
	}
}

// seedPeople adds benchEmployees employees with one scored assessment of
// eight competencies each, by set-based SQL as the app role, and rebuilds
// the analytics read model from them.
func seedPeople(b *testing.B, db storetest.DB, tenant tenants.ID) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.AppURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenant.String()); err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT INTO employees (tenant_id, id, subject, name, email, role_slug, tier, team, created_at, updated_at)
				SELECT $1::uuid, md5('p' || n)::uuid, 'p' || n, 'Person ' || n, '',
					(ARRAY['devops-engineer','software-engineer','data-engineer','financial-analyst','compliance-officer','qa-engineer'])[1 + n % 6],
					'mid', 'team' || (n % 20), now(), now() FROM generate_series(1, $2::int) n`,
			`INSERT INTO assessments (tenant_id, id, employee_id, status, library_version, role_slug, tier, seed, items, key, created_by, created_at, updated_at, submitted_at, scored_at)
				SELECT $1::uuid, md5('q' || n)::uuid, md5('p' || n)::uuid, 'scored', 1, 'devops-engineer', 'mid', 'b', '[]', '{}', 'bench', now(), now(), now(), now()
				FROM generate_series(1, $2::int) n`,
			`INSERT INTO assessment_results (tenant_id, assessment_id, employee_id, competency_slug, score, level, required_level, gap, confidence, scored_at)
				SELECT $1::uuid, md5('q' || n)::uuid, md5('p' || n)::uuid, 'competency-' || k, 1 + (n * 3 + k) % 5, 1 + (n * 3 + k) % 5, 3,
					GREATEST(0, 2 - (n * 3 + k) % 5), 0.7, now() FROM generate_series(1, $2::int) n, generate_series(1, 8) k`,
		} {
			if _, err := tx.Exec(ctx, q, tenant.String(), benchEmployees); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	err = db.Store.InTenant(ctx, tenant, func(tx *store.Tx) error {
		rep, err := tx.RebuildAnalytics()
		if err == nil && rep.Assessed != benchEmployees {
			err = fmt.Errorf("rebuild: %d assessed, want %d", rep.Assessed, benchEmployees)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}
