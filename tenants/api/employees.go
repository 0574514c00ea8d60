package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// Field limits of an employee.
const (
	maxSubject = 200
	maxName    = 200
	maxEmail   = 254
	maxTeam    = 100
)

// EmployeeBody is an employee as the API shows it.
type EmployeeBody struct {
	ID         string    `json:"id" format:"uuid"`
	Subject    string    `json:"subject" doc:"The token subject the employee signs in with."`
	Name       string    `json:"name"`
	Email      string    `json:"email"`
	Role       RoleRef   `json:"role"`
	Tier       string    `json:"tier" enum:"entry,mid,senior"`
	TargetTier string    `json:"target_tier,omitempty" doc:"The tier the development plan aims at, when not the employee's own."`
	Team       string    `json:"team"`
	ManagerID  *string   `json:"manager_id" format:"uuid"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// roleRef names a role slug with its catalog title (the slug when unknown).
func roleRef(slug string) RoleRef {
	if ri, ok := catalog.Default().Role(slug); ok {
		return RoleRef{Slug: slug, Title: ri.Role.Title}
	}
	return RoleRef{Slug: slug, Title: slug}
}

func toEmployeeBody(e store.Employee) EmployeeBody {
	b := EmployeeBody{ID: e.ID.String(), Subject: e.Subject, Name: e.Name, Email: e.Email, Role: roleRef(e.RoleSlug),
		Tier: e.Tier.String(), Team: e.Team, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if e.TargetTier.Valid() {
		b.TargetTier = e.TargetTier.String()
	}
	if e.ManagerID != uuid.Nil {
		m := e.ManagerID.String()
		b.ManagerID = &m
	}
	return b
}

// CreateEmployeeBody is POST /v1/employees.
type CreateEmployeeBody struct {
	Subject   string  `json:"subject" minLength:"1" maxLength:"200"`
	Name      string  `json:"name" minLength:"1" maxLength:"200"`
	Email     string  `json:"email,omitempty" maxLength:"254"`
	Role      string  `json:"role" minLength:"1" maxLength:"200" doc:"A role slug, or a job title matched to a role."`
	Tier      string  `json:"tier" doc:"entry, mid or senior."`
	ManagerID *string `json:"manager_id,omitempty" doc:"Another employee of the company."`
	Team      string  `json:"team,omitempty" maxLength:"100"`
}

// CreateEmployeeInput creates an employee.
type CreateEmployeeInput struct {
	Body CreateEmployeeBody
}

// PatchEmployeeBody changes some fields of an employee; absent fields stay.
type PatchEmployeeBody struct {
	Subject   *string `json:"subject,omitempty" minLength:"1" maxLength:"200"`
	Name      *string `json:"name,omitempty" minLength:"1" maxLength:"200"`
	Email     *string `json:"email,omitempty" maxLength:"254" doc:"Empty clears it."`
	Role      *string `json:"role,omitempty" minLength:"1" maxLength:"200"`
	Tier      *string `json:"tier,omitempty"`
	ManagerID *string `json:"manager_id,omitempty" doc:"Empty removes the manager."`
	Team      *string `json:"team,omitempty" maxLength:"100"`
}

// PatchEmployeeInput changes an employee.
type PatchEmployeeInput struct {
	ID   string `path:"id"`
	Body PatchEmployeeBody
}

// EmployeeIDInput names an employee.
type EmployeeIDInput struct {
	ID string `path:"id"`
}

// ListEmployeesInput filters the employee list.
type ListEmployeesInput struct {
	PageInput
	Team string `query:"team" maxLength:"100" doc:"Only this team."`
	Role string `query:"role" maxLength:"200" doc:"Only this role slug."`
}

// EmployeeOutput answers with one employee.
type EmployeeOutput struct {
	Body EmployeeBody
}

// EmployeeListOutput is a page of employees.
type EmployeeListOutput struct {
	Body struct {
		Items      []EmployeeBody `json:"items"`
		NextCursor string         `json:"next_cursor,omitempty"`
	}
}

func (s *Server) registerEmployees() {
	tags := []string{"employees"}
	huma.Register(s.api, huma.Operation{
		OperationID: "create-employee", Method: http.MethodPost, Path: "/v1/employees", DefaultStatus: http.StatusCreated,
		Summary: "Create an employee (admin)", Tags: tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.createEmployee)
	huma.Register(s.api, huma.Operation{
		OperationID: "list-employees", Method: http.MethodGet, Path: "/v1/employees",
		Summary:     "List employees",
		Description: "Admins see everyone, managers their direct reports, employees themselves. Filters: ?team= and ?role= (a role slug).",
		Tags:        tags,
	}, s.listEmployees)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-employee", Method: http.MethodGet, Path: "/v1/employees/{id}",
		Summary: "Read an employee (admin; managers their reports; employees themselves)", Tags: tags,
	}, s.getEmployee)
	huma.Register(s.api, huma.Operation{
		OperationID: "patch-employee", Method: http.MethodPatch, Path: "/v1/employees/{id}",
		Summary: "Change an employee (admin)", Tags: tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.patchEmployee)
	huma.Register(s.api, huma.Operation{
		OperationID: "delete-employee", Method: http.MethodDelete, Path: "/v1/employees/{id}", DefaultStatus: http.StatusNoContent,
		Summary: "Delete an employee, their assessments and results (admin)", Tags: tags,
	}, s.deleteEmployee)
	s.registerImport()
}

// peopleRoles may use the employee and assessment routes; analysts may not
// (they see no individual's answers).
var peopleRoles = []tenants.Role{tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee}

// viewer is the caller of an employee or assessment route: their principal
// and their own employee record, if they have one.
type viewer struct {
	p  tenants.Principal
	me *store.Employee
}

// loadViewer finds the caller's employee record by token subject.
func loadViewer(tx *store.Tx, p tenants.Principal) (viewer, error) {
	v := viewer{p: p}
	me, err := tx.EmployeeBySubject(p.Subject)
	switch {
	case err == nil:
		v.me = &me
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	return v, nil
}

// isSelf reports whether e is the caller.
func (v viewer) isSelf(e store.Employee) bool { return v.me != nil && v.me.ID == e.ID }

// manages reports whether the caller is a manager and e's direct manager.
func (v viewer) manages(e store.Employee) bool {
	return v.me != nil && v.p.Has(tenants.RoleManager) && e.ManagerID == v.me.ID
}

// canRead reports whether the caller may see e and e's assessments: admins
// everyone, managers their direct reports, everyone themselves.
func (v viewer) canRead(e store.Employee) bool {
	return v.p.Has(tenants.RoleAdmin) || v.isSelf(e) || v.manages(e)
}

// readableEmployee loads employee id if the caller may see it; otherwise it
// is not found (no existence oracle).
func readableEmployee(tx *store.Tx, v viewer, id uuid.UUID) (store.Employee, error) {
	e, err := tx.Employee(id)
	if err != nil {
		return store.Employee{}, err
	}
	if !v.canRead(e) {
		return store.Employee{}, store.ErrNotFound
	}
	return e, nil
}

// resolveRole turns a role slug or a job title into a catalog role slug.
func resolveRole(s string) (string, bool) {
	s = strings.TrimSpace(s)
	c := catalog.Default()
	if _, ok := c.Role(strings.ToLower(s)); ok {
		return strings.ToLower(s), true
	}
	if m, ok := c.Match(s); ok {
		return m.Role.Slug, true
	}
	return "", false
}

// normalizeEmail checks an email address and lower-cases it; empty is fine.
func normalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > maxEmail {
		return "", false
	}
	return strings.ToLower(s), true
}

// fieldText checks a required (or optional) single-line text field.
func fieldText(v string, required bool, max int) bool {
	if required && v == "" {
		return false
	}
	return app.ValidText(v) && !strings.ContainsAny(v, "\r\n") && utf8.RuneCountInString(v) <= max
}

// employeeFields is a validated create or change of an employee.
func validateEmployee(e *store.Employee, loc string) []*huma.ErrorDetail {
	var errs []*huma.ErrorDetail
	add := func(field, msg string) {
		errs = append(errs, &huma.ErrorDetail{Location: loc + field, Message: msg})
	}
	if !fieldText(e.Subject, true, maxSubject) {
		add("subject", "must be non-empty text of at most 200 characters")
	}
	if !fieldText(e.Name, true, maxName) {
		add("name", "must be non-empty text of at most 200 characters")
	}
	if em, ok := normalizeEmail(e.Email); ok {
		e.Email = em
	} else {
		add("email", "must be a plain email address (name@example.com)")
	}
	if !fieldText(e.Team, false, maxTeam) {
		add("team", "must be text of at most 100 characters")
	}
	return errs
}

func validationProblem(errs []*huma.ErrorDetail) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Location + ": " + e.Message
	}
	return problem(http.StatusUnprocessableEntity, "validation", "the employee is not valid: "+strings.Join(msgs, "; "), errs...)
}

// roleSetBump bumps the tenant's context revision when the set of role slugs
// its employees hold differs from before, and returns the revision the
// events carry.
func roleSetBump(tx *store.Tx, before []string) (int64, error) {
	after, err := tx.EmployeeRoleSlugs()
	if err != nil {
		return 0, err
	}
	if !slices.Equal(before, after) {
		return tx.BumpContextRevision()
	}
	t, err := tx.LoadTenant()
	return t.ContextRevision, err
}

// checkManager verifies that manager exists in the tenant and that making it
// e's manager makes no cycle.
func checkManager(tx *store.Tx, e store.Employee) error {
	if e.ManagerID == uuid.Nil {
		return nil
	}
	bad := func(msg string) error {
		return problem(http.StatusUnprocessableEntity, "validation", msg, &huma.ErrorDetail{Location: "body.manager_id", Message: msg})
	}
	if e.ManagerID == e.ID {
		return bad("an employee cannot be their own manager")
	}
	seen := map[uuid.UUID]bool{e.ID: true}
	for id := e.ManagerID; id != uuid.Nil; {
		m, err := tx.Employee(id)
		if errors.Is(err, store.ErrNotFound) {
			if id == e.ManagerID {
				return bad("no such employee")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if seen[m.ID] {
			return bad("this manager would make a reporting cycle")
		}
		seen[m.ID] = true
		id = m.ManagerID
	}
	return nil
}

func parseManagerID(s *string) (uuid.UUID, error) {
	if s == nil || *s == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(*s)
	if err != nil || len(*s) != 36 {
		return uuid.Nil, problem(http.StatusUnprocessableEntity, "validation", "manager_id must be an employee id",
			&huma.ErrorDetail{Location: "body.manager_id", Message: "must be a UUID"})
	}
	return id, nil
}

func (s *Server) createEmployee(ctx context.Context, in *CreateEmployeeInput) (*EmployeeOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	b := in.Body
	now := time.Now().UTC().Truncate(time.Microsecond)
	e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: strings.TrimSpace(b.Subject), Name: strings.TrimSpace(b.Name),
		Email: b.Email, Team: strings.TrimSpace(b.Team), CreatedAt: now, UpdatedAt: now}
	errs := validateEmployee(&e, "body.")
	slug, ok := resolveRole(b.Role)
	if !ok {
		errs = append(errs, &huma.ErrorDetail{Location: "body.role", Message: "no catalog role has this slug or matches this title"})
	}
	e.RoleSlug = slug
	if e.Tier, err = competency.ParseTier(b.Tier); err != nil {
		errs = append(errs, &huma.ErrorDetail{Location: "body.tier", Message: "must be entry, mid or senior"})
	}
	if e.ManagerID, err = parseManagerID(b.ManagerID); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, validationProblem(errs)
	}
	err = s.retryDeadlocks(ctx, p.Tenant, func(tx *store.Tx) error {
		if err := checkManager(tx, e); err != nil {
			return err
		}
		before, err := tx.EmployeeRoleSlugs()
		if err != nil {
			return err
		}
		if err := tx.InsertEmployee(e); err != nil {
			return err
		}
		rev, err := roleSetBump(tx, before)
		if err != nil {
			return err
		}
		if err := tx.Audit(p.Subject, "employee.create", "employee/"+e.ID.String(), map[string]any{"subject": e.Subject, "role": e.RoleSlug}); err != nil {
			return err
		}
		_, err = tx.Emit(events.TypeEmployeeCreated, e.ID.String(), employeeCreated(e, rev))
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, problem(http.StatusConflict, "employee-exists", "another employee has this subject or email")
	}
	if err != nil {
		return nil, s.fail(ctx, "create employee", err)
	}
	return &EmployeeOutput{Body: toEmployeeBody(e)}, nil
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

func employeeUpdated(e store.Employee, changed []string, rev int64) events.EmployeeUpdated {
	return events.EmployeeUpdated{EmployeeID: e.ID.String(), Role: e.RoleSlug, Tier: e.Tier.String(), Team: e.Team,
		ManagerID: managerString(e.ManagerID), Changed: changed, ContextRevision: rev}
}

func (s *Server) listEmployees(ctx context.Context, in *ListEmployeesInput) (*EmployeeListOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	after, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	n := s.pageSize(in.Limit)
	f := store.EmployeeFilter{Team: in.Team, RoleSlug: in.Role, Limit: n + 1}
	f.After = after
	var list []store.Employee
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		if !p.Has(tenants.RoleAdmin) {
			v, err := loadViewer(tx, p)
			if err != nil || v.me == nil {
				return err // no employee record: an empty list
			}
			if p.Has(tenants.RoleManager) {
				f.ManagerID = v.me.ID
			} else {
				f.Subject = p.Subject
			}
		}
		list, err = tx.Employees(f)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "list employees", err)
	}
	out := &EmployeeListOutput{}
	out.Body.Items = make([]EmployeeBody, 0, len(list))
	for i, e := range list {
		if i == n {
			out.Body.NextCursor = encodeCursor(list[i-1].ID.String())
			break
		}
		out.Body.Items = append(out.Body.Items, toEmployeeBody(e))
	}
	return out, nil
}

func (s *Server) getEmployee(ctx context.Context, in *EmployeeIDInput) (*EmployeeOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	var e store.Employee
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		v, err := loadViewer(tx, p)
		if err != nil {
			return err
		}
		e, err = readableEmployee(tx, v, id)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get employee", err)
	}
	return &EmployeeOutput{Body: toEmployeeBody(e)}, nil
}

func (s *Server) patchEmployee(ctx context.Context, in *PatchEmployeeInput) (*EmployeeOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	b := in.Body
	var e store.Employee
	err = s.retryDeadlocks(ctx, p.Tenant, func(tx *store.Tx) error {
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
		set(&e.Subject, b.Subject)
		set(&e.Name, b.Name)
		set(&e.Email, b.Email)
		set(&e.Team, b.Team)
		errs := validateEmployee(&e, "body.")
		if b.Role != nil {
			slug, ok := resolveRole(*b.Role)
			if !ok {
				errs = append(errs, &huma.ErrorDetail{Location: "body.role", Message: "no catalog role has this slug or matches this title"})
			}
			e.RoleSlug = slug
		}
		if b.Tier != nil {
			if e.Tier, err = competency.ParseTier(*b.Tier); err != nil {
				errs = append(errs, &huma.ErrorDetail{Location: "body.tier", Message: "must be entry, mid or senior"})
			}
		}
		if len(errs) > 0 {
			return validationProblem(errs)
		}
		if b.ManagerID != nil {
			if e.ManagerID, err = parseManagerID(b.ManagerID); err != nil {
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
		e.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		if err := tx.UpdateEmployee(e); err != nil {
			return err
		}
		rev, err := roleSetBump(tx, before)
		if err != nil {
			return err
		}
		if err := tx.Audit(p.Subject, "employee.update", "employee/"+e.ID.String(), map[string]any{"changed": changed}); err != nil {
			return err
		}
		_, err = tx.Emit(events.TypeEmployeeUpdated, e.ID.String(), employeeUpdated(e, changed, rev))
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, problem(http.StatusConflict, "employee-exists", "another employee has this subject or email")
	}
	if err != nil {
		return nil, s.fail(ctx, "patch employee", err)
	}
	return &EmployeeOutput{Body: toEmployeeBody(e)}, nil
}

func (s *Server) deleteEmployee(ctx context.Context, in *EmployeeIDInput) (*struct{}, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	err = s.retryDeadlocks(ctx, p.Tenant, func(tx *store.Tx) error {
		before, err := tx.EmployeeRoleSlugs()
		if err != nil {
			return err
		}
		_, detached, err := tx.DeleteEmployee(id)
		if err != nil {
			return err
		}
		rev, err := roleSetBump(tx, before)
		if err != nil {
			return err
		}
		if err := tx.Audit(p.Subject, "employee.delete", "employee/"+id.String(), map[string]any{"detached_reports": len(detached)}); err != nil {
			return err
		}
		pending := []store.PendingEvent{{Type: events.TypeEmployeeDeleted, Resource: id.String(),
			Data: events.EmployeeDeleted{EmployeeID: id.String(), ContextRevision: rev}}}
		for _, r := range detached {
			e, err := tx.Employee(r)
			if err != nil {
				return err
			}
			pending = append(pending, store.PendingEvent{Type: events.TypeEmployeeUpdated, Resource: r.String(),
				Data: employeeUpdated(e, []string{"manager_id"}, rev)})
		}
		return tx.EmitBatch(pending)
	})
	if err != nil {
		return nil, s.fail(ctx, "delete employee", err)
	}
	return nil, nil
}

// errLine formats a per-line import error.
func errLine(line int, field, format string, args ...any) ImportLineError {
	return ImportLineError{Line: line, Field: field, Message: fmt.Sprintf(format, args...)}
}

// deadlockRetries bounds how often a write that lost a deadlock (or a
// serialization failure) on PostgreSQL is run again.
const deadlockRetries = 5

// retryDeadlocks runs fn in a tenant transaction and runs it again when
// PostgreSQL aborted it to break a deadlock (SQLSTATE 40P01) or a
// serialization failure (40001): for example deleting an employee while the
// plan builder writes that employee's plan, which locks the same rows in
// the other order. fn must be safe to run again (it is: the transaction
// rolled back).
func (s *Server) retryDeadlocks(ctx context.Context, tenant tenants.ID, fn func(tx *store.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.cfg.Store.InTenant(ctx, tenant, fn)
		if err == nil || attempt == deadlockRetries || !isDeadlock(err) || ctx.Err() != nil {
			return err
		}
	}
}

// isDeadlock reports a PostgreSQL deadlock or serialization failure.
func isDeadlock(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 40P01") || strings.Contains(msg, "SQLSTATE 40001")
}
