package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants/app"
)

// OverrideBody is an admin's stored curation of one competency; the next
// library version applies it.
type OverrideBody struct {
	Slug        string   `json:"slug"`
	Custom      bool     `json:"custom"`
	Name        string   `json:"name,omitempty"`
	Category    string   `json:"category,omitempty"`
	Description string   `json:"description,omitempty"`
	Descriptors []string `json:"descriptors,omitempty" doc:"Five level descriptors; an empty one keeps the built descriptor."`
	Status      string   `json:"status,omitempty" enum:"active,retired,"`
	Pinned      bool     `json:"pinned"`
}

// CurationBody answers a curation write: the stored override, the changes
// it made and the context revision a library version must reach to reflect
// it.
type CurationBody struct {
	Override        OverrideBody `json:"override"`
	Changes         []string     `json:"changes"`
	ContextRevision int64        `json:"context_revision"`
}

// CurationOutput answers a curation write.
type CurationOutput struct {
	Status int
	Body   CurationBody
}

// CreateCompetencyInput is POST /v1/library/competencies.
type CreateCompetencyInput struct {
	Body struct {
		Slug        string   `json:"slug,omitempty" maxLength:"64" doc:"Default: derived from the name."`
		Name        string   `json:"name" minLength:"1" maxLength:"120"`
		Category    string   `json:"category" enum:"technical,interpersonal,analytical,operational,leadership,cultural"`
		Description string   `json:"description" minLength:"1" maxLength:"2000"`
		Descriptors []string `json:"descriptors" minItems:"5" maxItems:"5" doc:"The five level descriptors, Basic to Expert."`
		Pinned      bool     `json:"pinned,omitempty"`
	}
}

// PatchCompetencyInput is PATCH /v1/library/competencies/{slug}: each field
// given changes one thing.
type PatchCompetencyInput struct {
	Slug string `path:"slug"`
	Body struct {
		Status      *string  `json:"status,omitempty" enum:"active,retired" doc:"active approves a proposal or restores a retired competency; retired retires it."`
		Name        *string  `json:"name,omitempty" minLength:"1" maxLength:"120"`
		Description *string  `json:"description,omitempty" minLength:"1" maxLength:"2000"`
		Descriptors []string `json:"descriptors,omitempty" minItems:"5" maxItems:"5" doc:"Five level descriptors; an empty string keeps that level's."`
		Pinned      *bool    `json:"pinned,omitempty" doc:"true keeps the competency in the library whatever the evidence."`
	}
}

// RebuildOutput answers POST /v1/library/rebuild.
type RebuildOutput struct {
	Status int
	Body   struct {
		ContextRevision int64 `json:"context_revision" doc:"The revision the next library examination covers."`
	}
}

func (s *Server) registerLibraryCuration(tags []string) {
	huma.Register(s.api, huma.Operation{
		OperationID: "create-library-competency", Method: http.MethodPost, Path: "/v1/library/competencies", DefaultStatus: http.StatusCreated,
		Summary:     "Create a custom competency (admin)",
		Description: "Stores the company's own competency (name, category, description, five level descriptors; slug derived from the name unless given) as an override that every library build keeps. 409 when the slug is taken by the library, the catalog or another override. Audited; emits library.changed; the next version includes it.",
		Tags:        tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.createCompetency)
	huma.Register(s.api, huma.Operation{
		OperationID: "patch-library-competency", Method: http.MethodPatch, Path: "/v1/library/competencies/{slug}",
		Summary:     "Approve, retire, edit or pin a competency (admin)",
		Description: "Changes the override of a competency of the latest library, the catalog, or a custom one (404 otherwise). Overrides win over evidence in every rebuild. Audited; emits one library.changed per kind of change.",
		Tags:        tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.patchCompetency)
	huma.Register(s.api, huma.Operation{
		OperationID: "rebuild-library", Method: http.MethodPost, Path: "/v1/library/rebuild", DefaultStatus: http.StatusAccepted,
		Summary:     "Ask for a library build (admin)",
		Description: "Bumps the context revision and emits library.changed, so the builder examines the inputs again (e.g. after an upgrade brought a new catalog). As always, an unchanged digest makes no new version.",
		Tags:        tags,
	}, s.rebuildLibrary)
}

func toOverrideBody(o library.Override) OverrideBody {
	b := OverrideBody{Slug: o.Slug, Custom: o.Custom, Name: o.Name, Description: o.Description, Status: string(o.Status), Pinned: o.Pinned}
	if o.Category != 0 {
		b.Category = o.Category.String()
	}
	if o.Descriptors != ([5]string{}) {
		b.Descriptors = o.Descriptors[:]
	}
	return b
}

// toCurationBody is the body of a curation write's result.
func toCurationBody(c app.Curation) CurationBody {
	return CurationBody{Override: toOverrideBody(c.Override), Changes: c.Changes, ContextRevision: c.ContextRevision}
}

func (s *Server) createCompetency(ctx context.Context, in *CreateCompetencyInput) (*CurationOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	b := in.Body
	c, err := s.app.CreateCompetency(ctx, p, app.NewCompetency{Slug: b.Slug, Name: b.Name, Category: b.Category,
		Description: b.Description, Descriptors: b.Descriptors, Pinned: b.Pinned})
	if err != nil {
		return nil, s.fail(ctx, "create competency", err)
	}
	return &CurationOutput{Status: http.StatusCreated, Body: toCurationBody(c)}, nil
}

func (s *Server) patchCompetency(ctx context.Context, in *PatchCompetencyInput) (*CurationOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	b := in.Body
	c, err := s.app.PatchCompetency(ctx, p, in.Slug, app.CompetencyPatch{Status: b.Status, Name: b.Name, Description: b.Description,
		Descriptors: b.Descriptors, Pinned: b.Pinned})
	if err != nil {
		return nil, s.fail(ctx, "patch competency", err)
	}
	return &CurationOutput{Status: http.StatusOK, Body: toCurationBody(c)}, nil
}

func (s *Server) rebuildLibrary(ctx context.Context, _ *struct{}) (*RebuildOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	rev, err := s.app.RebuildLibrary(ctx, p)
	if err != nil {
		return nil, s.fail(ctx, "rebuild library", err)
	}
	out := &RebuildOutput{Status: http.StatusAccepted}
	out.Body.ContextRevision = rev
	return out, nil
}
