package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
)

// ErrNoPlan reports an employee who exists but has no plan yet (the plan
// worker has not built it).
var ErrNoPlan = errors.New("store: employee has no plan yet")

// planBatch is the number of plan rows per INSERT statement: 9 columns, far
// below the bind-parameter limits of both dialects, and a few MB of items.
const planBatch = 500

// headBatch is the number of plan heads per upsert statement.
const headBatch = 2000

// lookupBatch bounds the ids of one IN (…) list.
const lookupBatch = 5000

type planRow struct {
	TenantID   string `gorm:"primaryKey"`
	EmployeeID string `gorm:"primaryKey"`
	Version    int    `gorm:"primaryKey"`
	BuiltAt    time.Time
	Role       string
	Tier       string
	TargetTier string
	Basis      string
	Items      string
}

func (planRow) TableName() string { return "plans" }

type planHeadRow struct {
	TenantID   string `gorm:"primaryKey"`
	EmployeeID string `gorm:"primaryKey"`
	Version    int
}

func (planHeadRow) TableName() string { return "plan_heads" }

func (tx *Tx) toPlanRow(p plan.Plan) (planRow, error) {
	basis, err := json.Marshal(p.Basis)
	if err != nil {
		return planRow{}, err
	}
	b, err := marshalItems(p.Items)
	if err != nil {
		return planRow{}, err
	}
	return planRow{TenantID: tx.tenant.String(), EmployeeID: p.EmployeeID, Version: p.Version, BuiltAt: p.BuiltAt.UTC(),
		Role: p.Role, Tier: p.Tier.String(), TargetTier: p.TargetTier.String(), Basis: string(basis), Items: string(b)}, nil
}

func (r planRow) toDocument() (PlanDocument, error) {
	d := PlanDocument{EmployeeID: r.EmployeeID, Role: r.Role, Version: r.Version, BuiltAt: r.BuiltAt.UTC(), Items: json.RawMessage(r.Items)}
	var err error
	if d.Tier, err = competency.ParseTier(r.Tier); err != nil {
		return PlanDocument{}, fmt.Errorf("plan of %s: %w", r.EmployeeID, err)
	}
	if d.TargetTier, err = competency.ParseTier(r.TargetTier); err != nil {
		return PlanDocument{}, fmt.Errorf("plan of %s: %w", r.EmployeeID, err)
	}
	if err := json.Unmarshal([]byte(r.Basis), &d.Basis); err != nil {
		return PlanDocument{}, fmt.Errorf("plan of %s: basis: %w", r.EmployeeID, err)
	}
	return d, nil
}

func (r planRow) toPlan() (plan.Plan, error) {
	d, err := r.toDocument()
	if err != nil {
		return plan.Plan{}, err
	}
	return d.Plan()
}

// headJoin selects the current plan rows: plans joined to their heads.
const headJoin = "JOIN plan_heads h ON h.tenant_id = plans.tenant_id AND h.employee_id = plans.employee_id AND h.version = plans.version"

// PlanDocument is a stored plan version with its items left as stored
// JSON (the JSON of []plan.Item), for readers that serve them as they are.
type PlanDocument struct {
	EmployeeID string
	Role       string
	Tier       competency.Tier
	TargetTier competency.Tier
	Version    int
	BuiltAt    time.Time
	Basis      plan.Basis
	Items      json.RawMessage
}

// Plan decodes the document.
func (d PlanDocument) Plan() (plan.Plan, error) {
	p := plan.Plan{EmployeeID: d.EmployeeID, Role: d.Role, Tier: d.Tier, TargetTier: d.TargetTier, Version: d.Version,
		BuiltAt: d.BuiltAt, Basis: d.Basis}
	items, err := unmarshalItems(d.Items)
	if err != nil {
		return plan.Plan{}, fmt.Errorf("plan of %s: items: %w", d.EmployeeID, err)
	}
	p.Items = items
	return p, nil
}

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

// ReadCurrentPlanBySubject is CurrentPlanDocumentBySubject in its own
// read, for the hottest read of the API (GET /v1/me/plan). On PostgreSQL it
// sends set_config('app.tenant_id', …, true) and the query as one pgx batch:
// one round trip, run by the server as one implicit transaction, so the
// query is scoped to the tenant by row-level security exactly as inside
// InTenant (and by tenant_id in WHERE); on SQLite it is InTenant.
func (s *Store) ReadCurrentPlanBySubject(ctx context.Context, tenant tenants.ID, subject string) (PlanDocument, error) {
	if tenant.IsZero() {
		return PlanDocument{}, fmt.Errorf("read current plan: %w", ErrNoTenant)
	}
	if s.dialect != Postgres {
		var d PlanDocument
		err := s.InTenant(ctx, tenant, func(tx *Tx) (err error) {
			d, err = tx.CurrentPlanDocumentBySubject(subject)
			return err
		})
		return d, err
	}
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return PlanDocument{}, fmt.Errorf("read current plan: %w", err)
	}
	defer conn.Close()
	var c currentPlanRow
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		var b pgx.Batch
		b.Queue("SELECT set_config('app.tenant_id', $1, true)", tenant.String())
		b.Queue(currentPlanSQL+"e.subject = $2 LIMIT 1", tenant.String(), subject)
		res := sc.Conn().SendBatch(ctx, &b)
		_, err := res.Exec()
		if err == nil {
			err = res.QueryRow().Scan(&c.EmployeeID, &c.Present, &c.Version, &c.BuiltAt, &c.Role, &c.Tier, &c.TargetTier, &c.Basis, &c.Items)
		}
		if cerr := res.Close(); err == nil {
			err = cerr
		}
		return err
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return PlanDocument{}, ErrNotFound
	case err != nil:
		return PlanDocument{}, fmt.Errorf("read current plan: %w", err)
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
	WHERE e.tenant_id = $1 AND `

// currentPlanRow is an employee left-joined to their current plan; Present
// is the head's version, nil when the employee has no plan.
type currentPlanRow struct {
	EmployeeID string
	Present    *int
	Version    int
	BuiltAt    *time.Time
	Role       string
	Tier       string
	TargetTier string
	Basis      string
	Items      string
}

func (tx *Tx) currentPlan(where string, arg string) (PlanDocument, error) {
	var rows []currentPlanRow
	q := strings.Replace(currentPlanSQL, "$1", "?", 1)
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

func (c currentPlanRow) toDocument() (PlanDocument, error) {
	if c.Present == nil || c.BuiltAt == nil {
		return PlanDocument{}, ErrNoPlan
	}
	return planRow{EmployeeID: c.EmployeeID, Version: c.Version, BuiltAt: *c.BuiltAt, Role: c.Role, Tier: c.Tier,
		TargetTier: c.TargetTier, Basis: c.Basis, Items: c.Items}.toDocument()
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

// decodeBatch is how many plan rows a planDecoder hands to a goroutine at a
// time.
const decodeBatch = 64

// planDecoder decodes plan rows while they are still being read: rows are
// handed, decodeBatch at a time, to up to GOMAXPROCS goroutines, started
// with the second batch, so that a tenant-wide read (tens of MB of JSON)
// decodes on the other cores while the database sends the rest, and a read
// of a few plans decodes them on the caller's goroutine.
type planDecoder[T any] struct {
	decodeRow func(planRow) (T, error)
	pending   []planRow
	jobs      chan []planRow
	wg        sync.WaitGroup
	mu        sync.Mutex
	out       map[uuid.UUID]T
	err       error
}

func newPlanDecoder[T any](decode func(planRow) (T, error)) *planDecoder[T] {
	return &planDecoder[T]{decodeRow: decode, out: map[uuid.UUID]T{}}
}

// add queues r for decoding.
func (d *planDecoder[T]) add(r planRow) {
	d.pending = append(d.pending, r)
	if len(d.pending) < 2*decodeBatch {
		return
	}
	if d.jobs == nil {
		// The goroutines range over this channel, never over the field:
		// stop sets the field to nil, and a goroutine that read it after
		// that would range over a nil channel and never end.
		jobs := make(chan []planRow, runtime.GOMAXPROCS(0))
		d.jobs = jobs
		for range runtime.GOMAXPROCS(0) {
			d.wg.Go(func() {
				for batch := range jobs {
					d.decode(batch)
				}
			})
		}
	}
	d.jobs <- d.pending[:decodeBatch:decodeBatch]
	d.pending = slices.Clone(d.pending[decodeBatch:])
}

// decode decodes batch into d.out and keeps the first error.
func (d *planDecoder[T]) decode(batch []planRow) {
	type decoded struct {
		id uuid.UUID
		v  T
	}
	done := make([]decoded, 0, len(batch))
	var err error
	for _, r := range batch {
		var x decoded
		if x.id, err = uuid.Parse(r.EmployeeID); err != nil {
			err = fmt.Errorf("current plans: %w", err)
			break
		}
		if x.v, err = d.decodeRow(r); err != nil {
			break
		}
		done = append(done, x)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil && d.err == nil {
		d.err = err
	}
	for _, x := range done {
		d.out[x.id] = x.v
	}
}

// stop ends the goroutines; it is safe to call more than once.
func (d *planDecoder[T]) stop() {
	if d.jobs != nil {
		close(d.jobs)
		d.jobs = nil
		d.wg.Wait()
	}
}

// wait decodes what is left and returns the decoded rows by employee id,
// or the first error.
func (d *planDecoder[T]) wait() (map[uuid.UUID]T, error) {
	d.decode(d.pending)
	d.pending = nil
	d.stop()
	if d.err != nil {
		return nil, d.err
	}
	return d.out, nil
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

// WithEvent returns e with its plan.updated event encoded, with the given
// cause (one of the events.PlanCause constants), for the PlanWriter to
// record. It may run on any goroutine.
func (tx *Tx) WithEvent(e EncodedPlan, cause string) (EncodedPlan, error) {
	ev, err := tx.outboxRowOf(PendingEvent{Type: events.TypePlanUpdated, Resource: e.Plan.EmployeeID, Data: PlanUpdated(e.Plan, cause)}, time.Now())
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
// current version (1 for a first plan); a version already taken or a head
// moved meanwhile (a concurrent builder) is ErrConflict. A PlanWriter is for
// one goroutine.
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
		return fmt.Errorf("save plans: %w", translate(err))
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
// it, which the head must still be at (else ErrConflict: another builder got
// there first). On PostgreSQL the moves are one UPDATE with two array
// parameters however many heads move.
func (tx *Tx) moveHeads(heads []planHeadRow) error {
	var (
		fresh                []planHeadRow
		moved, movedVersions textArray
	)
	for _, h := range heads {
		if h.Version == 1 {
			fresh = append(fresh, h)
			continue
		}
		moved = append(moved, h.EmployeeID)
		movedVersions = append(movedVersions, strconv.Itoa(h.Version))
	}
	if len(fresh) > 0 {
		if err := tx.db.CreateInBatches(fresh, headBatch).Error; err != nil {
			return translate(err)
		}
	}
	if len(moved) == 0 {
		return nil
	}
	var affected int64
	if tx.store.dialect == Postgres {
		res := tx.db.Exec(`UPDATE plan_heads h SET version = m.version
			FROM unnest(?::uuid[], ?::int[]) AS m (employee_id, version)
			WHERE h.tenant_id = ? AND h.employee_id = m.employee_id AND h.version = m.version - 1`,
			moved, movedVersions, tx.tenant.String())
		if res.Error != nil {
			return translate(res.Error)
		}
		affected = res.RowsAffected
	} else {
		for i, id := range moved {
			v, _ := strconv.Atoi(movedVersions[i])
			res := tx.db.Model(&planHeadRow{}).Where("tenant_id = ? AND employee_id = ? AND version = ?", tx.tenant.String(), id, v-1).
				Update("version", v)
			if res.Error != nil {
				return translate(res.Error)
			}
			affected += res.RowsAffected
		}
	}
	if affected != int64(len(moved)) {
		return fmt.Errorf("%w: %d of %d plan heads were not at the version before", ErrConflict, int64(len(moved))-affected, len(moved))
	}
	return nil
}

// textArray is a PostgreSQL array parameter in its text form, {a,b,c}, for
// elements that need no quoting (uuids, numbers). It is a driver.Valuer so
// that gorm passes it as one parameter instead of expanding the slice.
type textArray []string

// Value implements driver.Valuer.
func (a textArray) Value() (driver.Value, error) {
	n := 2 + len(a)
	for _, e := range a {
		n += len(e)
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, e := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	return string(append(b, '}')), nil
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

// Results is an employee's latest result per competency and the assessment
// of the newest of them.
type Results struct {
	Current []plan.Current
	// AssessmentID is the assessment of the most recently scored result.
	AssessmentID string
}

type latestResultRow struct {
	EmployeeID     string
	AssessmentID   string
	CompetencySlug string
	Score          float64
	Level          int
	Confidence     float64
	ScoredAt       time.Time
}

// LatestResultsByEmployee returns, for the given employees (every employee
// of the tenant when ids is nil), their latest scored result per competency
// (a competency the newest assessment did not cover keeps its result from an
// earlier one), in one query per lookupBatch ids; employees never assessed
// are absent.
func (tx *Tx) LatestResultsByEmployee(ids []uuid.UUID) (map[uuid.UUID]Results, error) {
	out := map[uuid.UUID]Results{}
	if ids != nil && len(ids) == 0 {
		return out, nil
	}
	for chunk := range tx.idChunks(ids) {
		filter, args := "", []any{tx.tenant.String()}
		if chunk != nil {
			filter, args = " AND employee_id IN ?", append(args, chunk)
		}
		q := `SELECT employee_id, assessment_id, competency_slug, score, level, confidence, scored_at FROM (
			SELECT employee_id, assessment_id, competency_slug, score, level, confidence, scored_at,
				ROW_NUMBER() OVER (PARTITION BY employee_id, competency_slug ORDER BY scored_at DESC, assessment_id DESC) AS rn
			FROM assessment_results WHERE tenant_id = ?` + filter + `) latest
			WHERE rn = 1 ORDER BY employee_id, competency_slug`
		if tx.store.dialect == Postgres {
			q = `SELECT DISTINCT ON (employee_id, competency_slug)
				employee_id, assessment_id, competency_slug, score, level, confidence, scored_at
				FROM assessment_results WHERE tenant_id = ?` + filter + `
				ORDER BY employee_id, competency_slug, scored_at DESC, assessment_id DESC`
		}
		// Scanned by hand: a tenant-wide fan-out reads every result row
		// (80,000 for 10,000 employees), where gorm's reflection costs more
		// than the query.
		rows, err := tx.db.Raw(q, args...).Rows()
		if err != nil {
			return nil, fmt.Errorf("latest results: %w", err)
		}
		// Rows come ordered by employee: each employee's results are
		// gathered locally and stored once.
		var (
			r      latestResultRow
			lastID string
			id     uuid.UUID
			cur    Results
			newest time.Time
		)
		flush := func() {
			if lastID != "" {
				out[id] = cur
			}
		}
		for rows.Next() {
			if err := rows.Scan(&r.EmployeeID, &r.AssessmentID, &r.CompetencySlug, &r.Score, &r.Level, &r.Confidence, &r.ScoredAt); err != nil {
				rows.Close()
				return nil, fmt.Errorf("latest results: %w", err)
			}
			if r.EmployeeID != lastID {
				flush()
				if id, err = uuid.Parse(r.EmployeeID); err != nil {
					rows.Close()
					return nil, fmt.Errorf("latest results: %w", err)
				}
				lastID, cur, newest = r.EmployeeID, Results{Current: make([]plan.Current, 0, 8)}, r.ScoredAt
				cur.AssessmentID = r.AssessmentID
			} else if r.ScoredAt.After(newest) || (r.ScoredAt.Equal(newest) && r.AssessmentID > cur.AssessmentID) {
				newest, cur.AssessmentID = r.ScoredAt, r.AssessmentID
			}
			cur.Current = append(cur.Current, plan.Current{Slug: r.CompetencySlug, Level: competency.Level(max(0, min(r.Level, 255))),
				Score: r.Score, Confidence: r.Confidence})
		}
		flush()
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, fmt.Errorf("latest results: %w", err)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("latest results: %w", err)
		}
	}
	return out, nil
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

// EmitPlansUpdated records one plan.updated event per plan, with batched
// outbox inserts (EmitBatch); cause is one of the events.PlanCause
// constants.
func (tx *Tx) EmitPlansUpdated(plans []plan.Plan, cause string) error {
	pending := make([]PendingEvent, len(plans))
	for i, p := range plans {
		pending[i] = PendingEvent{Type: events.TypePlanUpdated, Resource: p.EmployeeID, Data: PlanUpdated(p, cause)}
	}
	return tx.EmitBatch(pending)
}

// PlanUpdated is the plan.updated payload of p.
func PlanUpdated(p plan.Plan, cause string) events.PlanUpdated {
	closed := 0
	for _, it := range p.Items {
		if it.Status == plan.Closed {
			closed++
		}
	}
	return events.PlanUpdated{EmployeeID: p.EmployeeID, Version: p.Version, TargetTier: p.TargetTier.String(),
		LibraryVersion: p.Basis.LibraryVersion, AssessmentID: p.Basis.AssessmentID, Items: len(p.Items), Open: p.Open(),
		Closed: closed, Cause: cause}
}
