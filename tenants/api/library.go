package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants/store"
)

// LibraryOutput is the current library version: the stored library
// document, served as it was built (versions are immutable).
type LibraryOutput struct {
	Body json.RawMessage
}

func (s *Server) registerLibrary() {
	huma.Register(s.api, huma.Operation{
		OperationID: "get-library", Method: http.MethodGet, Path: "/v1/library",
		Summary:     "The current library version",
		Description: "The newest immutable library version: version, built_at, digest, context_revision, the inputs it was built from, competencies, frameworks and a change summary. 404 until the first build finished.",
		Tags:        []string{"library"},
	}, s.getLibrary)
}

func (s *Server) getLibrary(ctx context.Context, _ *struct{}) (*LibraryOutput, error) {
	p, err := tenantPrincipal(ctx, anyTenantRole...)
	if err != nil {
		return nil, err
	}
	var v store.LibraryVersion
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		v, err = tx.LatestLibrary()
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get library", err)
	}
	return &LibraryOutput{Body: v.Content}, nil
}
