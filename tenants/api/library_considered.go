package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
)

// ConsideredBody is a catalog competency a library version left out, with
// the reason.
type ConsideredBody struct {
	Slug      string                `json:"slug"`
	Name      string                `json:"name"`
	Category  string                `json:"category"`
	Relevance float64               `json:"relevance" minimum:"0" maximum:"1"`
	Reason    string                `json:"reason" doc:"Why it was left out, e.g. \"relevance 0.21 in 1 document: below the threshold 0.35\"."`
	Evidence  []LibraryEvidenceBody `json:"evidence" doc:"The best sentence that matched it, if any."`
}

// ConsideredOutput lists the catalog competencies a version left out.
type ConsideredOutput struct {
	Body struct {
		Version int              `json:"version"`
		Items   []ConsideredBody `json:"items" doc:"Every catalog competency the documents or a role framework suggested and the build left out, in slug order (the full list: at most the catalog's size)."`
	}
}

func (s *Server) registerLibraryConsidered(tags []string) {
	huma.Register(s.api, huma.Operation{
		OperationID: "list-library-considered", Method: http.MethodGet, Path: "/v1/library/versions/{n}/considered",
		Summary: "Catalog competencies a version considered and left out, with the reasons",
		Description: "Admins only. Each catalog competency the documents matched or a suggested role framework named, " +
			"that the version does not hold, with why (relevance below its threshold, another industry's competency " +
			"without strong evidence, no evidence for a suggested role's competency).",
		Tags: tags,
	}, s.listLibraryConsidered)
}

func (s *Server) listLibraryConsidered(ctx context.Context, in *LibraryVersionInput) (*ConsideredOutput, error) {
	_, v, x, err := s.libraryVersion(ctx, in.N, "list considered competencies", tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	out := &ConsideredOutput{}
	out.Body.Version = v.Version
	out.Body.Items = make([]ConsideredBody, 0, len(v.Considered))
	for _, c := range v.Considered {
		out.Body.Items = append(out.Body.Items, toConsideredBody(c, x))
	}
	return out, nil
}

func toConsideredBody(c library.Considered, x excerpts) ConsideredBody {
	return ConsideredBody{Slug: c.Slug, Name: c.Name, Category: c.Category.String(), Relevance: c.Relevance,
		Reason: c.Reason, Evidence: toEvidenceBodies(c.Evidence, x)}
}
