package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants/store"
)

// LibraryEvidenceBody is one reason a competency is in the library: a sentence of
// a document (document_id, offsets into its extracted text, the excerpt and
// the matched terms) or a company value (value). Analysts never see
// excerpts (DESIGN §1: no document text for analysts).
type LibraryEvidenceBody struct {
	DocumentID string   `json:"document_id,omitempty"`
	Excerpt    string   `json:"excerpt,omitempty" doc:"A short sentence of the document; omitted for analysts."`
	Start      *int     `json:"start,omitempty" doc:"Offset of the sentence in the document's extracted text."`
	End        *int     `json:"end,omitempty"`
	Terms      []string `json:"terms,omitempty"`
	Score      float64  `json:"score,omitempty"`
	Value      string   `json:"value,omitempty" doc:"The company value this competency comes from."`
}

// ActionBody is a development action of a competency level.
type ActionBody struct {
	Kind   string `json:"kind" enum:"course,project,mentoring,reading"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// CompetencyBody is one competency of a company's library (DESIGN §7.1).
type CompetencyBody struct {
	Slug        string                  `json:"slug"`
	Name        string                  `json:"name"`
	Category    string                  `json:"category"`
	Description string                  `json:"description"`
	Origin      string                  `json:"origin" enum:"catalog,document,value,custom"`
	Status      string                  `json:"status" enum:"active,proposed,retired"`
	Pinned      bool                    `json:"pinned"`
	Relevance   float64                 `json:"relevance" minimum:"0" maximum:"1"`
	Levels      []LevelBody             `json:"levels"`
	Keywords    []string                `json:"keywords,omitempty"`
	Aliases     []string                `json:"aliases,omitempty"`
	Actions     map[string][]ActionBody `json:"actions,omitempty" doc:"Development actions by level (\"1\" to \"5\")."`
	Evidence    []LibraryEvidenceBody   `json:"evidence"`
	Reasons     []string                `json:"reasons,omitempty" doc:"Why the competency is in the library."`
}

// LibraryEntryBody is one competency of a tailored role framework in the
// library, with the levels required at every tier.
type LibraryEntryBody struct {
	Slug        string                `json:"slug"`
	Name        string                `json:"name"`
	Category    string                `json:"category"`
	Description string                `json:"description"`
	Group       string                `json:"group" enum:"primary,supporting"`
	Levels      competency.Levels     `json:"levels"`
	Adjustments []AdjustmentBody      `json:"adjustments,omitempty"`
	Evidence    []LibraryEvidenceBody `json:"evidence,omitempty"`
	Reason      string                `json:"reason,omitempty"`
}

// LibraryFrameworkBody is a role framework tailored to the company, for
// every tier (GET /v1/frameworks/{role} shows one tier).
type LibraryFrameworkBody struct {
	Role         RoleRef            `json:"role"`
	Industry     string             `json:"industry"`
	Description  string             `json:"description"`
	Reason       string             `json:"reason,omitempty"`
	Competencies []LibraryEntryBody `json:"competencies"`
}

// SummaryBody is how a version differs from the previous one.
type SummaryBody struct {
	Added   int             `json:"added"`
	Removed int             `json:"removed"`
	Changed int             `json:"changed"`
	Changes library.Changes `json:"changes" doc:"The slugs behind the counts; changed competencies name the fields that changed."`
}

// LibraryBody is one library version (DESIGN §7.1 `library`).
type LibraryBody struct {
	Version         int                    `json:"version"`
	BuiltAt         time.Time              `json:"built_at"`
	Digest          string                 `json:"digest"`
	ContextRevision int64                  `json:"context_revision"`
	CatalogVersion  string                 `json:"catalog_version"`
	Industry        string                 `json:"industry"`
	Competencies    []CompetencyBody       `json:"competencies"`
	Frameworks      []LibraryFrameworkBody `json:"frameworks"`
	Inputs          store.LibraryInputs    `json:"inputs" doc:"What the version was built from: documents (id, title, sha256), value names, employee roles, the number of overrides."`
	Summary         SummaryBody            `json:"summary"`
}

// LibraryOutput answers with one library version.
type LibraryOutput struct {
	Body LibraryBody
}

func (s *Server) registerLibrary() {
	tags := []string{"library"}
	huma.Register(s.api, huma.Operation{
		OperationID: "get-library", Method: http.MethodGet, Path: "/v1/library",
		Summary:     "The current library version",
		Description: "The newest immutable library version: competencies with origin, status, relevance, evidence and levels; the role frameworks tailored to the company; the inputs and a change summary. 404 until the first build finished. Analysts see no document excerpts; managers and employees only those of documents visible to everyone.",
		Tags:        tags,
	}, s.getLibrary)
	s.registerLibraryVersions(tags)
	s.registerLibraryConsidered(tags)
	s.registerLibraryCuration(tags)
	s.registerFrameworks()
}

func (s *Server) getLibrary(ctx context.Context, _ *struct{}) (*LibraryOutput, error) {
	p, err := tenantPrincipal(ctx, anyTenantRole...)
	if err != nil {
		return nil, err
	}
	var v store.LibraryVersion
	var x excerpts
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		if v, err = tx.LatestLibrary(); err != nil {
			return err
		}
		x, err = excerptsFor(tx, p)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get library", err)
	}
	return &LibraryOutput{Body: toLibraryBody(v, x)}, nil
}

func toLibraryBody(v store.LibraryVersion, x excerpts) LibraryBody {
	x = x.of(v.Library)
	b := LibraryBody{Version: v.Version, BuiltAt: v.BuiltAt, Digest: v.Digest, ContextRevision: v.ContextRevision,
		CatalogVersion: v.CatalogVersion, Industry: v.Industry, Competencies: make([]CompetencyBody, 0, len(v.Competencies)),
		Frameworks: make([]LibraryFrameworkBody, 0, len(v.Frameworks)), Inputs: v.Inputs, Summary: toSummaryBody(v.Summary)}
	for _, c := range v.Competencies {
		b.Competencies = append(b.Competencies, toCompetencyBody(c, x))
	}
	for _, f := range v.Frameworks {
		b.Frameworks = append(b.Frameworks, toLibraryFrameworkBody(f, x))
	}
	return b
}

func toSummaryBody(s store.LibrarySummary) SummaryBody {
	b := SummaryBody{Added: s.Added, Removed: s.Removed, Changed: s.Changed, Changes: s.Changes}
	if b.Changes.Added == nil {
		b.Changes.Added = []string{}
	}
	if b.Changes.Removed == nil {
		b.Changes.Removed = []string{}
	}
	if b.Changes.Changed == nil {
		b.Changes.Changed = []library.Change{}
	}
	return b
}

func toCompetencyBody(c library.Competency, x excerpts) CompetencyBody {
	b := CompetencyBody{Slug: c.Slug, Name: c.Name, Category: c.Category.String(), Description: c.Description, Origin: string(c.Origin),
		Status: string(c.Status), Pinned: c.Pinned, Relevance: c.Relevance, Levels: make([]LevelBody, 0, len(c.Levels)),
		Keywords: c.Keywords, Aliases: c.Aliases, Evidence: toEvidenceBodies(c.Evidence, x), Reasons: scrubAll(c.Reasons, x)}
	for _, l := range c.Levels {
		b.Levels = append(b.Levels, LevelBody{Level: l.Level, Label: l.Label, Descriptor: l.Descriptor})
	}
	if len(c.Actions) > 0 {
		b.Actions = make(map[string][]ActionBody, len(c.Actions))
		for l, as := range c.Actions {
			out := make([]ActionBody, 0, len(as))
			for _, a := range as {
				out = append(out, ActionBody{Kind: a.Kind.String(), Title: a.Title, Detail: a.Detail})
			}
			b.Actions[strconv.Itoa(l.Int())] = out
		}
	}
	return b
}

func toEvidenceBodies(es []library.Evidence, x excerpts) []LibraryEvidenceBody {
	out := make([]LibraryEvidenceBody, 0, len(es))
	for _, e := range es {
		b := LibraryEvidenceBody{DocumentID: e.DocumentID, Terms: e.Terms, Score: e.Score, Value: e.Value}
		if e.DocumentID != "" {
			start, end := e.Start, e.End
			b.Start, b.End = &start, &end
			if x.shows(e.DocumentID) {
				b.Excerpt = e.Excerpt
			}
		}
		out = append(out, b)
	}
	return out
}

func toAdjustmentBodies(as []competency.Adjustment, x excerpts) []AdjustmentBody {
	var out []AdjustmentBody
	for _, a := range as {
		out = append(out, AdjustmentBody{Tier: a.Tier.String(), From: a.From.Int(), To: a.To.Int(), Reason: x.scrub(a.Reason)})
	}
	return out
}

func toLibraryFrameworkBody(f library.Framework, x excerpts) LibraryFrameworkBody {
	b := LibraryFrameworkBody{Role: RoleRef{Slug: f.Role.Slug, Title: f.Role.Title}, Industry: f.Industry, Description: x.scrub(f.Description),
		Reason: x.scrub(f.Reason), Competencies: make([]LibraryEntryBody, 0, len(f.Competencies))}
	for _, e := range f.Competencies {
		eb := LibraryEntryBody{Slug: e.Slug, Name: e.Name, Category: e.Category.String(), Description: e.Description, Group: e.Group.String(),
			Levels: e.Levels, Adjustments: toAdjustmentBodies(e.Adjustments, x), Reason: x.scrub(e.Reason)}
		if len(e.Evidence) > 0 {
			eb.Evidence = toEvidenceBodies(e.Evidence, x)
		}
		b.Competencies = append(b.Competencies, eb)
	}
	return b
}

// scrubAll scrubs every text of ss (see excerpts.scrub).
func scrubAll(ss []string, x excerpts) []string {
	if len(x.withheld) == 0 {
		return ss
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = x.scrub(s)
	}
	return out
}
