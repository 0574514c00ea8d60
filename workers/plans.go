package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// PlansWorkerName is the durable consumer name of the plan builder.
const PlansWorkerName = "plans"

// planChunk is how many employees RebuildPlans reads, builds and writes at
// a time: a handful of set-based statements per chunk (a tenant of up to
// planChunk employees is read with one statement per table, no id list),
// and a bounded amount of plans in memory (about 20 KB each).
const planChunk = 10_000

// plansAckWait is the plan builder's ack wait. A tenant-wide rebuild runs
// one fanoutChunk per transaction, so no delivery holds its event for long;
// a crashed worker's events return within it.
const plansAckWait = events.MaxAckWait

// Plans returns the plan builder (DESIGN §4.3). It rebuilds, with
// plan.Build, the development plan of
//   - the employee of an assessment.scored event;
//   - the employee of an employee.created or employee.updated event (a new
//     employee gets a first plan; a change of role, tier or target tier
//     moves the plan to the new framework or levels);
//   - every employee of the tenant on library.rebuilt, fanoutChunk
//     employees per transaction (see RebuildPlanChunk): the handler starts
//     the fan-out and rebuilds the first chunk; RunPlanFanouts rebuilds the
//     rest, each chunk in its own transaction, so no transaction of a
//     tenant-wide rebuild is longer than one chunk.
//
// It writes a new plan version, and emits plan.updated, only for plans
// whose content changed, so a repeated or irrelevant event changes nothing.
// employee.deleted needs no handler: an employee's plans are erased with
// them (foreign key ON DELETE CASCADE).
//
// Concurrency: the plans of the employees being rebuilt are locked (FOR
// UPDATE on their heads, in employee id order) before the employees and
// plans are read, until the transaction commits, so two builders, or a
// builder and an item update from the API, apply one after the other and
// the later one builds on the earlier one's result and employee data. Two first
// builds of the same employee race on the version key; the loser fails
// with store.ErrRetry, and its transaction runs again and builds on the
// winner's plan (issue 13.9: no poison budget spent on a lost race).
func Plans() Worker {
	return Worker{
		Name: PlansWorkerName,
		Types: []events.Type{events.TypeAssessmentScored, events.TypeLibraryRebuilt,
			events.TypeEmployeeCreated, events.TypeEmployeeUpdated},
		Handle:  buildPlans,
		Options: events.ConsumerConfig{AckWait: plansAckWait},
	}
}

func buildPlans(ctx context.Context, tx *store.Tx, ev events.Event) error {
	var (
		cause string
		one   string
	)
	switch ev.Type {
	case events.TypeLibraryRebuilt:
		now := time.Now()
		if err := tx.StartPlanFanout(ev.ID, now); err != nil {
			return err
		}
		_, _, err := RebuildPlanChunk(ctx, tx, fanoutChunk, now)
		return err
	case events.TypeAssessmentScored:
		var p events.AssessmentScored
		if err := json.Unmarshal(ev.Data, &p); err != nil {
			return fmt.Errorf("%w: %s data: %v", ErrPermanent, ev.Type, err)
		}
		cause, one = events.PlanCauseAssessment, p.EmployeeID
	case events.TypeEmployeeCreated, events.TypeEmployeeUpdated:
		var p struct {
			EmployeeID string `json:"employee_id"`
		}
		if err := json.Unmarshal(ev.Data, &p); err != nil {
			return fmt.Errorf("%w: %s data: %v", ErrPermanent, ev.Type, err)
		}
		cause, one = events.PlanCauseEmployee, p.EmployeeID
	default:
		return nil
	}
	id, err := uuid.Parse(one)
	if err != nil {
		return fmt.Errorf("%w: %s: employee id %q", ErrPermanent, ev.Type, one)
	}
	_, err = RebuildPlans(ctx, tx, []uuid.UUID{id}, cause, time.Now())
	return err
}

// RebuildReport says what RebuildPlans did.
type RebuildReport struct {
	// Employees is how many employees were considered, Changed how many
	// got a new plan version (and a plan.updated event).
	Employees, Changed int
	// Skipped counts employees whose role or tier no framework knows.
	Skipped int
}

// RebuildPlans rebuilds the plans of the given employees (of every employee
// of the tenant when ids is nil) at time now, inside tx: it writes the
// versions whose content changed and emits one plan.updated per written
// version, with the given cause. Employees that do not exist are ignored.
func RebuildPlans(ctx context.Context, tx *store.Tx, ids []uuid.UUID, cause string, now time.Time) (RebuildReport, error) {
	var report RebuildReport
	// Lock first, read second: a builder that waited for the lock reads the
	// employee and plan its predecessor left, not older ones.
	if err := tx.LockPlans(ids); err != nil {
		return report, err
	}
	var employees []store.Employee
	if ids == nil {
		all, err := tx.Employees(store.EmployeeFilter{})
		if err != nil {
			return report, err
		}
		employees = all
	} else {
		for _, id := range ids {
			e, err := tx.Employee(id)
			if errors.Is(err, store.ErrNotFound) {
				continue // deleted since the event; its plans went with it
			}
			if err != nil {
				return report, err
			}
			employees = append(employees, e)
		}
		slices.SortFunc(employees, func(a, b store.Employee) int { return slices.Compare(a.ID[:], b.ID[:]) })
	}
	return rebuildEmployees(ctx, tx, employees, ids == nil, cause, now)
}

// rebuildEmployees rebuilds the plans of employees (sorted by id, their
// plans locked) in planChunk chunks; all says they are every employee of
// the tenant.
func rebuildEmployees(ctx context.Context, tx *store.Tx, employees []store.Employee, all bool, cause string, now time.Time) (RebuildReport, error) {
	var report RebuildReport
	if len(employees) == 0 {
		return report, nil
	}
	ctxt, err := loadPlanContext(tx)
	if err != nil {
		return report, err
	}
	// Times survive the database round trip exactly (PostgreSQL keeps
	// microseconds), so an unchanged rebuild compares equal.
	now = now.UTC().Truncate(time.Microsecond)
	whole := all && len(employees) <= planChunk
	for chunk := range slices.Chunk(employees, planChunk) {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		r, err := rebuildChunk(tx, ctxt, chunk, whole, cause, now)
		report.Employees += r.Employees
		report.Changed += r.Changed
		report.Skipped += r.Skipped
		if err != nil {
			return report, err
		}
	}
	return report, nil
}

// planContext is what every plan of a tenant is built from besides the
// employee's own data: the company relevance and retired competencies of
// the latest library, and the tailored frameworks by role (read lazily, once
// per role).
type planContext struct {
	tx         *store.Tx
	relevance  map[string]float64
	retired    map[string]bool
	frameworks map[string]frameworkResult
}

type frameworkResult struct {
	tailored app.Tailored
	err      error
}

// loadPlanContext reads the latest library's competency statuses and
// relevance. A tenant without a library plans with default relevance and
// nothing retired.
func loadPlanContext(tx *store.Tx) (*planContext, error) {
	c := &planContext{tx: tx, frameworks: map[string]frameworkResult{}}
	v, err := tx.LatestLibrary()
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c, nil
	case err != nil:
		return nil, err
	}
	c.relevance = make(map[string]float64, len(v.Competencies))
	c.retired = map[string]bool{}
	for _, comp := range v.Competencies {
		c.relevance[comp.Slug] = comp.Relevance
		if comp.Status == library.StatusRetired {
			c.retired[comp.Slug] = true
		}
	}
	return c, nil
}

// framework returns the tailored framework of role, asking app.Framework
// once per role.
func (c *planContext) framework(role string) (app.Tailored, error) {
	if r, ok := c.frameworks[role]; ok {
		return r.tailored, r.err
	}
	t, err := app.Framework(c.tx, role)
	c.frameworks[role] = frameworkResult{t, err}
	return t, err
}

// rebuildChunk rebuilds the plans of employees (sorted by id) with one
// statement to read their plans, one to read their results, and batched
// writes of the changed ones. whole says employees are all of the tenant's,
// so the reads need no id list. The plans are built and encoded on up to
// GOMAXPROCS goroutines.
func rebuildChunk(tx *store.Tx, c *planContext, employees []store.Employee, whole bool, cause string, now time.Time) (RebuildReport, error) {
	report := RebuildReport{Employees: len(employees)}
	var ids []uuid.UUID // nil: the whole tenant
	if !whole {
		ids = make([]uuid.UUID, len(employees))
		for i, e := range employees {
			ids[i] = e.ID
		}
	}
	previous, err := tx.PreviousPlans(ids) // locked by RebuildPlans
	if err != nil {
		return report, err
	}
	results, err := tx.LatestResultsByEmployee(ids)
	if err != nil {
		return report, err
	}
	// The frameworks first, on this goroutine: they are read through tx.
	inputs := make([]*plan.Input, len(employees))
	for i, e := range employees {
		if !e.Tier.Valid() {
			report.Skipped++
			continue
		}
		f, err := c.framework(e.RoleSlug)
		if errors.Is(err, app.ErrUnknownRole) {
			report.Skipped++
			continue
		}
		if err != nil {
			return report, err
		}
		res := results[e.ID]
		inputs[i] = &plan.Input{
			EmployeeID: e.ID.String(),
			Framework:  f.Framework,
			Tier:       e.Tier,
			TargetTier: e.TargetTier,
			Results:    res.Current,
			Relevance:  c.relevance,
			Retired:    c.retired,
			Basis:      plan.Basis{LibraryVersion: f.LibraryVersion, AssessmentID: res.AssessmentID},
			Now:        now,
		}
	}
	built := make([]*store.EncodedPlan, len(employees))
	build := func(i int) error {
		in := inputs[i]
		if in == nil {
			return nil
		}
		prev, hasPrev := previous[employees[i].ID]
		if hasPrev {
			in.Previous = &prev.Plan
		}
		p := plan.Build(*in)
		if !p.Changed {
			return nil
		}
		if hasPrev {
			if err := prev.Complete(&p); err != nil {
				return err
			}
		}
		enc, err := tx.EncodePlan(p)
		if err != nil {
			return err
		}
		// The previous plan was read without the actions of its open
		// items, so Build cannot tell an unchanged plan: the bytes can.
		if hasPrev && enc.Same(prev) {
			return nil
		}
		if enc, err = tx.WithEvent(enc, events.NewPlanUpdated(p, cause)); err != nil {
			return err
		}
		built[i] = &enc
		return nil
	}
	// Built on other goroutines while the database writes what was built.
	w := tx.PlanWriter()
	changed := 0
	err = pipeline(len(employees), buildRange, build, func(from, to int) error {
		for i, e := range built[from:to] {
			if e == nil {
				continue
			}
			if err := w.Add(*e); err != nil {
				return err
			}
			built[from+i] = nil // written: the writer holds what it still needs
			changed++
		}
		return nil
	})
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return report, err
	}
	report.Changed = changed
	return report, nil
}

// buildRange is how many employees one goroutine of a rebuild builds at a
// time, parallelMin the least number of employees worth building on several.
const (
	buildRange  = 128
	parallelMin = 256
)

// pipeline calls fn(i) for i in [0, n), size at a time in order, on an
// errgroup of up to GOMAXPROCS goroutines, and after(from, to) on the
// caller's goroutine for each range as soon as fn is done with it and with
// the ranges before, so the caller writes while the next ranges are built.
// With fewer than parallelMin items it runs everything on the caller's
// goroutine. It returns the first error; after one, after is not called
// again and no further range is started.
func pipeline(n, size int, fn func(i int) error, after func(from, to int) error) error {
	ranges := (n + size - 1) / size
	workers := min(runtime.GOMAXPROCS(0), ranges)
	if n < parallelMin || workers <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		if n == 0 {
			return nil
		}
		return after(0, n)
	}
	// done[k] receives range k's outcome: the caller takes the ranges in
	// order from it, whatever order the goroutines finish them in.
	done := make([]chan error, ranges)
	for k := range done {
		done[k] = make(chan error, 1)
	}
	build := func(k int) func() error {
		return func() error {
			var err error
			for i := k * size; i < min(n, (k+1)*size) && err == nil; i++ {
				err = fn(i)
			}
			done[k] <- err
			return err
		}
	}
	// Ranges are started only here, on the caller's goroutine, as slots
	// free up; so after an error none is started, and Wait returns once the
	// few in flight are done.
	var g errgroup.Group
	g.SetLimit(workers)
	started := 0
	for k := range ranges {
		for started < ranges && g.TryGo(build(started)) {
			started++
		}
		if started == k {
			// Every slot is held by a range already written whose goroutine
			// has yet to return: wait for one.
			g.Go(build(k))
			started++
		}
		err := <-done[k]
		if err == nil {
			err = after(k*size, min(n, (k+1)*size))
		}
		if err != nil {
			_ = g.Wait() // the ranges in flight; their errors come after err
			return err
		}
	}
	return g.Wait()
}
