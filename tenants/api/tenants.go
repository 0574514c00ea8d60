package api

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/events"
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

var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// slugify derives a slug from a name.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 63 {
		s = strings.Trim(s[:63], "-")
	}
	return s
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
	p, err := principal(ctx, tenants.RolePlatformAdmin)
	if err != nil {
		return nil, err
	}
	if !p.IsPlatform() {
		return nil, problem(http.StatusForbidden, "", "only the platform operator creates tenants")
	}
	name := strings.TrimSpace(in.Body.Name)
	if name == "" || !app.ValidText(name) {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "name must be non-empty text without control characters",
			&huma.ErrorDetail{Location: "body.name", Message: "invalid name"})
	}
	industry, err := catalog.Default().ParseIndustry(in.Body.Industry)
	if err != nil {
		return nil, problem(http.StatusUnprocessableEntity, "validation", err.Error(),
			&huma.ErrorDetail{Location: "body.industry", Message: err.Error(), Value: in.Body.Industry})
	}
	slug := in.Body.Slug
	if slug == "" {
		slug = slugify(name)
	}
	if !slugRE.MatchString(slug) {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "slug must be lowercase letters, digits and dashes (1–63)",
			&huma.ErrorDetail{Location: "body.slug", Message: "invalid slug", Value: slug})
	}
	t := store.Tenant{ID: tenants.NewID(), Name: name, Slug: slug, Industry: string(industry), CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	err = s.cfg.Store.CreateTenant(ctx, t, func(tx *store.Tx) error {
		if err := tx.Audit(p.Subject, "tenant.create", "tenant/"+t.ID.String(), map[string]any{"slug": slug}); err != nil {
			return err
		}
		_, err := tx.Emit(events.TypeTenantCreated, t.ID.String(), events.TenantCreated{Name: name, Slug: slug, Industry: string(industry)})
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, problem(http.StatusConflict, "slug-taken", "a tenant with this slug exists")
	}
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
	p, err := principal(ctx, tenants.RolePlatformAdmin)
	if err != nil {
		return nil, err
	}
	if !p.IsPlatform() {
		return nil, problem(http.StatusForbidden, "", "only the platform operator deletes tenants")
	}
	id, err := tenants.ParseID(in.ID)
	if err != nil {
		return nil, problem(http.StatusNotFound, "", "not found")
	}
	err = s.cfg.Store.DeleteTenant(ctx, id, func(tx *store.Tx, t store.Tenant) error {
		_, err := tx.Emit(events.TypeTenantDeleted, id.String(), events.TenantDeleted{Slug: t.Slug})
		return err
	})
	if err != nil {
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
