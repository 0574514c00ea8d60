package workers_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// hireMany stores n employees of the tenant in one transaction (no events)
// and returns their ids.
func (r *rig) hireMany(t *testing.T, tenant tenants.ID, n int) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, n)
	now := time.Now().UTC().Truncate(time.Microsecond)
	r.planTx(t, tenant, func(tx *store.Tx) error {
		for i := range ids {
			e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: fmt.Sprint("m", i), Name: "M", RoleSlug: "devops-engineer",
				Tier: competency.TierMid, CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertEmployee(e); err != nil {
				return err
			}
			ids[i] = e.ID
		}
		return nil
	})
	return ids
}

// checkOnePlanEach fails unless every employee has exactly one plan version
// (v1, its head) and one plan.updated event, and nothing else has either.
func (r *rig) checkOnePlanEach(t *testing.T, tenant tenants.ID, ids []uuid.UUID) {
	t.Helper()
	perEmployee := map[string]int{}
	for _, p := range r.planEvents(t, tenant) {
		perEmployee[p.EmployeeID]++
	}
	if len(perEmployee) != len(ids) {
		t.Errorf("plan.updated for %d employees, want %d", len(perEmployee), len(ids))
	}
	for _, id := range ids {
		if n := perEmployee[id.String()]; n != 1 {
			t.Errorf("employee %s: %d plan.updated events, want 1", id, n)
		}
		var versions int
		r.planTx(t, tenant, func(tx *store.Tx) error {
			h, err := tx.PlanHistory(id, 0, 10)
			versions = len(h)
			return err
		})
		if versions != 1 {
			t.Errorf("employee %s: %d plan versions, want 1", id, versions)
		}
	}
}

// fanoutInProgress reports whether the tenant has a plan fan-out left.
func (r *rig) fanoutInProgress(t *testing.T, tenant tenants.ID) bool {
	t.Helper()
	var in bool
	r.planTx(t, tenant, func(tx *store.Tx) error {
		_, err := tx.ClaimPlanFanout()
		in = err == nil
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	return in
}

// TestPlanFanoutResumes: a tenant-wide rebuild runs a chunk per
// transaction with its mark; a chunk that fails (a worker killed in the
// middle of it) leaves nothing behind, and the next runner, in another
// "process", resumes after the last chunk that committed: every plan is
// built once with one plan.updated, none is lost, the fan-out ends, and the
// other tenant is untouched.
func TestPlanFanoutResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		ids := r.hireMany(t, r.a, 10)
		otherIDs := r.hireMany(t, r.b, 3)
		r.planLibrary(t, r.a, []string{"devops-engineer"})
		r.planLibrary(t, r.b, []string{"devops-engineer"})
		ctx := context.Background()

		// The event's handler: start and the first chunk, in one transaction.
		r.planTx(t, r.a, func(tx *store.Tx) error {
			if err := tx.StartPlanFanout(uuid.Must(uuid.NewV7()).String(), time.Now()); err != nil {
				return err
			}
			rep, done, err := workers.RebuildPlanChunk(ctx, tx, 4, time.Now())
			if err == nil && (done || rep.Changed != 4) {
				t.Errorf("first chunk: %+v, done %v; want 4 changed, not done", rep, done)
			}
			return err
		})
		// A worker dies in the second chunk: its transaction rolls back.
		crash := errors.New("killed")
		err := db.Store.InTenant(ctx, r.a, func(tx *store.Tx) error {
			if _, _, err := workers.RebuildPlanChunk(ctx, tx, 4, time.Now()); err != nil {
				return err
			}
			return crash
		})
		if !errors.Is(err, crash) {
			t.Fatalf("crashed chunk: %v, want %v", err, crash)
		}
		if !r.fanoutInProgress(t, r.a) {
			t.Fatal("fan-out gone after a crashed chunk, want it left to resume")
		}
		// Another worker resumes.
		chunks := 0
		for done := false; !done; chunks++ {
			r.planTx(t, r.a, func(tx *store.Tx) (err error) {
				_, done, err = workers.RebuildPlanChunk(ctx, tx, 4, time.Now())
				return err
			})
		}
		if chunks != 2 {
			t.Errorf("resumed in %d chunks, want 2 (4 + 2 employees)", chunks)
		}
		r.checkOnePlanEach(t, r.a, ids)
		if r.fanoutInProgress(t, r.a) {
			t.Error("fan-out still in progress after its last chunk")
		}
		// Tenant B has no fan-out: its chunk does nothing.
		r.planTx(t, r.b, func(tx *store.Tx) error {
			rep, done, err := workers.RebuildPlanChunk(ctx, tx, 4, time.Now())
			if err == nil && (!done || rep.Employees != 0) {
				t.Errorf("tenant B: %+v, done %v; want nothing done", rep, done)
			}
			return err
		})
		for _, id := range otherIDs {
			if _, err := r.currentPlan(t, r.b, id); !errors.Is(err, store.ErrNoPlan) {
				t.Errorf("tenant B employee %s: %v, want no plan", id, err)
			}
		}
	})
}

// TestPlansWorkerFanoutDriven: a fan-out another process left half done (a
// worker killed between chunks) is found by RunPlanFanouts' scan and
// finished; the plan worker's library.rebuilt handler then starts a new
// one, which a tenant this small finishes in its first chunk. Every plan is
// built once. (A fan-out of several chunks through the worker and the
// driver, with a kill in between, is TestFaultKillCadreMidFanout in
// cmd/cadre, -tags faults.)
func TestPlansWorkerFanoutDriven(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		r := newRig(t, db)
		ids := r.hireMany(t, r.a, 7)
		r.planLibrary(t, r.b, []string{"devops-engineer"}) // B: a library, no employees
		// A: a fan-out left after one chunk of 3 by a worker that died.
		r.planLibrary(t, r.a, []string{"devops-engineer"}) // published; the worker consumes it below
		r.planTx(t, r.a, func(tx *store.Tx) error {
			if err := tx.StartPlanFanout(uuid.Must(uuid.NewV7()).String(), time.Now()); err != nil {
				return err
			}
			_, _, err := workers.RebuildPlanChunk(context.Background(), tx, 3, time.Now())
			return err
		})
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		t.Cleanup(func() { cancel(); wg.Wait() })
		wg.Go(func() { _ = workers.RunPlanFanouts(ctx, db.Store, quiet) })
		testwait.Until(t, waitTimeout, "fan-out finished by the driver", func() (bool, error) {
			return !r.fanoutInProgress(t, r.a), nil
		})
		// The library.rebuilt published above restarts the fan-out when
		// the worker consumes it; nothing changed, so nothing is written.
		stop := r.run(t, workers.Plans())
		defer stop()
		r.waitSettled(t, workers.PlansWorkerName)
		testwait.Until(t, waitTimeout, "fan-out finished after the event", func() (bool, error) {
			return !r.fanoutInProgress(t, r.a), nil
		})
		r.checkOnePlanEach(t, r.a, ids)
	})
}

// TestFirstPlanBuildRace: two builders of the same employee's first plan
// (two workers, each with its event): the second waits on the first's
// version row and, when the first commits, loses the primary key; its
// transaction runs again (store.ErrRetry, not ErrConflict, so no poison
// budget is spent) and finds the plan already built. One version, one
// event. PostgreSQL only: SQLite runs one writer at a time.
func TestFirstPlanBuildRace(t *testing.T) {
	db := storetest.Postgres(t)
	r := newRig(t, db)
	id := r.hireMany(t, r.a, 1)[0]
	r.planLibrary(t, r.a, []string{"devops-engineer"})
	ctx := context.Background()

	firstWrote, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var firstErr, secondErr error
	wg.Go(func() {
		firstErr = db.Store.InTenant(ctx, r.a, func(tx *store.Tx) error {
			if _, err := workers.RebuildPlans(ctx, tx, []uuid.UUID{id}, events.PlanCauseEmployee, time.Now()); err != nil {
				return err
			}
			close(firstWrote)
			<-release
			return nil
		})
	})
	<-firstWrote
	attempts := 0
	wg.Go(func() {
		secondErr = db.Store.InTenant(ctx, r.a, func(tx *store.Tx) error {
			attempts++
			_, err := workers.RebuildPlans(ctx, tx, []uuid.UUID{id}, events.PlanCauseAssessment, time.Now())
			return err
		})
	})
	// The second builder waits on the first's uncommitted version row.
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	testwait.Until(t, waitTimeout, "second builder waiting on a lock", func() (bool, error) {
		var n int
		err := admin.QueryRow("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.usename = $1",
			storetest.AppRole).Scan(&n)
		return n > 0, err
	})
	close(release)
	wg.Wait()
	if firstErr != nil || secondErr != nil {
		t.Fatalf("builders: %v, %v; want both to succeed", firstErr, secondErr)
	}
	if attempts < 2 {
		t.Errorf("second builder ran %d times, want it run again after losing the race", attempts)
	}
	r.checkOnePlanEach(t, r.a, []uuid.UUID{id})
}
