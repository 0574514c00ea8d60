package store

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
)

// SavePlans stores new plan versions and makes them current (a PlanWriter
// without events).
func (tx *Tx) SavePlans(plans []plan.Plan) error {
	w := tx.PlanWriter()
	for _, p := range plans {
		e, err := tx.EncodePlan(p)
		if err != nil {
			return fmt.Errorf("save plans: %w", err)
		}
		if err := w.Add(e); err != nil {
			return err
		}
	}
	return w.Close()
}

// EncodedPlan is a plan with its row encoded (EncodePlan), and its
// plan.updated event when asked for (WithEvent), to be compared with the
// previous version and saved with a PlanWriter.
type EncodedPlan struct {
	Plan  plan.Plan
	row   planRow
	event *outboxRow
}

// EncodePlan encodes p for a PlanWriter. It may run on any goroutine.
func (tx *Tx) EncodePlan(p plan.Plan) (EncodedPlan, error) {
	r, err := tx.toPlanRow(p)
	if err != nil {
		return EncodedPlan{}, fmt.Errorf("encode plan of %s: %w", p.EmployeeID, err)
	}
	return EncodedPlan{Plan: p, row: r}, nil
}

// WithEvent returns e with its plan.updated event (data, made by
// events.NewPlanUpdated) encoded, for the PlanWriter to record. It may run
// on any goroutine.
func (tx *Tx) WithEvent(e EncodedPlan, data events.PlanUpdated) (EncodedPlan, error) {
	ev, err := tx.outboxRowOf(PendingEvent{Type: events.TypePlanUpdated, Resource: e.Plan.EmployeeID, Data: data}, time.Now())
	if err != nil {
		return EncodedPlan{}, err
	}
	e.event = &ev
	return e, nil
}

// Same reports whether e holds the same content as prev (see
// plan.Plan.SameContent): the same employee, role and tiers, and the same
// items JSON byte for byte, which the encoding makes equivalent to equal
// items. (The items column keeps the text as written: json, not jsonb, on
// PostgreSQL; text on SQLite.)
func (e EncodedPlan) Same(prev PreviousPlan) bool {
	return e.Plan.EmployeeID == prev.EmployeeID && e.Plan.Role == prev.Role && e.Plan.Tier == prev.Tier &&
		e.Plan.TargetTier == prev.TargetTier && e.row.Items == prev.items
}

// PlanWriter stores new plan versions, makes them current and records
// their events: the versions with multi-row INSERTs of planBatch rows as
// they are added, the heads (moveHeads) and the events (eventBatch rows per
// INSERT) on Close. Each plan's Version must be one above the employee's
// current version (1 for a first plan). A version already taken or a head
// moved meanwhile means a concurrent builder got there first: that is
// ErrRetry (a kind of ErrUnavailable) with ErrConflict in the chain, so InTenant runs the transaction
// again, which then locks and builds on the winner's plan, and a worker
// whose retries all lose tries the event again later without spending its
// poison budget (issue 13.9: two first builds of one employee race on the
// primary key, as there is no head yet to lock). A PlanWriter is for one
// goroutine.
type PlanWriter struct {
	tx      *Tx
	pending []planRow
	heads   []planHeadRow
	events  []outboxRow
}

// PlanWriter returns a writer of plan versions in tx.
func (tx *Tx) PlanWriter() *PlanWriter { return &PlanWriter{tx: tx} }

// Add queues e, writing a batch when planBatch versions are queued.
func (w *PlanWriter) Add(e EncodedPlan) error {
	w.pending = append(w.pending, e.row)
	w.heads = append(w.heads, planHeadRow{TenantID: e.row.TenantID, EmployeeID: e.row.EmployeeID, Version: e.row.Version})
	if e.event != nil {
		w.events = append(w.events, *e.event)
	}
	if len(w.pending) < planBatch {
		return nil
	}
	return w.flush()
}

func (w *PlanWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	if err := w.tx.db.Create(w.pending).Error; err != nil {
		return fmt.Errorf("save plans: %w", lostRace(translate(err)))
	}
	w.pending = w.pending[:0]
	return nil
}

// Close writes the versions still queued, moves the heads of every version
// added and records their events.
func (w *PlanWriter) Close() error {
	if err := w.flush(); err != nil {
		return err
	}
	if len(w.heads) == 0 {
		return nil
	}
	if err := w.tx.moveHeads(w.heads); err != nil {
		return fmt.Errorf("save plan heads: %w", err)
	}
	return w.tx.insertOutbox(w.events)
}

// moveHeads points the employees' heads at the versions of heads: a first
// version gets a new head; any other moves the head from the version before
// it, which the head must still be at (else ErrRetry with ErrConflict in
// the chain: another builder got there first). On PostgreSQL the moves are one UPDATE with two array
// parameters however many heads move.
func (tx *Tx) moveHeads(heads []planHeadRow) error {
	var fresh, moved []planHeadRow
	for _, h := range heads {
		if h.Version == 1 {
			fresh = append(fresh, h)
		} else {
			moved = append(moved, h)
		}
	}
	if len(fresh) > 0 {
		if err := tx.db.CreateInBatches(fresh, headBatch).Error; err != nil {
			return lostRace(translate(err))
		}
	}
	if len(moved) == 0 {
		return nil
	}
	var affected int64
	if tx.store.dialect == Postgres {
		ids, versions := make(textArray, len(moved)), make(textArray, len(moved))
		for i, h := range moved {
			ids[i], versions[i] = h.EmployeeID, strconv.Itoa(h.Version)
		}
		res := tx.db.Exec(`UPDATE plan_heads h SET version = m.version
			FROM unnest(?::uuid[], ?::int[]) AS m (employee_id, version)
			WHERE h.tenant_id = ? AND h.employee_id = m.employee_id AND h.version = m.version - 1`,
			ids, versions, tx.tenant.String())
		if res.Error != nil {
			return translate(res.Error)
		}
		affected = res.RowsAffected
	} else {
		for _, h := range moved {
			res := tx.db.Model(&planHeadRow{}).Where("tenant_id = ? AND employee_id = ? AND version = ?", tx.tenant.String(), h.EmployeeID, h.Version-1).
				Update("version", h.Version)
			if res.Error != nil {
				return translate(res.Error)
			}
			affected += res.RowsAffected
		}
	}
	if affected != int64(len(moved)) {
		return fmt.Errorf("%w: %w: %d of %d plan heads were not at the version before", ErrRetry, ErrConflict, int64(len(moved))-affected, len(moved))
	}
	return nil
}

// lostRace turns the conflict of a plan version or head written meanwhile
// by a concurrent builder into ErrRetry (see PlanWriter), keeping the
// driver's error in the chain.
func lostRace(err error) error {
	if errors.Is(err, ErrConflict) {
		return fmt.Errorf("%w: %w", ErrRetry, err)
	}
	return err
}

// UpdatePlanItems rewrites the items of the employee's current version in
// place (an item's status or note changed; a version is a build, see
// plan.Plan.UpdateItem). Lock the plan first with CurrentPlans(…, true). A
// plan that is not the current one is ErrConflict.
func (tx *Tx) UpdatePlanItems(p plan.Plan) error {
	r, err := tx.toPlanRow(p)
	if err != nil {
		return fmt.Errorf("update plan items: %w", err)
	}
	res := tx.db.Exec(`UPDATE plans SET items = ? WHERE tenant_id = ? AND employee_id = ? AND version = ?
		AND version = (SELECT h.version FROM plan_heads h WHERE h.tenant_id = ? AND h.employee_id = ?)`,
		r.Items, r.TenantID, r.EmployeeID, r.Version, r.TenantID, r.EmployeeID)
	if res.Error != nil {
		return fmt.Errorf("update plan items: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("update plan items: %w: version %d of %s is not current", ErrConflict, p.Version, p.EmployeeID)
	}
	return nil
}

// SetTargetTier sets the tier the employee's plan aims at; the zero Tier
// clears it (the plan aims at the employee's own tier). It changes nothing
// else of the employee. A missing employee is ErrNotFound.
func (tx *Tx) SetTargetTier(employeeID uuid.UUID, target competency.Tier) error {
	var value *string
	if target.Valid() {
		s := target.String()
		value = &s
	}
	res := tx.db.Model(&employeeRow{}).Where("tenant_id = ? AND id = ?", tx.tenant.String(), employeeID.String()).
		Updates(map[string]any{"target_tier": value, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return fmt.Errorf("set target tier: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// EmitPlansUpdated records one plan.updated event per payload (made by
// events.NewPlanUpdated), with batched outbox inserts (EmitBatch).
func (tx *Tx) EmitPlansUpdated(updates []events.PlanUpdated) error {
	pending := make([]PendingEvent, len(updates))
	for i, u := range updates {
		pending[i] = PendingEvent{Type: events.TypePlanUpdated, Resource: u.EmployeeID, Data: u}
	}
	return tx.EmitBatch(pending)
}
