package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/people"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// NewEmployee is an employee to create, as given.
type NewEmployee struct {
	Subject, Name, Email, Team string
	// Role is a role slug or a job title matched to a role.
	Role string
	// Tier is entry, mid or senior.
	Tier string
	// ManagerID is the manager's employee id as written; nil or empty for
	// none.
	ManagerID *string
}

// EmployeeChange changes some fields of an employee; nil fields stay. An
// empty Email clears it, an empty ManagerID removes the manager.
type EmployeeChange struct {
	Subject, Name, Email, Role, Tier, ManagerID, Team *string
}

// AuthorizeEmployees checks that p may change employees (admin), for
// adapters that must refuse a caller before reading the rest of a request.
// Every employee use case checks it again itself.
func (a *App) AuthorizeEmployees(p tenants.Principal) error {
	return authorize(p, tenants.RoleAdmin)
}

// CreateEmployee creates an employee (admin). A new role among the
// employees alters the company context and bumps its revision.
func (a *App) CreateEmployee(ctx context.Context, p tenants.Principal, in NewEmployee) (store.Employee, error) {
	if err := a.AuthorizeEmployees(p); err != nil {
		return store.Employee{}, err
	}
	now := a.now().UTC().Truncate(time.Microsecond)
	e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: strings.TrimSpace(in.Subject), Name: strings.TrimSpace(in.Name),
		Email: in.Email, Team: strings.TrimSpace(in.Team), CreatedAt: now, UpdatedAt: now}
	errs := checkFields(&e)
	slug, ok := people.ResolveRole(in.Role)
	if !ok {
		errs = append(errs, Field{Location: "body.role", Message: people.RoleRule})
	}
	e.RoleSlug = slug
	var err error
	if e.Tier, err = competency.ParseTier(in.Tier); err != nil {
		errs = append(errs, Field{Location: "body.tier", Message: people.TierRule})
	}
	if e.ManagerID, err = parseManagerID(in.ManagerID); err != nil {
		return store.Employee{}, err
	}
	if len(errs) > 0 {
		return store.Employee{}, invalidEmployee(errs)
	}
	err = a.inTenant(ctx, p, func(tx *tx) error {
		if err := checkManager(tx, e); err != nil {
			return err
		}
		if err := tx.LockTenant("employees"); err != nil {
			return err
		}
		if err := tx.checkEmployeeQuota(1); err != nil {
			return err
		}
		before, err := tx.EmployeeRoleSlugs()
		if err != nil {
			return err
		}
		if err := tx.InsertEmployee(e); err != nil {
			return err
		}
		return tx.recordPeople(before, change{Action: "employee.create", Resource: "employee/" + e.ID.String(),
			Detail: map[string]any{"subject": e.Subject, "role": e.RoleSlug},
			Events: func(rev int64) []store.PendingEvent {
				return event(events.TypeEmployeeCreated, e.ID.String(), employeeCreated(e, rev))
			}})
	})
	if err != nil {
		return store.Employee{}, employeeConflict(err)
	}
	return e, nil
}

// UpdateEmployee changes some fields of employee id (admin). A change that
// alters nothing writes and emits nothing.
func (a *App) UpdateEmployee(ctx context.Context, p tenants.Principal, id uuid.UUID, c EmployeeChange) (store.Employee, error) {
	if err := a.AuthorizeEmployees(p); err != nil {
		return store.Employee{}, err
	}
	var e store.Employee
	err := a.inTenant(ctx, p, func(tx *tx) error {
		old, err := tx.Employee(id)
		if err != nil {
			return err
		}
		e = old
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = strings.TrimSpace(*v)
			}
		}
		set(&e.Subject, c.Subject)
		set(&e.Name, c.Name)
		set(&e.Email, c.Email)
		set(&e.Team, c.Team)
		errs := checkFields(&e)
		if c.Role != nil {
			slug, ok := people.ResolveRole(*c.Role)
			if !ok {
				errs = append(errs, Field{Location: "body.role", Message: people.RoleRule})
			}
			e.RoleSlug = slug
		}
		if c.Tier != nil {
			if e.Tier, err = competency.ParseTier(*c.Tier); err != nil {
				errs = append(errs, Field{Location: "body.tier", Message: people.TierRule})
			}
		}
		if len(errs) > 0 {
			return invalidEmployee(errs)
		}
		if c.ManagerID != nil {
			if e.ManagerID, err = parseManagerID(c.ManagerID); err != nil {
				return err
			}
			if err := checkManager(tx, e); err != nil {
				return err
			}
		}
		changed := changedFields(old, e)
		if len(changed) == 0 {
			return nil
		}
		before, err := tx.EmployeeRoleSlugs()
		if err != nil {
			return err
		}
		e.UpdatedAt = a.now().UTC().Truncate(time.Microsecond)
		if err := tx.UpdateEmployee(e); err != nil {
			return err
		}
		return tx.recordPeople(before, change{Action: "employee.update", Resource: "employee/" + e.ID.String(),
			Detail: map[string]any{"changed": changed},
			Events: func(rev int64) []store.PendingEvent {
				return event(events.TypeEmployeeUpdated, e.ID.String(), employeeUpdated(e, changed, rev))
			}})
	})
	if err != nil {
		return store.Employee{}, employeeConflict(err)
	}
	return e, nil
}

// DeleteEmployee deletes employee id (admin) with their assessments and
// results; their direct reports are left without a manager, and each gets
// an employee.updated event saying so.
func (a *App) DeleteEmployee(ctx context.Context, p tenants.Principal, id uuid.UUID) error {
	if err := a.AuthorizeEmployees(p); err != nil {
		return err
	}
	return a.inTenant(ctx, p, func(tx *tx) error {
		before, err := tx.EmployeeRoleSlugs()
		if err != nil {
			return err
		}
		_, detached, err := tx.DeleteEmployee(id)
		if err != nil {
			return err
		}
		reports := make([]store.Employee, len(detached))
		for i, r := range detached {
			if reports[i], err = tx.Employee(r); err != nil {
				return err
			}
		}
		return tx.recordPeople(before, change{Action: "employee.delete", Resource: "employee/" + id.String(),
			Detail: map[string]any{"detached_reports": len(detached)},
			Events: func(rev int64) []store.PendingEvent {
				pending := event(events.TypeEmployeeDeleted, id.String(), events.EmployeeDeleted{EmployeeID: id.String(), ContextRevision: rev})
				for _, e := range reports {
					pending = append(pending, store.PendingEvent{Type: events.TypeEmployeeUpdated, Resource: e.ID.String(),
						Data: employeeUpdated(e, []string{"manager_id"}, rev)})
				}
				return pending
			}})
	})
}

// checkFields checks e's text fields (already trimmed), normalising its
// email, and returns the rules they break, located in the request body.
func checkFields(e *store.Employee) []Field {
	f, probs := people.Fields{Subject: e.Subject, Name: e.Name, Email: e.Email, Team: e.Team}.Check()
	e.Email = f.Email
	out := make([]Field, len(probs))
	for i, pr := range probs {
		out[i] = Field{Location: "body." + pr.Field, Message: pr.Message}
	}
	return out
}

// invalidEmployee is the refusal of an employee whose fields break rules;
// its detail lists them all.
func invalidEmployee(errs []Field) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Location + ": " + e.Message
	}
	return invalid("the employee is not valid: "+strings.Join(msgs, "; "), errs...)
}

// employeeConflict turns a uniqueness conflict of a create or a change into
// its refusal.
func employeeConflict(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return refuse(Conflict, "employee-exists", "another employee has this subject or email")
	}
	return err
}

// parseManagerID parses a manager's employee id as written; nil or empty is
// no manager.
func parseManagerID(s *string) (uuid.UUID, error) {
	if s == nil || *s == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(*s)
	if err != nil || len(*s) != 36 {
		return uuid.Nil, invalid("manager_id must be an employee id", Field{Location: "body.manager_id", Message: "must be a UUID"})
	}
	return id, nil
}

// checkManager verifies that e's manager exists in the tenant and that
// making it e's manager makes no reporting cycle, walking up the stored
// reporting line.
func checkManager(tx *tx, e store.Employee) error {
	if e.ManagerID == uuid.Nil {
		return nil
	}
	bad := func(msg string) error {
		return invalid(msg, Field{Location: "body.manager_id", Message: msg})
	}
	if e.ManagerID == e.ID {
		return bad(people.OwnManagerRule)
	}
	missing := false
	cycles, err := people.Cycles([]uuid.UUID{e.ID}, func(id uuid.UUID) (uuid.UUID, error) {
		if id == e.ID {
			return e.ManagerID, nil
		}
		m, err := tx.Employee(id)
		if errors.Is(err, store.ErrNotFound) {
			missing = missing || id == e.ManagerID
			return uuid.Nil, nil
		}
		return m.ManagerID, err
	})
	switch {
	case err != nil:
		return err
	case missing:
		return bad("no such employee")
	case len(cycles) > 0:
		return bad("this manager would make a reporting cycle")
	}
	return nil
}

// recordPeople records c, a change of employees: it alters the company
// context (and bumps the revision) only when the set of role slugs the
// employees hold now differs from before; otherwise its events carry the
// current revision.
func (t *tx) recordPeople(before []string, c change) error {
	after, err := t.EmployeeRoleSlugs()
	if err != nil {
		return err
	}
	return t.recordRoles(!slices.Equal(before, after), c)
}

// recordRoles records c, a change of employees that alters the set of
// roles they hold when rolesChanged.
func (t *tx) recordRoles(rolesChanged bool, c change) error {
	c.Context = rolesChanged
	if !rolesChanged && c.Events != nil {
		tenant, err := t.LoadTenant()
		if err != nil {
			return err
		}
		events := c.Events
		c.Events = func(int64) []store.PendingEvent { return events(tenant.ContextRevision) }
	}
	_, err := t.record(c)
	return err
}

func managerString(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

func employeeCreated(e store.Employee, rev int64) events.EmployeeCreated {
	return events.EmployeeCreated{EmployeeID: e.ID.String(), Role: e.RoleSlug, Tier: e.Tier.String(), Team: e.Team,
		ManagerID: managerString(e.ManagerID), ContextRevision: rev}
}

func employeeUpdated(e store.Employee, changed []string, rev int64) events.EmployeeUpdated {
	return events.EmployeeUpdated{EmployeeID: e.ID.String(), Role: e.RoleSlug, Tier: e.Tier.String(), Team: e.Team,
		ManagerID: managerString(e.ManagerID), Changed: changed, ContextRevision: rev}
}

// changedFields names the fields that differ between two versions of an
// employee, for employee.updated.
func changedFields(old, cur store.Employee) []string {
	var out []string
	for _, f := range []struct {
		name string
		diff bool
	}{
		{"subject", old.Subject != cur.Subject}, {"name", old.Name != cur.Name}, {"email", old.Email != cur.Email},
		{"role", old.RoleSlug != cur.RoleSlug}, {"tier", old.Tier != cur.Tier}, {"team", old.Team != cur.Team},
		{"manager_id", old.ManagerID != cur.ManagerID},
	} {
		if f.diff {
			out = append(out, f.name)
		}
	}
	return out
}
