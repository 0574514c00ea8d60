package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/tenants"
)

// CurrentPlan returns the employee's current plan: ErrNotFound when the
// employee is not one of this tenant's, ErrNoPlan when they have no plan yet.
func (tx *Tx) CurrentPlan(employeeID uuid.UUID) (plan.Plan, error) {
	d, err := tx.currentPlan("e.id = ?", employeeID.String())
	if err != nil {
		return plan.Plan{}, err
	}
	return d.Plan()
}

// CurrentPlanBySubject is CurrentPlan for the employee who signs in as
// subject, in one query.
func (tx *Tx) CurrentPlanBySubject(subject string) (plan.Plan, error) {
	d, err := tx.currentPlan("e.subject = ?", subject)
	if err != nil {
		return plan.Plan{}, err
	}
	return d.Plan()
}

// CurrentPlanDocument is CurrentPlan without decoding the items.
func (tx *Tx) CurrentPlanDocument(employeeID uuid.UUID) (PlanDocument, error) {
	return tx.currentPlan("e.id = ?", employeeID.String())
}

// CurrentPlanDocumentBySubject is CurrentPlanBySubject without decoding the
// items (GET /v1/me/plan).
func (tx *Tx) CurrentPlanDocumentBySubject(subject string) (PlanDocument, error) {
	return tx.currentPlan("e.subject = ?", subject)
}

// ReadCurrentPlanBySubject is CurrentPlanDocumentBySubject in a
// transaction of its own (GET /v1/me/plan): on PostgreSQL one round trip
// through readScoped, which scopes it with the same statement as InTenant;
// on SQLite an InTenant transaction.
func (s *Store) ReadCurrentPlanBySubject(ctx context.Context, tenant tenants.ID, subject string) (PlanDocument, error) {
	if s.dialect != Postgres {
		var d PlanDocument
		err := s.InTenant(ctx, tenant, func(tx *Tx) (err error) {
			d, err = tx.CurrentPlanDocumentBySubject(subject)
			return err
		})
		return d, err
	}
	var c currentPlanRow
	err := s.readScoped(ctx, tenant, func(r pgx.Row) error {
		return r.Scan(&c.EmployeeID, &c.Present, &c.Version, &c.BuiltAt, &c.Role, &c.Tier, &c.TargetTier, &c.Basis, &c.Items)
	}, strings.ReplaceAll(currentPlanSQL, "?", "$1")+"e.subject = $2 LIMIT 1", tenant.String(), subject)
	if err != nil {
		return PlanDocument{}, fmt.Errorf("current plan: %w", err)
	}
	return c.toDocument()
}

// currentPlanSQL selects an employee left-joined to their current plan;
// callers append the employee condition.
const currentPlanSQL = `SELECT e.id::text AS employee_id, h.version AS present, coalesce(p.version, 0) AS version,
	p.built_at, coalesce(p.role, '') AS role, coalesce(p.tier, '') AS tier,
	coalesce(p.target_tier, '') AS target_tier, coalesce(p.basis::text, '') AS basis, coalesce(p.items::text, '') AS items
	FROM employees e
	LEFT JOIN plan_heads h ON h.tenant_id = e.tenant_id AND h.employee_id = e.id
	LEFT JOIN plans p ON p.tenant_id = h.tenant_id AND p.employee_id = h.employee_id AND p.version = h.version
	WHERE e.tenant_id = ? AND `

func (tx *Tx) currentPlan(where string, arg string) (PlanDocument, error) {
	var rows []currentPlanRow
	q := currentPlanSQL
	if tx.store.dialect == SQLite {
		q = strings.ReplaceAll(q, "::text", "") // SQLite's columns are text already
	}
	if err := tx.db.Raw(q+where+" LIMIT 1", tx.tenant.String(), arg).Scan(&rows).Error; err != nil {
		return PlanDocument{}, fmt.Errorf("current plan: %w", err)
	}
	if len(rows) == 0 {
		return PlanDocument{}, ErrNotFound
	}
	return rows[0].toDocument()
}

// CurrentPlans returns the current plans of the given employees (of every
// employee of the tenant when ids is nil), keyed by employee id; employees
// without a plan are absent. With lock, it first locks them (LockPlans). It
// reads in one query per lookupBatch ids (one query for the whole tenant).
func (tx *Tx) CurrentPlans(ids []uuid.UUID, lock bool) (map[uuid.UUID]plan.Plan, error) {
	if lock {
		if err := tx.LockPlans(ids); err != nil {
			return nil, err
		}
	}
	return readCurrentPlans(tx, ids, planRow.toPlan)
}

// PreviousPlan is an employee's current plan as a rebuild reads it (see
// PreviousPlans): the items not closed come without their actions.
type PreviousPlan struct {
	plan.Plan
	items string       // the stored items JSON
	open  []rawActions // the actions of the items not closed
}

// PreviousPlans is CurrentPlans (without lock) for a rebuild, which
// recomputes the actions of the items not closed: it leaves them out, which
// saves decoding three quarters of the items' JSON. Build on the result,
// then Complete the built plan; it is the same as the previous one when
// EncodedPlan.Same says so (plan.Build's Changed cannot tell, as the
// previous plan lacks actions).
func (tx *Tx) PreviousPlans(ids []uuid.UUID) (map[uuid.UUID]PreviousPlan, error) {
	return readCurrentPlans(tx, ids, func(r planRow) (PreviousPlan, error) {
		d, err := r.toDocument()
		if err != nil {
			return PreviousPlan{}, err
		}
		prev := PreviousPlan{Plan: plan.Plan{EmployeeID: d.EmployeeID, Role: d.Role, Tier: d.Tier, TargetTier: d.TargetTier,
			Version: d.Version, BuiltAt: d.BuiltAt, Basis: d.Basis}, items: r.Items}
		if prev.Items, prev.open, err = unmarshalItemsForRebuild(d.Items); err != nil {
			return PreviousPlan{}, fmt.Errorf("plan of %s: items: %w", d.EmployeeID, err)
		}
		return prev, nil
	})
}

// Complete gives the items of p, a plan built on prev, that were open in
// prev and are closed in p the actions prev stored for them: plan.Build
// closes an item as it was, actions included, and prev came without the
// actions of its open items.
func (prev PreviousPlan) Complete(p *plan.Plan) error {
	for i := range p.Items {
		it := &p.Items[i]
		if it.Status != plan.Closed || it.Actions != nil {
			continue
		}
		for _, o := range prev.open {
			if o.id != it.ID {
				continue
			}
			actions, err := decodeActions(o.raw)
			if err != nil {
				return fmt.Errorf("plan of %s: item %s: %w", p.EmployeeID, it.ID, err)
			}
			it.Actions = actions
			break
		}
	}
	return nil
}

// readCurrentPlans reads the current plan rows of the given employees (of
// every employee of the tenant when ids is nil) and decodes each with
// decode, while the rest are being read (planDecoder).
func readCurrentPlans[T any](tx *Tx, ids []uuid.UUID, decode func(planRow) (T, error)) (map[uuid.UUID]T, error) {
	if ids != nil && len(ids) == 0 {
		return map[uuid.UUID]T{}, nil
	}
	dec := newPlanDecoder(decode)
	defer dec.stop()
	for chunk := range tx.idChunks(ids) {
		q := tx.db.Model(&planRow{}).Joins(headJoin).Where("plans.tenant_id = ?", tx.tenant.String()).
			Select("plans.tenant_id, plans.employee_id, plans.version, plans.built_at, plans.role, plans.tier, plans.target_tier, plans.basis, plans.items")
		if chunk != nil {
			q = q.Where("plans.employee_id IN ?", chunk)
		}
		// Scanned by hand: a tenant-wide fan-out reads every current plan
		// (tens of MB), where gorm's reflection adds a third to the read.
		part, err := q.Rows()
		if err != nil {
			return nil, fmt.Errorf("current plans: %w", err)
		}
		for part.Next() {
			var r planRow
			if err := part.Scan(&r.TenantID, &r.EmployeeID, &r.Version, &r.BuiltAt, &r.Role, &r.Tier, &r.TargetTier, &r.Basis, &r.Items); err != nil {
				part.Close()
				return nil, fmt.Errorf("current plans: %w", err)
			}
			dec.add(r)
		}
		if err := part.Err(); err != nil {
			part.Close()
			return nil, fmt.Errorf("current plans: %w", err)
		}
		if err := part.Close(); err != nil {
			return nil, fmt.Errorf("current plans: %w", err)
		}
	}
	return dec.wait()
}

// LockPlans locks the current plans of the given employees (of every
// employee of the tenant when ids is nil) until the transaction ends: FOR
// UPDATE on their heads on PostgreSQL, in employee id order; SQLite's single
// writer serializes transactions anyway. A rebuild or item update that takes
// the lock before reading the employee and the plan sees every change
// committed by the holder before it, and loses none.
func (tx *Tx) LockPlans(ids []uuid.UUID) error {
	if tx.store.dialect != Postgres || (ids != nil && len(ids) == 0) {
		return nil
	}
	for chunk := range tx.idChunks(ids) {
		q := tx.db.Model(&planHeadRow{}).Select("employee_id").Where("tenant_id = ?", tx.tenant.String()).
			Order("employee_id").Clauses(clause.Locking{Strength: "UPDATE"})
		if chunk != nil {
			q = q.Where("employee_id IN ?", chunk)
		}
		var locked []string
		if err := q.Pluck("employee_id", &locked).Error; err != nil {
			return fmt.Errorf("lock plans: %w", err)
		}
	}
	return nil
}

// idChunks yields ids as strings in chunks of lookupBatch; nil ids yield one
// nil chunk (no filter).
func (tx *Tx) idChunks(ids []uuid.UUID) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		if ids == nil {
			yield(nil)
			return
		}
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = id.String()
		}
		for c := range slices.Chunk(s, lookupBatch) {
			if !yield(c) {
				return
			}
		}
	}
}

// PlanHistory lists the employee's plan versions newest first, those below
// version before (all when before is 0), at most limit. An employee with no
// plan has an empty history.
func (tx *Tx) PlanHistory(employeeID uuid.UUID, before, limit int) ([]plan.Plan, error) {
	q := tx.db.Where("tenant_id = ? AND employee_id = ?", tx.tenant.String(), employeeID.String()).Order("version DESC").Limit(limit)
	if before > 0 {
		q = q.Where("version < ?", before)
	}
	var rows []planRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("plan history: %w", err)
	}
	out := make([]plan.Plan, len(rows))
	for i, r := range rows {
		p, err := r.toPlan()
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}
