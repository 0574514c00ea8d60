package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
)

// QuotaProblem is the problem of a refused change that would pass a quota
// (type quota-exceeded): which quota, its limit and what is used.
type QuotaProblem struct {
	huma.ErrorModel
	Quota string `json:"quota" enum:"documents,document_bytes,employees" doc:"The quota the change would pass."`
	Limit int64  `json:"limit" doc:"The tenant's limit."`
	Used  int64  `json:"used" doc:"What the tenant uses now."`
}

func quotaProblem(e *app.Error) *QuotaProblem {
	p := appProblem(e)
	return &QuotaProblem{ErrorModel: *p, Quota: e.Quota.Quota, Limit: e.Quota.Limit, Used: e.Quota.Used}
}

// TenantLimitsBody is a tenant's limits in force: quotas and the smallest
// analytics cell, with the fields the platform admin set for it.
type TenantLimitsBody struct {
	Documents        int64     `json:"documents" doc:"At most this many documents."`
	DocumentBytes    int64     `json:"document_bytes" doc:"At most this many bytes of uploaded files in all."`
	Employees        int64     `json:"employees" doc:"At most this many employees."`
	AnalyticsMinCell int       `json:"analytics_min_cell" doc:"k: analytics cells of fewer employees are suppressed (at least 3)."`
	Overridden       []string  `json:"overridden" doc:"The fields set for this tenant; the others are the server's defaults."`
	UpdatedBy        string    `json:"updated_by,omitempty"`
	UpdatedAt        time.Time `json:"updated_at,omitzero"`
}

// TenantLimitsOutput answers with a tenant's limits.
type TenantLimitsOutput struct {
	Body TenantLimitsBody
}

// PutTenantLimitsInput replaces a tenant's overrides; an absent (or null)
// field goes back to the server's default.
type PutTenantLimitsInput struct {
	ID   string `path:"id" doc:"Tenant id."`
	Body struct {
		Documents        *int64 `json:"documents,omitempty" minimum:"0" maximum:"1000000000"`
		DocumentBytes    *int64 `json:"document_bytes,omitempty" minimum:"0" maximum:"1099511627776"`
		Employees        *int64 `json:"employees,omitempty" minimum:"0" maximum:"1000000000"`
		AnalyticsMinCell *int   `json:"analytics_min_cell,omitempty" minimum:"3" maximum:"1000"`
	}
}

func (s *Server) registerQuotas() {
	tags := []string{"tenants"}
	huma.Register(s.api, huma.Operation{
		OperationID: "get-tenant-quotas", Method: http.MethodGet, Path: "/v1/tenants/{id}/quotas",
		Summary: "A tenant's quotas and analytics threshold (platform_admin)", Tags: tags,
	}, s.getTenantLimits)
	huma.Register(s.api, huma.Operation{
		OperationID: "put-tenant-quotas", Method: http.MethodPut, Path: "/v1/tenants/{id}/quotas",
		Summary:     "Set a tenant's quotas and analytics threshold (platform_admin)",
		Description: "Replaces the tenant's overrides: a field left out goes back to the server's default. A quota below the tenant's current use refuses new documents or employees until it is back under it.",
		Tags:        tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.putTenantLimits)
}

func toTenantLimitsBody(l app.TenantLimits) TenantLimitsBody {
	b := TenantLimitsBody{Documents: l.Documents, DocumentBytes: l.DocumentBytes, Employees: l.Employees,
		AnalyticsMinCell: l.AnalyticsMinCell, Overridden: l.Overridden, UpdatedBy: l.UpdatedBy, UpdatedAt: l.UpdatedAt}
	if b.Overridden == nil {
		b.Overridden = []string{}
	}
	return b
}

func (s *Server) getTenantLimits(ctx context.Context, in *TenantIDInput) (*TenantLimitsOutput, error) {
	p, id, err := s.platformTenant(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	l, err := s.app.TenantLimits(ctx, p, id)
	if err != nil {
		return nil, s.fail(ctx, "get tenant quotas", err)
	}
	return &TenantLimitsOutput{Body: toTenantLimitsBody(l)}, nil
}

func (s *Server) putTenantLimits(ctx context.Context, in *PutTenantLimitsInput) (*TenantLimitsOutput, error) {
	p, id, err := s.platformTenant(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	b := in.Body
	l, err := s.app.SetTenantLimits(ctx, p, id, app.LimitsChange{Documents: b.Documents, DocumentBytes: b.DocumentBytes,
		Employees: b.Employees, AnalyticsMinCell: b.AnalyticsMinCell})
	if err != nil {
		return nil, s.fail(ctx, "put tenant quotas", err)
	}
	return &TenantLimitsOutput{Body: toTenantLimitsBody(l)}, nil
}

// platformTenant checks that the caller is the platform admin and parses
// the tenant id of the path (an invalid one is not found).
func (s *Server) platformTenant(ctx context.Context, raw string) (tenants.Principal, tenants.ID, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeTenants, "tenant quotas")
	if err != nil {
		return p, tenants.ID{}, err
	}
	id, err := tenants.ParseID(raw)
	if err != nil {
		return p, tenants.ID{}, problem(http.StatusNotFound, "", "not found")
	}
	return p, id, nil
}
