package workers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// fanoutEmployees is the size of the benchmark tenant (DESIGN §9).
const fanoutEmployees = 10_000

// fanoutRoles are the roles of the benchmark tenant; both frameworks hold
// the competency the benchmark retires and restores.
var fanoutRoles = []string{"devops-engineer", "software-engineer"}

// fanoutToggled is the competency each iteration retires or restores.
const fanoutToggled = "agile-methodologies"

// BenchmarkPlanFanout measures DESIGN §9's "library change in a tenant of
// 10,000 employees → every plan updated" on PostgreSQL with embedded NATS:
// the library worker's commit of a new version (and its library.rebuilt
// outbox row) starts the clock; the relay publishes the event, the plan
// worker consumes it and rebuilds the first chunk of the tenant's plans,
// RunPlanFanouts the other chunks, a transaction each; the clock stops when
// the event is acknowledged and the last chunk has committed (the tenant's
// fan-out row is gone). Every employee is assessed (8 results each) and
// has a gap in the toggled competency, so every plan changes: 10,000 new
// versions, heads and plan.updated events per iteration.
//
// Beside it, the floor: the same plan rows (the very rows the iteration
// wrote, same sizes) inserted into the same table for another tenant with
// plain multi-row INSERTs of the same batch size over pgx, in one
// transaction, as the app role under row-level security.
//
// Reported: fanout-s (seconds per library change), floor-s, ratio
// (fanout/floor; target ≤ 3), events-s (until the 10,000 plan.updated
// events are in the stream), plans (plans changed per iteration; want
// 10,000).
func BenchmarkPlanFanout(b *testing.B) {
	db := storetest.Postgres(b)
	ctx := context.Background()
	s := db.Store

	emb, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(emb.Shutdown)
	nc, err := emb.Connect()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	bus, err := events.NewBus(ctx, nc, events.StreamConfig{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	pool := benchPool(b, db.AppURL)

	tenant := benchTenant(b, s, "bench")
	floorTenant := benchTenant(b, s, "floor")
	seedFanout(b, ctx, pool, tenant, floorTenant)

	// Library version 1 and the first plans, built directly (and reported
	// as first-s); their events are marked published, as if relayed.
	benchLibrary(b, s, tenant, library.StatusActive, false)
	start := time.Now()
	var report workers.RebuildReport
	err = s.InTenant(ctx, tenant, func(tx *store.Tx) (err error) {
		report, err = workers.RebuildPlans(ctx, tx, nil, events.PlanCauseLibrary, time.Now())
		return err
	})
	if err != nil || report.Changed != fanoutEmployees {
		b.Fatalf("first plans: %+v, %v", report, err)
	}
	first := time.Since(start)
	benchExec(b, ctx, pool, tenant, "UPDATE outbox SET published_at = now() WHERE tenant_id = $1 AND published_at IS NULL", tenant.String())

	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	b.Cleanup(func() { cancel(); wg.Wait() })
	relay, err := events.NewRelay(events.RelayConfig{Outbox: s.Outbox(), Publisher: bus, Logger: quiet, Poll: 200 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	s.OnCommit(relay.Wake)
	wg.Go(func() { _ = relay.Run(runCtx) })
	runner := workers.NewRunner(bus, s, quiet, nil)
	wg.Go(func() { _ = runner.Run(runCtx, workers.Plans()) })
	wg.Go(func() { _ = workers.RunPlanFanouts(runCtx, s, quiet) })

	var fanout, floor, published time.Duration
	iterations := 0
	for b.Loop() {
		iterations++
		version := iterations + 1 // plans and library are at version 1 before the first iteration
		status := library.StatusRetired
		if iterations%2 == 0 {
			status = library.StatusActive
		}
		ev := benchLibrary(b, s, tenant, status, true)
		t0 := time.Now()
		waitAcked(b, bus, ev)
		waitFanout(b, ctx, pool, tenant)
		fanout += time.Since(t0)
		waitPublished(b, s)
		published += time.Since(t0)

		b.StopTimer()
		if n := benchCount(b, ctx, pool, tenant, "SELECT count(*) FROM plan_heads WHERE tenant_id = $1 AND version = $2", tenant.String(), version); n != fanoutEmployees {
			b.Fatalf("iteration %d: %d plans at version %d, want %d", iterations, n, version, fanoutEmployees)
		}
		floor += floorInsert(b, ctx, pool, tenant, floorTenant, version)
		b.StartTimer()
	}
	n := float64(iterations)
	b.ReportMetric(first.Seconds(), "first-s")
	b.ReportMetric(fanout.Seconds()/n, "fanout-s")
	b.ReportMetric(floor.Seconds()/n, "floor-s")
	b.ReportMetric(fanout.Seconds()/floor.Seconds(), "ratio")
	b.ReportMetric(published.Seconds()/n, "events-s")
	b.ReportMetric(fanoutEmployees, "plans")
}

func benchPool(b *testing.B, url string) *pgxpool.Pool {
	b.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

func benchTenant(b *testing.B, s *store.Store, slug string) tenants.ID {
	b.Helper()
	id := tenants.NewID()
	if err := s.CreateTenant(context.Background(), store.Tenant{ID: id, Name: slug, Slug: slug, Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		b.Fatal(err)
	}
	return id
}

// inBenchTenant runs fn in a pgx transaction scoped to tenant.
func inBenchTenant(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tenant tenants.ID, fn func(tx pgx.Tx) error) {
	b.Helper()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenant.String()); err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		b.Fatal(err)
	}
}

func benchExec(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tenant tenants.ID, sql string, args ...any) {
	b.Helper()
	inBenchTenant(b, ctx, pool, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, sql, args...)
		return err
	})
}

func benchCount(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tenant tenants.ID, sql string, args ...any) int {
	b.Helper()
	var n int
	inBenchTenant(b, ctx, pool, tenant, func(tx pgx.Tx) error { return tx.QueryRow(ctx, sql, args...).Scan(&n) })
	return n
}

// seedFanout inserts, with a few set-based statements, fanoutEmployees
// employees (the roles alternating, mid and senior alternating) and one
// scored assessment of each: a result for every competency of their
// framework, level 1 in the toggled competency (a gap at mid and senior),
// levels 1–4 elsewhere. The floor tenant gets employees with the same ids
// (the plans' foreign key needs them) and nothing else.
func seedFanout(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tenant, floorTenant tenants.ID) {
	b.Helper()
	var roles, slugs []string
	var required []int
	for _, role := range fanoutRoles {
		f, err := catalog.Default().Framework(role, "finance")
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range f.Entries {
			roles, slugs = append(roles, role), append(slugs, e.Competency.Slug)
			required = append(required, int(e.Levels.At(competency.TierMid)))
		}
	}
	inBenchTenant(b, ctx, pool, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO employees (tenant_id, id, subject, name, email, role_slug, tier, team, created_at, updated_at)
			SELECT $1, gen_random_uuid(), 'e' || g, 'Employee ' || g, '', ($2::text[])[1 + g % 2], (ARRAY['mid', 'senior'])[1 + (g / 2) % 2],
				'team' || (g / 10), now(), now()
			FROM generate_series(0, $3 - 1) g`, tenant.String(), fanoutRoles, fanoutEmployees); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO assessment_results (tenant_id, assessment_id, employee_id, competency_slug, score, level,
				required_level, gap, confidence, scored_at)
			SELECT e.tenant_id, md5(e.id::text)::uuid, e.id, f.slug, lv, lv, f.required, greatest(f.required - lv, 0), 0.8, now()
			FROM employees e
			JOIN unnest($2::text[], $3::text[], $4::int[]) AS f(role, slug, required) ON f.role = e.role_slug
			CROSS JOIN LATERAL (SELECT CASE WHEN f.slug = $5 THEN 1 ELSE 1 + abs(hashtext(e.id::text || f.slug)) % 4 END AS lv) l
			WHERE e.tenant_id = $1`, tenant.String(), roles, slugs, required, fanoutToggled)
		return err
	})
	var ids []string
	inBenchTenant(b, ctx, pool, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT id::text FROM employees WHERE tenant_id = $1", tenant.String())
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	benchExec(b, ctx, pool, floorTenant, `INSERT INTO employees (tenant_id, id, subject, name, email, role_slug, tier, team, created_at, updated_at)
		SELECT $1, id, 'f' || id, 'Floor', '', 'devops-engineer', 'mid', '', now(), now() FROM unnest($2::uuid[]) id`, floorTenant.String(), ids)
}

// benchLibrary stores the tenant's next library version, built for
// fanoutRoles with the toggled competency's status, as the library worker
// does; with emit it records library.rebuilt in the same transaction and
// returns that event.
func benchLibrary(b *testing.B, s *store.Store, tenant tenants.ID, status library.Status, emit bool) events.Event {
	b.Helper()
	lib, err := library.Build(library.Inputs{Industry: "finance", Roles: fanoutRoles, Overrides: []library.Override{{Slug: fanoutToggled, Status: status}}})
	if err != nil {
		b.Fatal(err)
	}
	var ev events.Event
	err = s.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		version := 1
		if latest, err := tx.LatestLibrary(); err == nil {
			version = latest.Version + 1
		}
		v := store.LibraryVersion{Version: version, BuiltAt: time.Now().UTC(), Library: lib}
		if err := tx.InsertLibraryVersion(v); err != nil {
			return err
		}
		if !emit {
			return nil
		}
		ev, err = tx.Emit(events.TypeLibraryRebuilt, fmt.Sprint(version), events.LibraryRebuilt{Version: version, Digest: lib.Digest})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return ev
}

// waitAcked polls until the plan worker has acknowledged ev, which it does
// after its transaction committed.
func waitAcked(b *testing.B, bus *events.Bus, ev events.Event) {
	b.Helper()
	ctx := context.Background()
	stream, err := bus.JetStream().Stream(ctx, bus.StreamName())
	if err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	var seq uint64
	for {
		if seq == 0 {
			if m, err := stream.GetLastMsgForSubject(ctx, ev.Subject()+".*"); err == nil && strings.Contains(string(m.Data), ev.ID) { // stored with its partition
				seq = m.Sequence
			}
		}
		if seq > 0 {
			c, err := stream.Consumer(ctx, events.PartitionDurable(workers.PlansWorkerName, events.PartitionOf(ev.Tenant(), bus.Partitions())))
			if err != nil {
				b.Fatal(err)
			}
			if c.CachedInfo().AckFloor.Stream >= seq {
				return
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("plan worker did not acknowledge %s (stream seq %d)", ev.ID, seq)
		}
		time.Sleep(2 * time.Millisecond) // polling a condition with a deadline
	}
}

// waitFanout polls until the tenant's plan fan-out is over.
func waitFanout(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tenant tenants.ID) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for benchCount(b, ctx, pool, tenant, "SELECT count(*) FROM plan_fanouts WHERE tenant_id = $1", tenant.String()) > 0 {
		if time.Now().After(deadline) {
			b.Fatal("plan fan-out still in progress")
		}
		time.Sleep(2 * time.Millisecond) // polling a condition with a deadline
	}
}

// waitPublished polls until the outbox is empty.
func waitPublished(b *testing.B, s *store.Store) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		n, _, err := s.Outbox().Pending(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d outbox rows still pending", n)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition with a deadline
	}
}

// floorInsert reads the plan rows of version of the tenant and times
// inserting the same rows for floorTenant: multi-row INSERTs of 500 rows
// (the batch size of store.SavePlans), one transaction, app role.
func floorInsert(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tenant, floorTenant tenants.ID, version int) time.Duration {
	b.Helper()
	type row struct {
		employee, role, tier, target, basis, items string
		built                                      time.Time
	}
	var rows []row
	inBenchTenant(b, ctx, pool, tenant, func(tx pgx.Tx) error {
		rs, err := tx.Query(ctx, `SELECT employee_id::text, built_at, role, tier, target_tier, basis::text, items::text
			FROM plans WHERE tenant_id = $1 AND version = $2`, tenant.String(), version)
		if err != nil {
			return err
		}
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.employee, &r.built, &r.role, &r.tier, &r.target, &r.basis, &r.items); err != nil {
				return err
			}
			rows = append(rows, r)
		}
		return rs.Err()
	})
	if len(rows) != fanoutEmployees {
		b.Fatalf("floor: read %d rows, want %d", len(rows), fanoutEmployees)
	}
	const batch = 500
	start := time.Now()
	inBenchTenant(b, ctx, pool, floorTenant, func(tx pgx.Tx) error {
		for i := 0; i < len(rows); i += batch {
			chunk := rows[i:min(i+batch, len(rows))]
			var sql strings.Builder
			sql.WriteString("INSERT INTO plans (tenant_id, employee_id, version, built_at, role, tier, target_tier, basis, items) VALUES ")
			args := make([]any, 0, 9*len(chunk))
			for j, r := range chunk {
				if j > 0 {
					sql.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&sql, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9)
				args = append(args, floorTenant.String(), r.employee, version, r.built, r.role, r.tier, r.target, r.basis, r.items)
			}
			if _, err := tx.Exec(ctx, sql.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	return time.Since(start)
}
