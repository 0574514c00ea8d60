package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants/store"
)

// TailoredCompetency is one competency of a tailored framework: the catalog
// framework's shape, plus the evidence behind it and why it is there.
type TailoredCompetency struct {
	FrameworkCompetency
	Evidence []LibraryEvidenceBody `json:"evidence,omitempty"`
	Reason   string                `json:"reason,omitempty"`
}

// TailoredFrameworkBody is a role framework tailored to the company, at one
// tier. Tailored is false when the company's library has no framework for
// the role yet (no library, or nobody held the role at the last build) and
// the catalog framework for the company's industry stands in for it.
type TailoredFrameworkBody struct {
	Role           RoleRef              `json:"role"`
	Industry       string               `json:"industry"`
	Tier           string               `json:"tier"`
	Description    string               `json:"description"`
	Tailored       bool                 `json:"tailored"`
	LibraryVersion int                  `json:"library_version" doc:"The library version the framework comes from (0: none yet)."`
	Reason         string               `json:"reason,omitempty"`
	Competencies   []TailoredCompetency `json:"competencies"`
}

// TailoredFrameworkInput selects a tailored framework.
type TailoredFrameworkInput struct {
	Role string `path:"role"`
	Tier string `query:"tier" doc:"entry, mid or senior (default mid)."`
}

// TailoredFrameworkOutput answers with a tailored framework.
type TailoredFrameworkOutput struct {
	Body TailoredFrameworkBody
}

func (s *Server) registerFrameworks() {
	huma.Register(s.api, huma.Operation{
		OperationID: "get-framework", Method: http.MethodGet, Path: "/v1/frameworks/{role}",
		Summary:     "The company-tailored framework of a role",
		Description: "The framework of the latest library version at a tier: the catalog framework's shape, with the adjustments (and their reasons) and the evidence behind each competency; retired and proposed competencies are left out. Without a tailored framework for the role, the catalog framework for the company's industry (tailored: false). Unknown role: 404. Analysts see no document excerpts; managers and employees only those of documents visible to everyone.",
		Tags:        []string{"library"},
	}, s.getFramework)
}

func parseTier(s string) (competency.Tier, error) {
	if s == "" {
		return competency.TierMid, nil
	}
	t, err := competency.ParseTier(s)
	if err != nil {
		return 0, problem(http.StatusBadRequest, "invalid-tier", "unknown tier "+quote(s)+"; valid tiers: entry, mid, senior",
			&huma.ErrorDetail{Location: "query.tier", Message: "valid values: entry, mid, senior", Value: truncate(s, 40)})
	}
	return t, nil
}

func (s *Server) getFramework(ctx context.Context, in *TailoredFrameworkInput) (*TailoredFrameworkOutput, error) {
	p, err := tenantPrincipal(ctx, anyTenantRole...)
	if err != nil {
		return nil, err
	}
	tier, err := parseTier(in.Tier)
	if err != nil {
		return nil, err
	}
	if !competency.ValidSlug(in.Role) {
		return nil, problem(http.StatusNotFound, "", "no role "+quote(truncate(in.Role, 80)))
	}
	var out TailoredFrameworkBody
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		latest, err := tx.LatestLibrary()
		hasLatest := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if hasLatest {
			if rf, ok := latest.RoleFramework(in.Role); ok {
				x, err := excerptsFor(tx, p)
				if err != nil {
					return err
				}
				x = x.of(latest.Library)
				f, _ := latest.Framework(in.Role)
				out = tailoredBody(rf, tier)
				out.Tailored, out.LibraryVersion, out.Reason = true, latest.Version, x.scrub(f.Reason)
				entries := make(map[string]library.FrameworkEntry, len(f.Competencies))
				for _, e := range f.Competencies {
					entries[e.Slug] = e
				}
				for i, c := range out.Competencies {
					e := entries[c.Slug]
					out.Competencies[i].Reason = x.scrub(e.Reason)
					for j, a := range c.Adjustments {
						out.Competencies[i].Adjustments[j].Reason = x.scrub(a.Reason)
					}
					if len(e.Evidence) > 0 {
						out.Competencies[i].Evidence = toEvidenceBodies(e.Evidence, x)
					}
				}
				return nil
			}
		}
		t, err := tx.LoadTenant()
		if err != nil {
			return err
		}
		rf, err := catalog.Default().Framework(in.Role, competency.Industry(t.Industry))
		if err != nil {
			return problem(http.StatusNotFound, "", "no role "+quote(in.Role)+" in the library or the catalog")
		}
		out = tailoredBody(rf, tier)
		out.LibraryVersion = latest.Version
		return nil
	})
	if err != nil {
		return nil, s.fail(ctx, "get framework", err)
	}
	return &TailoredFrameworkOutput{Body: out}, nil
}

func tailoredBody(rf competency.RoleFramework, tier competency.Tier) TailoredFrameworkBody {
	fb := FrameworkBodyFrom(rf, tier)
	b := TailoredFrameworkBody{Role: fb.Role, Industry: fb.Industry, Tier: fb.Tier, Description: fb.Description,
		Competencies: make([]TailoredCompetency, 0, len(fb.Competencies))}
	for _, c := range fb.Competencies {
		b.Competencies = append(b.Competencies, TailoredCompetency{FrameworkCompetency: c})
	}
	return b
}
