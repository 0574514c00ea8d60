package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
)

// Employee is a person of the tenant: the token subject they sign in with,
// their role (a catalog or library role slug) and tier, their team and their
// manager (another employee of the same tenant, or none).
type Employee struct {
	ID       uuid.UUID
	Subject  string
	Name     string
	Email    string // lower-case; empty when unknown
	RoleSlug string
	Tier     competency.Tier
	// TargetTier is the tier the employee's plan aims at; zero means their
	// own tier.
	TargetTier competency.Tier
	Team       string
	// ManagerID is uuid.Nil when the employee has no manager.
	ManagerID uuid.UUID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SameAs reports whether e and o hold the same data (ids, times and the
// plan's target tier aside): what an import compares to skip unchanged rows.
func (e Employee) SameAs(o Employee) bool {
	return e.Subject == o.Subject && e.Name == o.Name && e.Email == o.Email && e.RoleSlug == o.RoleSlug &&
		e.Tier == o.Tier && e.Team == o.Team && e.ManagerID == o.ManagerID
}

type employeeRow struct {
	TenantID   string `gorm:"primaryKey"`
	ID         string `gorm:"primaryKey"`
	Subject    string
	Name       string
	Email      string
	RoleSlug   string
	Tier       string
	TargetTier *string
	Team       string
	ManagerID  *string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (employeeRow) TableName() string { return "employees" }

// employeeNameColumn is the sealed column of an employee's name. The
// email stays clear: it is unique in the tenant (an index), and the
// subject is what tokens name.
const employeeNameColumn = "employees.name"

func (tx *Tx) toEmployeeRow(e Employee) (employeeRow, error) {
	name, err := tx.seal(employeeNameColumn, e.Name)
	if err != nil {
		return employeeRow{}, err
	}
	r := employeeRow{TenantID: tx.tenant.String(), ID: e.ID.String(), Subject: e.Subject, Name: name, Email: e.Email,
		RoleSlug: e.RoleSlug, Tier: e.Tier.String(), Team: e.Team, CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC()}
	if e.TargetTier.Valid() {
		t := e.TargetTier.String()
		r.TargetTier = &t
	}
	if e.ManagerID != uuid.Nil {
		m := e.ManagerID.String()
		r.ManagerID = &m
	}
	return r, nil
}

// openEmployee converts a row, unsealing the name.
func (tx *Tx) openEmployee(r employeeRow) (Employee, error) {
	name, err := tx.unseal(employeeNameColumn, r.Name)
	if err != nil {
		return Employee{}, err
	}
	r.Name = name
	return r.toEmployee()
}

func (r employeeRow) toEmployee() (Employee, error) {
	e := Employee{Subject: r.Subject, Name: r.Name, Email: r.Email, RoleSlug: r.RoleSlug,
		Team: r.Team, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	var err error
	if e.ID, err = storedUUID("employees.id", r.ID); err != nil {
		return Employee{}, err
	}
	if e.Tier, err = storedTier("employees.tier", r.Tier); err != nil {
		return Employee{}, err
	}
	if r.TargetTier != nil {
		if e.TargetTier, err = storedTier("employees.target_tier", *r.TargetTier); err != nil {
			return Employee{}, err
		}
	}
	if r.ManagerID != nil {
		if e.ManagerID, err = storedUUID("employees.manager_id", *r.ManagerID); err != nil {
			return Employee{}, err
		}
	}
	return e, nil
}

// employeeBatch is the number of rows per INSERT statement (12 columns: far
// below the bind-parameter limits of both dialects).
const employeeBatch = 1000

// InsertEmployee stores a new employee. A subject or a non-empty email
// already used in the tenant is ErrConflict.
func (tx *Tx) InsertEmployee(e Employee) error {
	row, err := tx.toEmployeeRow(e)
	if err != nil {
		return fmt.Errorf("insert employee: %w", err)
	}
	if err := tx.db.Create(&row).Error; err != nil {
		return fmt.Errorf("insert employee: %w", translate(err))
	}
	return nil
}

// Employee reads one employee; another tenant's is ErrNotFound.
func (tx *Tx) Employee(id uuid.UUID) (Employee, error) {
	var row employeeRow
	if err := tx.db.Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Take(&row).Error; err != nil {
		return Employee{}, translate(err)
	}
	return tx.openEmployee(row)
}

// EmployeeBySubject reads the employee who signs in as subject.
func (tx *Tx) EmployeeBySubject(subject string) (Employee, error) {
	var row employeeRow
	if err := tx.db.Where("tenant_id = ? AND subject = ?", tx.tenant.String(), subject).Take(&row).Error; err != nil {
		return Employee{}, translate(err)
	}
	return tx.openEmployee(row)
}

// EmployeeFilter selects employees for a list. Zero fields select all.
type EmployeeFilter struct {
	Team      string
	RoleSlug  string
	Subject   string
	ManagerID uuid.UUID
	// After is the cursor: only ids greater than it.
	After uuid.UUID
	Limit int
}

// Employees lists employees in id order matching f, at most f.Limit (all
// when f.Limit is zero).
func (tx *Tx) Employees(f EmployeeFilter) ([]Employee, error) {
	q := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("id")
	if f.Team != "" {
		q = q.Where("team = ?", f.Team)
	}
	if f.RoleSlug != "" {
		q = q.Where("role_slug = ?", f.RoleSlug)
	}
	if f.Subject != "" {
		q = q.Where("subject = ?", f.Subject)
	}
	if f.ManagerID != uuid.Nil {
		q = q.Where("manager_id = ?", f.ManagerID.String())
	}
	if f.After != uuid.Nil {
		q = q.Where("id > ?", f.After.String())
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []employeeRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list employees: %w", err)
	}
	return convertRows(rows, tx.openEmployee)
}

// CountEmployees counts the tenant's employees.
func (tx *Tx) CountEmployees() (int, error) {
	var n int64
	if err := tx.db.Model(&employeeRow{}).Where("tenant_id = ?", tx.tenant.String()).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count employees: %w", err)
	}
	return int(n), nil
}

// EmployeeRoleSlugs returns the distinct role slugs the tenant's employees
// hold, sorted (an input of the library builder).
func (tx *Tx) EmployeeRoleSlugs() ([]string, error) {
	var slugs []string
	err := tx.db.Model(&employeeRow{}).Where("tenant_id = ?", tx.tenant.String()).Distinct().Order("role_slug").Pluck("role_slug", &slugs).Error
	if err != nil {
		return nil, fmt.Errorf("employee role slugs: %w", err)
	}
	return slugs, nil
}

// UpdateEmployee overwrites an employee's data (CreatedAt is kept); a
// missing one is ErrNotFound, a subject or email taken by another employee
// ErrConflict.
func (tx *Tx) UpdateEmployee(e Employee) error {
	row, err := tx.toEmployeeRow(e)
	if err != nil {
		return fmt.Errorf("update employee: %w", err)
	}
	res := tx.db.Model(&employeeRow{}).Where("tenant_id = ? AND id = ?", tx.tenant.String(), e.ID.String()).
		Select("subject", "name", "email", "role_slug", "tier", "target_tier", "team", "manager_id", "updated_at").
		Updates(map[string]any{"subject": row.Subject, "name": row.Name, "email": row.Email, "role_slug": row.RoleSlug,
			"tier": row.Tier, "target_tier": row.TargetTier, "team": row.Team, "manager_id": row.ManagerID, "updated_at": row.UpdatedAt})
	if res.Error != nil {
		return fmt.Errorf("update employee: %w", translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteEmployee removes an employee, their assessments and results, and
// detaches their direct reports (who then have no manager). It returns the
// deleted employee and the ids of the detached reports; a missing employee is
// ErrNotFound.
func (tx *Tx) DeleteEmployee(id uuid.UUID) (Employee, []uuid.UUID, error) {
	e, err := tx.Employee(id)
	if err != nil {
		return Employee{}, nil, err
	}
	reports, err := tx.Employees(EmployeeFilter{ManagerID: id})
	if err != nil {
		return Employee{}, nil, err
	}
	t, eid := tx.tenant.String(), id.String()
	stmts := []struct {
		sql  string
		args []any
	}{
		{"UPDATE employees SET manager_id = NULL, updated_at = ? WHERE tenant_id = ? AND manager_id = ?", []any{time.Now().UTC(), t, eid}},
		{"DELETE FROM assessment_results WHERE tenant_id = ? AND employee_id = ?", []any{t, eid}},
		{"DELETE FROM assessments WHERE tenant_id = ? AND employee_id = ?", []any{t, eid}},
		{"DELETE FROM employees WHERE tenant_id = ? AND id = ?", []any{t, eid}},
	}
	for _, s := range stmts {
		if err := tx.db.Exec(s.sql, s.args...).Error; err != nil {
			return Employee{}, nil, fmt.Errorf("delete employee: %w", err)
		}
	}
	ids := make([]uuid.UUID, len(reports))
	for i, r := range reports {
		ids[i] = r.ID
	}
	return e, ids, nil
}

// ImportEmployees applies an import in a few set-based statements: the
// created employees are inserted in batches; the updated ones (matched by id)
// are deleted and re-inserted in batches with their original CreatedAt,
// which also lets two employees swap emails within one import.
func (tx *Tx) ImportEmployees(created, updated []Employee) error {
	if len(updated) > 0 {
		ids := make([]string, len(updated))
		for i, e := range updated {
			ids[i] = e.ID.String()
		}
		for chunk := range slices.Chunk(ids, employeeBatch) {
			if err := tx.db.Where("tenant_id = ? AND id IN ?", tx.tenant.String(), chunk).Delete(&employeeRow{}).Error; err != nil {
				return fmt.Errorf("import employees: %w", err)
			}
		}
	}
	all := make([]employeeRow, 0, len(created)+len(updated))
	for _, e := range slices.Concat(updated, created) {
		row, err := tx.toEmployeeRow(e)
		if err != nil {
			return fmt.Errorf("import employees: %w", err)
		}
		all = append(all, row)
	}
	if len(all) == 0 {
		return nil
	}
	if err := tx.db.CreateInBatches(all, employeeBatch).Error; err != nil {
		return fmt.Errorf("import employees: %w", translate(err))
	}
	return nil
}

// PendingEvent is an event to record with EmitBatch.
type PendingEvent struct {
	Type     events.Type
	Resource string
	Data     any
}

// eventBatch is the number of outbox rows per INSERT statement.
const eventBatch = 500

// EmitBatch records many events of the transaction's tenant in the outbox
// with batched inserts (see Emit), in order.
func (tx *Tx) EmitBatch(pending []PendingEvent) error {
	if len(pending) == 0 {
		return nil
	}
	now := time.Now()
	rows := make([]outboxRow, 0, len(pending))
	for _, p := range pending {
		r, err := tx.outboxRowOf(p, now)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	return tx.insertOutbox(rows)
}

// outboxRowOf makes the outbox row of p at now. It may run on any
// goroutine.
func (tx *Tx) outboxRowOf(p PendingEvent, now time.Time) (outboxRow, error) {
	ev, err := events.New(tx.tenant, p.Type, p.Resource, p.Data, now)
	if err != nil {
		return outboxRow{}, fmt.Errorf("emit %s: %w", p.Type, err)
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return outboxRow{}, fmt.Errorf("emit %s: %w", p.Type, err)
	}
	return outboxRow{TenantID: tx.tenant.String(), ID: ev.ID, Subject: ev.Subject(), Type: string(p.Type), Payload: payload, CreatedAt: ev.Time}, nil
}

// insertOutbox inserts rows, eventBatch per statement.
func (tx *Tx) insertOutbox(rows []outboxRow) error {
	if len(rows) == 0 {
		return nil
	}
	if err := tx.db.Omit("seq").CreateInBatches(rows, eventBatch).Error; err != nil {
		return fmt.Errorf("emit events: %w", err)
	}
	tx.emitted += len(rows)
	return nil
}
