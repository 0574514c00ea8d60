package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants/store"
)

// DocumentVisibilityInput changes who reads a document's excerpts.
type DocumentVisibilityInput struct {
	ID   string `path:"id"`
	Body struct {
		Visibility string `json:"visibility" enum:"admins,everyone" doc:"admins: only admins read the document's evidence excerpts; everyone: every role but analysts."`
	}
}

func visibilitySchema() *huma.Schema {
	return &huma.Schema{Type: "string", Enum: []any{"admins", "everyone"}, Description: "Who reads the document's evidence excerpts (default admins)."}
}

// parseVisibility parses an optional visibility: empty is the default
// (admins).
func parseVisibility(raw, loc string) (store.Visibility, error) {
	if raw == "" {
		return store.VisibleToAdmins, nil
	}
	v, err := store.ParseVisibility(raw)
	if err != nil {
		return "", problem(http.StatusUnprocessableEntity, "validation", "visibility must be admins or everyone",
			&huma.ErrorDetail{Location: loc, Message: "valid values: admins, everyone", Value: truncate(raw, 40)})
	}
	return v, nil
}

func (s *Server) registerDocumentVisibility() {
	huma.Register(s.api, huma.Operation{
		OperationID: "set-document-visibility", Method: http.MethodPut, Path: "/v1/documents/{id}/visibility",
		Summary:     "Change who reads a document's excerpts (admin)",
		Description: "admins (the default at upload): managers and employees see the document's id and title and the competencies it backs in the library, never its excerpts; everyone: they see the excerpts too. Analysts never see excerpts.",
		Tags:        []string{"documents"}, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.setDocumentVisibility)
}

func (s *Server) setDocumentVisibility(ctx context.Context, in *DocumentVisibilityInput) (*DocumentOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	v, err := parseVisibility(in.Body.Visibility, "body.visibility")
	if err != nil {
		return nil, err
	}
	d, err := s.app.SetDocumentVisibility(ctx, p, id, v)
	if err != nil {
		return nil, s.fail(ctx, "set document visibility", err)
	}
	return &DocumentOutput{Status: http.StatusOK, Body: toDocumentBody(d, false)}, nil
}
