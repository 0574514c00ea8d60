package store

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
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

func (c currentPlanRow) toDocument() (PlanDocument, error) {
	if c.Present == nil || c.BuiltAt == nil {
		return PlanDocument{}, ErrNoPlan
	}
	return planRow{EmployeeID: c.EmployeeID, Version: c.Version, BuiltAt: *c.BuiltAt, Role: c.Role, Tier: c.Tier,
		TargetTier: c.TargetTier, Basis: c.Basis, Items: c.Items}.toDocument()
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
