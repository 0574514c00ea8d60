package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// ValueBody is one company value.
type ValueBody struct {
	Name        string `json:"name" minLength:"1" maxLength:"100"`
	Description string `json:"description" maxLength:"2000"`
}

// ValuesBody is the whole set of a company's values.
type ValuesBody struct {
	Values []ValueBody `json:"values" maxItems:"100" doc:"At most 100 values; names unique (case-insensitive)."`
}

// PutValuesInput replaces the values.
type PutValuesInput struct {
	Body ValuesBody
}

// ValuesOutput answers with the values.
type ValuesOutput struct {
	Body ValuesBody
}

func (s *Server) registerValues() {
	huma.Register(s.api, huma.Operation{
		OperationID: "put-values", Method: http.MethodPut, Path: "/v1/values", Summary: "Replace the company's values (admin)",
		Tags: []string{"values"}, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.putValues)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-values", Method: http.MethodGet, Path: "/v1/values", Summary: "The company's values", Tags: []string{"values"},
	}, s.getValues)
}

func (s *Server) putValues(ctx context.Context, in *PutValuesInput) (*ValuesOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if len(in.Body.Values) > s.cfg.Limits.MaxValues {
		return nil, problem(http.StatusUnprocessableEntity, "validation", fmt.Sprintf("at most %d values", s.cfg.Limits.MaxValues))
	}
	seen := map[string]bool{}
	values := make([]store.Value, 0, len(in.Body.Values))
	names := make([]string, 0, len(in.Body.Values))
	var errs []*huma.ErrorDetail
	for i, v := range in.Body.Values {
		name, desc := strings.TrimSpace(v.Name), strings.TrimSpace(v.Description)
		loc := fmt.Sprintf("body.values[%d]", i)
		switch {
		case name == "" || !validText(name):
			errs = append(errs, &huma.ErrorDetail{Location: loc + ".name", Message: "must be non-empty text without control characters"})
		case !validText(desc):
			errs = append(errs, &huma.ErrorDetail{Location: loc + ".description", Message: "must be text without control characters"})
		case seen[strings.ToLower(name)]:
			errs = append(errs, &huma.ErrorDetail{Location: loc + ".name", Message: "duplicate value name", Value: name})
		}
		seen[strings.ToLower(name)] = true
		values = append(values, store.Value{Name: name, Description: desc})
		names = append(names, name)
	}
	if len(errs) > 0 {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "the values are not valid", errs...)
	}
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		if err := tx.ReplaceValues(values); err != nil {
			return err
		}
		rev, err := tx.BumpContextRevision()
		if err != nil {
			return err
		}
		if err := tx.Audit(p.Subject, "values.replace", "values", map[string]any{"names": names}); err != nil {
			return err
		}
		_, err = tx.Emit(events.TypeValuesUpdated, p.Tenant.String(), events.ValuesUpdated{Values: names, ContextRevision: rev})
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "put values", err)
	}
	return &ValuesOutput{Body: toValuesBody(values)}, nil
}

func toValuesBody(values []store.Value) ValuesBody {
	b := ValuesBody{Values: make([]ValueBody, len(values))}
	for i, v := range values {
		b.Values[i] = ValueBody{Name: v.Name, Description: v.Description}
	}
	return b
}

func (s *Server) getValues(ctx context.Context, _ *struct{}) (*ValuesOutput, error) {
	p, err := tenantPrincipal(ctx, anyTenantRole...)
	if err != nil {
		return nil, err
	}
	var values []store.Value
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		values, err = tx.Values()
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get values", err)
	}
	return &ValuesOutput{Body: toValuesBody(values)}, nil
}
