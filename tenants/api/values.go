package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants/app"
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
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	given := make([]app.Value, len(in.Body.Values))
	for i, v := range in.Body.Values {
		given[i] = app.Value{Name: v.Name, Description: v.Description}
	}
	values, err := s.app.ReplaceValues(ctx, p, given)
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
