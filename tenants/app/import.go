package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/people"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// MaxImportRows is the most data rows one employee import may hold; a larger
// file is refused whole (TooLarge) and nothing is written.
const MaxImportRows = 100_000

// ImportResult reports an import.
type ImportResult struct {
	// Rows counts the data rows of the file.
	Rows                        int
	Created, Updated, Unchanged int
	// Errors are the lines that were not applied, by line: all of them,
	// however many.
	Errors []people.LineError
}

// ImportEmployees applies an employee import file (admin; see
// people.ParseCSV for its format). Rows are matched to existing employees
// by subject; the valid lines are applied in one transaction and the others
// reported. A file that cannot be read as a whole writes nothing. Importing
// the same file again changes and emits nothing; a change in the set of
// roles the employees hold bumps the context revision.
func (a *App) ImportEmployees(ctx context.Context, p tenants.Principal, file []byte) (ImportResult, error) {
	var res ImportResult
	if err := a.AuthorizeEmployees(p); err != nil {
		return res, err
	}
	rows, err := people.ParseCSV(file, MaxImportRows)
	if fe, ok := errors.AsType[*people.FileError](err); ok {
		kind := Invalid
		if fe.TooMany {
			kind = TooLarge
		}
		var fields []Field
		if fe.Line > 0 {
			fields = append(fields, Field{Location: "body", Message: fe.Error()})
		}
		return res, refuse(kind, fe.Code, fe.Error()+"; nothing was imported", fields...)
	}
	if err != nil {
		return res, err
	}
	staged, lineErrs := people.Stage(rows)
	var plan importPlan
	err = a.inTenant(ctx, p, func(tx *tx) error {
		plan = importPlan{}
		if err := tx.LockTenant("employees"); err != nil {
			return err
		}
		existing, err := tx.Employees(store.EmployeeFilter{})
		if err != nil {
			return err
		}
		plan = planImport(existing, staged, a.now().UTC().Truncate(time.Microsecond))
		if len(plan.created) == 0 && len(plan.updated) == 0 {
			return nil // nothing changes: nothing written, nothing emitted
		}
		if err := tx.checkEmployeeQuota(len(plan.created)); err != nil {
			return err
		}
		if err := tx.ImportEmployees(plan.created, plan.updated); err != nil {
			return err
		}
		return tx.recordRoles(plan.rolesChanged, change{Action: "employee.import", Resource: "employees",
			Detail: map[string]any{"rows": len(rows), "created": len(plan.created), "updated": len(plan.updated),
				"failed": len(lineErrs) + len(plan.errors)},
			Events: func(rev int64) []store.PendingEvent {
				pending := make([]store.PendingEvent, 0, len(plan.created)+len(plan.updated))
				for _, e := range plan.created {
					pending = append(pending, store.PendingEvent{Type: events.TypeEmployeeCreated, Resource: e.ID.String(), Data: employeeCreated(e, rev)})
				}
				for i, e := range plan.updated {
					pending = append(pending, store.PendingEvent{Type: events.TypeEmployeeUpdated, Resource: e.ID.String(),
						Data: employeeUpdated(e, plan.changed[i], rev)})
				}
				return pending
			}})
	})
	if errors.Is(err, store.ErrConflict) {
		return res, refuse(Conflict, "conflict", "the employees changed during the import; retry it")
	}
	if err != nil {
		return res, err
	}
	all := append(append([]people.LineError{}, lineErrs...), plan.errors...)
	slices.SortStableFunc(all, func(x, y people.LineError) int { return cmp.Compare(x.Line, y.Line) })
	return ImportResult{Rows: len(rows), Created: len(plan.created), Updated: len(plan.updated), Unchanged: plan.unchanged, Errors: all}, nil
}

// importPlan is what an import writes.
type importPlan struct {
	created, updated []store.Employee
	changed          [][]string // per updated employee, the changed fields
	unchanged        int
	rolesChanged     bool
	errors           []people.LineError
}

// importRow is a staged row bound to its employee.
type importRow struct {
	line    int
	e       store.Employee // ManagerID and times still unset
	manager string         // the manager's email or subject, as written
}

// planImport resolves the staged rows against the existing employees (loaded
// once) and against each other: each row creates or updates the employee
// with its subject; managers are looked up by subject, then email, among
// the employees as they will be after the import (so a manager may be
// defined later in the file). Rows whose email another employee keeps, whose
// manager does not exist (or is a failed row) or that would make a
// reporting cycle fail; the rest are applied. Unchanged rows write nothing.
func planImport(existing []store.Employee, staged []people.Staged, now time.Time) importPlan {
	bySubject := make(map[string]store.Employee, len(existing))
	for _, e := range existing {
		bySubject[e.Subject] = e
	}
	// Assign every row its employee id: the existing one with the subject,
	// or a new one.
	rows := make([]importRow, len(staged))
	for i, s := range staged {
		rows[i] = importRow{line: s.Line, manager: s.Manager, e: store.Employee{Subject: s.Fields.Subject, Name: s.Fields.Name,
			Email: s.Fields.Email, Team: s.Fields.Team, RoleSlug: s.RoleSlug, Tier: s.Tier}}
		if old, ok := bySubject[s.Fields.Subject]; ok {
			rows[i].e.ID = old.ID
		} else {
			rows[i].e.ID = uuid.Must(uuid.NewV7())
		}
	}
	failed := make([]bool, len(rows))
	var errs []people.LineError
	fail := func(i int, field, format string, args ...any) {
		failed[i] = true
		errs = append(errs, people.LineError{Line: rows[i].line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for {
		// The employees after the import, failed rows left as they were.
		final := make(map[uuid.UUID]store.Employee, len(existing)+len(rows))
		for _, e := range existing {
			final[e.ID] = e
		}
		rowOf := make(map[uuid.UUID]int, len(rows))
		for i, r := range rows {
			if !failed[i] {
				final[r.e.ID] = r.e
				rowOf[r.e.ID] = i
			}
		}
		finalSubject := make(map[string]uuid.UUID, len(final))
		finalEmail := make(map[string][]uuid.UUID, len(final))
		for id, e := range final {
			finalSubject[e.Subject] = id
			if e.Email != "" {
				finalEmail[e.Email] = append(finalEmail[e.Email], id)
			}
		}
		progress := false
		// Emails another (existing, untouched) employee keeps.
		for i, r := range rows {
			if !failed[i] && r.e.Email != "" && len(finalEmail[r.e.Email]) > 1 {
				fail(i, "email", "another employee already has this email")
				progress = true
			}
		}
		if progress {
			continue
		}
		// Managers, by subject, then by email.
		managerOf := make(map[uuid.UUID]uuid.UUID, len(rows))
		var newlyFailed []int
		for i, r := range rows {
			if failed[i] || r.manager == "" {
				continue
			}
			m, ok := finalSubject[r.manager]
			if !ok {
				if ids := finalEmail[strings.ToLower(r.manager)]; len(ids) == 1 {
					m, ok = ids[0], true
				}
			}
			switch {
			case !ok:
				fail(i, "manager", "no employee has the subject or email %q (in the company or in a valid line of this file)", people.Clip(r.manager, 80))
				newlyFailed = append(newlyFailed, i)
			case m == r.e.ID:
				fail(i, "manager", "%s", people.OwnManagerRule)
				newlyFailed = append(newlyFailed, i)
			default:
				managerOf[r.e.ID] = m
			}
		}
		if len(newlyFailed) > 0 {
			// A failed row that would have created its employee takes the
			// rows it manages down with it, transitively, in this pass (so
			// a long chain costs one pass, not one per link).
			reports := make(map[uuid.UUID][]int, len(managerOf))
			for i, r := range rows {
				if m, ok := managerOf[r.e.ID]; ok && !failed[i] {
					reports[m] = append(reports[m], i)
				}
			}
			for len(newlyFailed) > 0 {
				i := newlyFailed[0]
				newlyFailed = newlyFailed[1:]
				if _, existed := bySubject[rows[i].e.Subject]; existed {
					continue
				}
				for _, j := range reports[rows[i].e.ID] {
					if !failed[j] {
						fail(j, "manager", "the manager's line (%d) was not imported", rows[i].line)
						newlyFailed = append(newlyFailed, j)
					}
				}
			}
			continue
		}
		// Reporting cycles among the rows (existing employees form none).
		starts := make([]uuid.UUID, 0, len(rows))
		for i, r := range rows {
			if !failed[i] {
				starts = append(starts, r.e.ID)
			}
		}
		// The lookup reads the maps above and cannot fail.
		cycles, _ := people.Cycles(starts, func(id uuid.UUID) (uuid.UUID, error) {
			if m, ok := managerOf[id]; ok {
				return m, nil
			}
			if _, isRow := rowOf[id]; isRow {
				return uuid.Nil, nil
			}
			return final[id].ManagerID, nil
		})
		for _, c := range cycles {
			for _, id := range c {
				if j, ok := rowOf[id]; ok {
					fail(j, "manager", "this manager makes a reporting cycle")
					progress = true
				}
			}
		}
		if progress {
			continue
		}
		return finish(existing, bySubject, final, rows, failed, managerOf, errs, now)
	}
}

// finish is the plan of the rows left standing: created, updated or
// unchanged, and whether the set of roles changes.
func finish(existing []store.Employee, bySubject map[string]store.Employee, final map[uuid.UUID]store.Employee,
	rows []importRow, failed []bool, managerOf map[uuid.UUID]uuid.UUID, errs []people.LineError, now time.Time) importPlan {
	plan := importPlan{errors: errs}
	beforeRoles, afterRoles := map[string]bool{}, map[string]bool{}
	for _, e := range existing {
		beforeRoles[e.RoleSlug] = true
	}
	for _, e := range final {
		afterRoles[e.RoleSlug] = true
	}
	plan.rolesChanged = len(beforeRoles) != len(afterRoles)
	for r := range afterRoles {
		plan.rolesChanged = plan.rolesChanged || !beforeRoles[r]
	}
	for i, r := range rows {
		if failed[i] {
			continue
		}
		e := r.e
		e.ManagerID = managerOf[e.ID]
		old, exists := bySubject[e.Subject]
		switch {
		case !exists:
			e.CreatedAt, e.UpdatedAt = now, now
			plan.created = append(plan.created, e)
		case old.SameAs(e):
			plan.unchanged++
		default:
			e.CreatedAt, e.UpdatedAt, e.TargetTier = old.CreatedAt, now, old.TargetTier
			plan.updated = append(plan.updated, e)
			plan.changed = append(plan.changed, changedFields(old, e))
		}
	}
	return plan
}
