package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// TenantBody is a tenant as the API shows it.
type TenantBody struct {
	ID        string    `json:"id" format:"uuid"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	Industry  string    `json:"industry"`
	CreatedAt time.Time `json:"created_at"`
}

func toTenantBody(t store.Tenant) TenantBody {
	return TenantBody{ID: t.ID.String(), Name: t.Name, Slug: t.Slug, Industry: t.Industry, CreatedAt: t.CreatedAt}
}

// CreateTenantInput is POST /v1/tenants.
type CreateTenantInput struct {
	Body struct {
		Name     string `json:"name" minLength:"1" maxLength:"200" doc:"The company's name."`
		Slug     string `json:"slug,omitempty" maxLength:"63" doc:"URL-safe unique name; derived from the name when absent."`
		Industry string `json:"industry" minLength:"1" maxLength:"64" doc:"A catalog industry, e.g. finance."`
	}
}

// TenantOutput answers with one tenant.
type TenantOutput struct {
	Body TenantBody
}

// TenantListOutput is a page of tenants.
type TenantListOutput struct {
	Body struct {
		Items      []TenantBody `json:"items"`
		NextCursor string       `json:"next_cursor,omitempty"`
	}
}

// DeleteTenantOutput acknowledges a tenant's erasure.
type DeleteTenantOutput struct {
	Body struct {
		ID     string `json:"id"`
		Status string `json:"status" enum:"deleted"`
	}
}

func (s *Server) registerTenants() {
	huma.Register(s.api, huma.Operation{
		OperationID: "create-tenant", Method: http.MethodPost, Path: "/v1/tenants", DefaultStatus: http.StatusCreated,
		Summary: "Create a tenant (platform_admin)", Tags: []string{"tenants"}, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.createTenant)
	huma.Register(s.api, huma.Operation{
		OperationID: "list-tenants", Method: http.MethodGet, Path: "/v1/tenants",
		Summary: "List tenants (platform_admin)", Tags: []string{"tenants"},
	}, s.listTenants)
	huma.Register(s.api, huma.Operation{
		OperationID: "delete-tenant", Method: http.MethodDelete, Path: "/v1/tenants/{id}", DefaultStatus: http.StatusAccepted,
		Summary: "Erase a tenant and all its data (platform_admin)", Tags: []string{"tenants"},
	}, s.deleteTenant)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-tenant", Method: http.MethodGet, Path: "/v1/tenant",
		Summary: "The caller's tenant", Tags: []string{"tenants"},
	}, s.getTenant)
}

func (s *Server) createTenant(ctx context.Context, in *CreateTenantInput) (*TenantOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.app.CreateTenant(ctx, p, app.NewTenant{Name: in.Body.Name, Slug: in.Body.Slug, Industry: in.Body.Industry})
	if err != nil {
		return nil, s.fail(ctx, "create tenant", err)
	}
	return &TenantOutput{Body: toTenantBody(t)}, nil
}

func (s *Server) listTenants(ctx context.Context, in *PageInput) (*TenantListOutput, error) {
	p, err := principal(ctx, tenants.RolePlatformAdmin)
	if err != nil {
		return nil, err
	}
	if !p.IsPlatform() {
		return nil, problem(http.StatusForbidden, "", "only the platform operator lists tenants")
	}
	after, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	n := s.pageSize(in.Limit)
	list, err := s.cfg.Store.ListTenants(ctx, tenants.ID(after), n+1)
	if err != nil {
		return nil, s.fail(ctx, "list tenants", err)
	}
	out := &TenantListOutput{}
	out.Body.Items = make([]TenantBody, 0, len(list))
	for i, t := range list {
		if i == n {
			out.Body.NextCursor = encodeCursor(list[i-1].ID.String())
			break
		}
		out.Body.Items = append(out.Body.Items, toTenantBody(t))
	}
	return out, nil
}

// TenantIDInput names a tenant in the path.
type TenantIDInput struct {
	ID string `path:"id" doc:"Tenant id."`
}

func (s *Server) deleteTenant(ctx context.Context, in *TenantIDInput) (*DeleteTenantOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeTenants, "delete tenant")
	if err != nil {
		return nil, err
	}
	id, err := tenants.ParseID(in.ID)
	if err != nil {
		return nil, problem(http.StatusNotFound, "", "not found")
	}
	if err := s.app.DeleteTenant(ctx, p, id); err != nil {
		return nil, s.fail(ctx, "delete tenant", err)
	}
	s.tenants.forget(id.String())
	s.cfg.Logger.InfoContext(ctx, "tenant deleted", "tenant_id", id.String(), "actor", p.Subject)
	out := &DeleteTenantOutput{}
	out.Body.ID, out.Body.Status = id.String(), "deleted"
	return out, nil
}

func (s *Server) getTenant(ctx context.Context, _ *struct{}) (*TenantOutput, error) {
	p, err := tenantPrincipal(ctx, anyTenantRole...)
	if err != nil {
		return nil, err
	}
	var t store.Tenant
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		t, err = tx.LoadTenant()
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get tenant", err)
	}
	return &TenantOutput{Body: toTenantBody(t)}, nil
}
