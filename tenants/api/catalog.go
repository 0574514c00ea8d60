package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
)

// RoleRef names a role.
type RoleRef struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// CatalogRoleBody is a catalog role with the industries it has frameworks for.
type CatalogRoleBody struct {
	RoleRef
	Description string   `json:"description"`
	Industries  []string `json:"industries"`
}

// CatalogRolesOutput lists the catalog's roles.
type CatalogRolesOutput struct {
	Body struct {
		Version    string            `json:"catalog_version"`
		Industries []string          `json:"industries"`
		Items      []CatalogRoleBody `json:"items"`
	}
}

// Required is the selected tier's level with its label.
type Required struct {
	Level int    `json:"level"`
	Label string `json:"label"`
}

// AdjustmentBody is a recorded change to a catalog level.
type AdjustmentBody struct {
	Tier   string `json:"tier"`
	From   int    `json:"from"`
	To     int    `json:"to"`
	Reason string `json:"reason"`
}

// FrameworkCompetency is one competency of a framework.
type FrameworkCompetency struct {
	Slug        string            `json:"slug"`
	Name        string            `json:"name"`
	Category    string            `json:"category"`
	Description string            `json:"description"`
	Group       string            `json:"group" enum:"primary,supporting"`
	Levels      competency.Levels `json:"levels"`
	Required    Required          `json:"required"`
	Adjustments []AdjustmentBody  `json:"adjustments,omitempty"`
}

// FrameworkBody is a role framework at one tier.
type FrameworkBody struct {
	Role         RoleRef               `json:"role"`
	Industry     string                `json:"industry"`
	Tier         string                `json:"tier"`
	Description  string                `json:"description"`
	Competencies []FrameworkCompetency `json:"competencies"`
}

// FrameworkInput selects a catalog framework.
type FrameworkInput struct {
	Role     string `path:"role"`
	Industry string `query:"industry" doc:"A catalog industry; default: the role's base framework."`
	Tier     string `query:"tier" doc:"entry, mid or senior (default mid)."`
}

// FrameworkOutput answers with a framework.
type FrameworkOutput struct {
	Body FrameworkBody
}

// LevelBody is one level of a competency.
type LevelBody struct {
	Level      int    `json:"level"`
	Label      string `json:"label"`
	Descriptor string `json:"descriptor"`
}

// CatalogCompetencyOutput is one catalog competency.
type CatalogCompetencyOutput struct {
	Body struct {
		Slug        string                                   `json:"slug"`
		Name        string                                   `json:"name"`
		Category    string                                   `json:"category"`
		Description string                                   `json:"description"`
		Origin      string                                   `json:"origin"`
		Levels      []LevelBody                              `json:"levels"`
		Keywords    []string                                 `json:"keywords"`
		Aliases     []string                                 `json:"aliases"`
		Actions     map[competency.Level][]competency.Action `json:"actions"`
	}
}

// MatchInput is a job title to match.
type MatchInput struct {
	Title string `query:"title" required:"true" minLength:"1" maxLength:"200"`
}

// MatchOutput is the best catalog role for a title, if any.
type MatchOutput struct {
	Body struct {
		Title   string   `json:"title"`
		Matched bool     `json:"matched"`
		Role    *RoleRef `json:"role,omitempty"`
		Score   float64  `json:"score"`
		Via     string   `json:"via,omitempty"`
	}
}

func (s *Server) registerCatalog() {
	tags := []string{"catalog"}
	huma.Register(s.api, huma.Operation{OperationID: "catalog-roles", Method: http.MethodGet, Path: "/v1/catalog/roles",
		Summary: "Catalog roles with their industries", Tags: tags}, s.catalogRoles)
	huma.Register(s.api, huma.Operation{OperationID: "catalog-framework", Method: http.MethodGet, Path: "/v1/catalog/frameworks/{role}",
		Summary: "The generic framework of a role, for an industry and tier", Tags: tags}, s.catalogFramework)
	huma.Register(s.api, huma.Operation{OperationID: "catalog-competency", Method: http.MethodGet, Path: "/v1/catalog/competencies/{slug}",
		Summary: "A catalog competency with its five levels", Tags: tags}, s.catalogCompetency)
	huma.Register(s.api, huma.Operation{OperationID: "catalog-match", Method: http.MethodGet, Path: "/v1/catalog/match",
		Summary: "Match a job title to a catalog role", Tags: tags}, s.catalogMatch)
}

// anyRole is every role, platform included: the catalog is public to any
// authenticated caller.
var anyRole = tenants.Roles

func industryStrings(inds []competency.Industry) []string {
	out := make([]string, len(inds))
	for i, ind := range inds {
		out[i] = string(ind)
	}
	return out
}

func (s *Server) catalogRoles(ctx context.Context, _ *struct{}) (*CatalogRolesOutput, error) {
	if _, err := principal(ctx, anyRole...); err != nil {
		return nil, err
	}
	c := catalog.Default()
	out := &CatalogRolesOutput{}
	out.Body.Version = c.Version()
	out.Body.Industries = industryStrings(c.Industries())
	for _, r := range c.Roles() {
		out.Body.Items = append(out.Body.Items, CatalogRoleBody{RoleRef: RoleRef{Slug: r.Role.Slug, Title: r.Role.Title},
			Description: r.Description, Industries: industryStrings(r.Industries)})
	}
	return out, nil
}

// FrameworkBodyFrom shapes a framework at a tier for the API.
func FrameworkBodyFrom(f competency.RoleFramework, tier competency.Tier) FrameworkBody {
	b := FrameworkBody{Role: RoleRef{Slug: f.Role.Slug, Title: f.Role.Title}, Industry: string(f.Industry), Tier: tier.String(),
		Description: f.Description, Competencies: []FrameworkCompetency{}}
	for _, e := range f.Entries {
		req := e.Levels.At(tier)
		fc := FrameworkCompetency{Slug: e.Competency.Slug, Name: e.Competency.Name, Category: e.Competency.Category.String(),
			Description: e.Competency.Description, Group: e.Group.String(), Levels: e.Levels,
			Required: Required{Level: req.Int(), Label: req.Display()}}
		for _, a := range e.Adjustments {
			fc.Adjustments = append(fc.Adjustments, AdjustmentBody{Tier: a.Tier.String(), From: a.From.Int(), To: a.To.Int(), Reason: a.Reason})
		}
		b.Competencies = append(b.Competencies, fc)
	}
	return b
}

func (s *Server) catalogFramework(ctx context.Context, in *FrameworkInput) (*FrameworkOutput, error) {
	if _, err := principal(ctx, anyRole...); err != nil {
		return nil, err
	}
	c := catalog.Default()
	tier := competency.TierMid
	if in.Tier != "" {
		t, err := competency.ParseTier(in.Tier)
		if err != nil {
			return nil, problem(http.StatusBadRequest, "invalid-tier", "unknown tier "+quote(in.Tier)+"; valid tiers: entry, mid, senior",
				&huma.ErrorDetail{Location: "query.tier", Message: "valid values: entry, mid, senior", Value: in.Tier})
		}
		tier = t
	}
	var industry competency.Industry
	if in.Industry != "" {
		ind, err := c.ParseIndustry(in.Industry)
		if err != nil {
			valid := strings.Join(industryStrings(c.Industries()), ", ")
			return nil, problem(http.StatusBadRequest, "invalid-industry", "unknown industry "+quote(in.Industry)+"; valid industries: "+valid,
				&huma.ErrorDetail{Location: "query.industry", Message: "valid values: " + valid, Value: in.Industry})
		}
		industry = ind
	}
	f, err := c.Framework(in.Role, industry)
	if errors.Is(err, catalog.ErrUnknownRole) {
		return nil, problem(http.StatusNotFound, "unknown-role", "no catalog role "+quote(in.Role)+"; see GET /v1/catalog/roles")
	}
	if err != nil {
		return nil, s.fail(ctx, "catalog framework", err)
	}
	return &FrameworkOutput{Body: FrameworkBodyFrom(f, tier)}, nil
}

func quote(s string) string { return app.Quote(s) }

func (s *Server) catalogCompetency(ctx context.Context, in *struct {
	Slug string `path:"slug"`
}) (*CatalogCompetencyOutput, error) {
	if _, err := principal(ctx, anyRole...); err != nil {
		return nil, err
	}
	comp, ok := catalog.Default().Competency(in.Slug)
	if !ok {
		return nil, problem(http.StatusNotFound, "unknown-competency", "no catalog competency "+quote(in.Slug))
	}
	out := &CatalogCompetencyOutput{}
	b := &out.Body
	b.Slug, b.Name, b.Category, b.Description, b.Origin = comp.Slug, comp.Name, comp.Category.String(), comp.Description, "catalog"
	for _, l := range competency.AllLevels() {
		b.Levels = append(b.Levels, LevelBody{Level: l.Int(), Label: l.Label(), Descriptor: comp.Descriptor(l)})
	}
	b.Keywords, b.Aliases, b.Actions = comp.Keywords, comp.Aliases, comp.Actions
	return out, nil
}

func (s *Server) catalogMatch(ctx context.Context, in *MatchInput) (*MatchOutput, error) {
	if _, err := principal(ctx, anyRole...); err != nil {
		return nil, err
	}
	out := &MatchOutput{}
	out.Body.Title = in.Title
	if m, ok := catalog.Default().Match(in.Title); ok {
		out.Body.Matched = true
		out.Body.Role = &RoleRef{Slug: m.Role.Slug, Title: m.Role.Title}
		out.Body.Score = m.Score
		out.Body.Via = m.Via
	}
	return out, nil
}
