package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
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

func (s *Server) createEmployee(ctx context.Context, in *CreateEmployeeInput) (*EmployeeOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	b := in.Body
	e, err := s.app.CreateEmployee(ctx, p, app.NewEmployee{Subject: b.Subject, Name: b.Name, Email: b.Email, Team: b.Team,
		Role: b.Role, Tier: b.Tier, ManagerID: b.ManagerID})
	if err != nil {
		return nil, s.fail(ctx, "create employee", err)
	}
	return &EmployeeOutput{Body: toEmployeeBody(e)}, nil
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
			r, err := app.ReaderOf(tx, p)
			if err != nil || r.Me() == nil {
				return err // no employee record: an empty list
			}
			if p.Has(tenants.RoleManager) {
				f.ManagerID = r.Me().ID
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
		r, err := app.ReaderOf(tx, p)
		if err != nil {
			return err
		}
		e, err = r.Employee(tx, id)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get employee", err)
	}
	return &EmployeeOutput{Body: toEmployeeBody(e)}, nil
}

func (s *Server) patchEmployee(ctx context.Context, in *PatchEmployeeInput) (*EmployeeOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeEmployees, "patch employee")
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	b := in.Body
	e, err := s.app.UpdateEmployee(ctx, p, id, app.EmployeeChange{Subject: b.Subject, Name: b.Name, Email: b.Email,
		Role: b.Role, Tier: b.Tier, ManagerID: b.ManagerID, Team: b.Team})
	if err != nil {
		return nil, s.fail(ctx, "patch employee", err)
	}
	return &EmployeeOutput{Body: toEmployeeBody(e)}, nil
}

func (s *Server) deleteEmployee(ctx context.Context, in *EmployeeIDInput) (*struct{}, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeEmployees, "delete employee")
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	if err := s.app.DeleteEmployee(ctx, p, id); err != nil {
		return nil, s.fail(ctx, "delete employee", err)
	}
	return nil, nil
}
