package workers

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/backoff"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// fanoutChunk is how many employees one transaction of a tenant-wide plan
// rebuild (a library change) rebuilds. BenchmarkPlanFanout rebuilds 10,000
// plans in about 3 s on PostgreSQL, so a chunk's transaction lasts about
// 0.3 s: the longest a plan item edit waits for the rebuild, and the most
// work a worker killed mid-fan-out leaves to be redone. Bigger chunks save
// little (a chunk costs two reads of the library and the frameworks besides
// its plans); smaller ones add commits.
const fanoutChunk = 1000

// Timing of RunPlanFanouts: it looks for rebuilds left by other processes
// (a crashed worker's) every fanoutPoll, and is woken at once by a rebuild
// its own process started; after a failure it waits as internal/backoff
// says, between fanoutRetryMin and fanoutRetryMax.
const (
	fanoutPoll     = time.Second
	fanoutRetryMin = 100 * time.Millisecond
	fanoutRetryMax = 30 * time.Second
	// fanoutScan bounds the tenants one scan returns; the next scan finds
	// the rest.
	fanoutScan = 100
)

// RebuildPlanChunk rebuilds, inside tx, the next chunk of at most limit
// employees of the tenant's plan fan-out (store.PlanFanout, started by a
// library.rebuilt event) at time now: it claims the fan-out (a second
// claimer waits for this transaction), reads the next employees after its
// mark in id order, locks their plans, reads them again, rebuilds them,
// writes the changed versions with their plan.updated events (cause
// library) and moves the mark past them, or ends the fan-out when no
// employee is left. Plans, events and mark commit together, so a fan-out
// interrupted anywhere resumes after the last chunk committed: no plan is
// rebuilt twice with its effects, none is skipped. done reports that the
// fan-out is over (or none was in progress).
func RebuildPlanChunk(ctx context.Context, tx *store.Tx, limit int, now time.Time) (report RebuildReport, done bool, err error) {
	f, err := tx.ClaimPlanFanout()
	if errors.Is(err, store.ErrNotFound) {
		return report, true, nil
	}
	if err != nil {
		return report, false, err
	}
	page := store.EmployeeFilter{After: f.After, Limit: limit}
	first, err := tx.Employees(page)
	if err != nil {
		return report, false, err
	}
	ids := make([]uuid.UUID, len(first))
	for i, e := range first {
		ids[i] = e.ID
	}
	// Lock first, read again: a builder that waited for the locks reads
	// the employees and plans its predecessor left.
	if err := tx.LockPlans(ids); err != nil {
		return report, false, err
	}
	employees, err := tx.Employees(page)
	if err != nil {
		return report, false, err
	}
	report, err = rebuildEmployees(ctx, tx, employees, false, events.PlanCauseLibrary, now)
	if err != nil {
		return report, false, err
	}
	if len(employees) < limit {
		return report, true, tx.FinishPlanFanout()
	}
	return report, false, tx.AdvancePlanFanout(employees[len(employees)-1].ID, now)
}

// RunPlanFanouts rebuilds the plan fan-outs in progress of every tenant,
// chunk by chunk, each chunk in its own transaction (RebuildPlanChunk),
// until ctx is cancelled: those its process's plan worker started (it is
// woken after their first chunk commits) and those any other process left
// (found by a scan every fanoutPoll). Several processes may run it: they
// take turns on a tenant's fan-out chunk by chunk. Failures are logged and
// retried with backoff; the fan-out stays where its last chunk left it.
func RunPlanFanouts(ctx context.Context, st *store.Store, log *slog.Logger) error {
	wake := make(chan struct{}, 1)
	st.OnPlanFanout(func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	retry := backoff.Exponential{Min: fanoutRetryMin, Max: fanoutRetryMax}
	for {
		wait := fanoutPoll
		if err := drainFanouts(ctx, st, log); err != nil {
			wait = retry.Next()
		} else {
			retry.Reset()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// drainFanouts runs every fan-out in progress to its end, tenant by tenant;
// a tenant whose chunk fails is left for the next round. It returns the
// first failure.
func drainFanouts(ctx context.Context, st *store.Store, log *slog.Logger) error {
	ids, err := st.PlanFanoutTenants(ctx, fanoutScan)
	if err != nil {
		if ctx.Err() == nil {
			log.WarnContext(ctx, "list plan fan-outs", "err", err)
		}
		return err
	}
	var first error
	for _, id := range ids {
		if err := runFanout(ctx, st, id); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "plan fan-out chunk failed; it is retried", "tenant_id", id.String(), "err", err)
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// runFanout rebuilds the tenant's fan-out chunk by chunk until it is done.
func runFanout(ctx context.Context, st *store.Store, tenant tenants.ID) error {
	for done := false; !done; {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := st.InTenant(ctx, tenant, func(tx *store.Tx) (err error) {
			// As the runner does: the tenant cannot be deleted underneath.
			if err := tx.ShareLockTenant(); err != nil {
				return err
			}
			_, done, err = RebuildPlanChunk(ctx, tx, fanoutChunk, time.Now())
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return nil // the tenant is gone, and its fan-out with it
		}
		if err != nil {
			return err
		}
	}
	return nil
}
