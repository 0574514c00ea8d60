package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// The library.changed kinds of change. "restored" (a retired competency made
// active again) and "rebuild" (POST /v1/library/rebuild) add to the kinds
// the event schema first listed.
const (
	changeCreated  = "created"
	changeEdited   = "edited"
	changeApproved = "approved"
	changeRestored = "restored"
	changeRetired  = "retired"
	changePinned   = "pinned"
	changeUnpinned = "unpinned"
	changeRebuild  = "rebuild"
	curationLock   = "library-curation"
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

// deriveSlug makes a slug from a name: lowercase ASCII letters and digits,
// words joined by single hyphens, at most competency.MaxSlugLen long.
func deriveSlug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	s := b.String()
	if len(s) > competency.MaxSlugLen {
		s = strings.TrimRight(s[:competency.MaxSlugLen], "-")
	}
	return s
}

// overrideProblem turns a ValidateOverride error into a 422.
func overrideProblem(err error) error {
	return problem(http.StatusUnprocessableEntity, "invalid-override", strings.TrimPrefix(err.Error(), library.ErrInvalidOverride.Error()+": "))
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

// curate stores o in one transaction with the context revision bump, the
// audit entry and one library.changed per change, under the tenant's
// curation lock (so that concurrent edits of one override do not lose each
// other). prepare runs first, under the lock, and may refuse.
func (s *Server) curate(ctx context.Context, p tenants.Principal, action string, prepare func(tx *store.Tx) (library.Override, []string, error)) (CurationBody, error) {
	var body CurationBody
	err := s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		if err := tx.LockTenant(curationLock); err != nil {
			return err
		}
		o, changes, err := prepare(tx)
		if err != nil {
			return err
		}
		if err := library.ValidateOverride(o); err != nil {
			return overrideProblem(err)
		}
		if err := tx.PutOverride(o, p.Subject); err != nil {
			return err
		}
		rev, err := tx.BumpContextRevision()
		if err != nil {
			return err
		}
		if err := tx.Audit(p.Subject, action, "competency/"+o.Slug, map[string]any{"slug": o.Slug, "changes": changes}); err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := tx.Emit(events.TypeLibraryChanged, o.Slug, events.LibraryChanged{Slug: o.Slug, Change: c, ContextRevision: rev}); err != nil {
				return err
			}
		}
		body = CurationBody{Override: toOverrideBody(o), Changes: changes, ContextRevision: rev}
		return nil
	})
	return body, err
}

func (s *Server) createCompetency(ctx context.Context, in *CreateCompetencyInput) (*CurationOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cat, err := competency.ParseCategory(in.Body.Category)
	if err != nil {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "unknown category "+quote(in.Body.Category))
	}
	slug := strings.TrimSpace(in.Body.Slug)
	if slug == "" {
		slug = deriveSlug(in.Body.Name)
	}
	if !competency.ValidSlug(slug) {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "slug "+quote(slug)+" is not a slug: lowercase letters and digits in words joined by single hyphens, at most 64 characters",
			&huma.ErrorDetail{Location: "body.slug", Message: "invalid slug", Value: truncate(slug, 80)})
	}
	o := library.Override{Slug: slug, Custom: true, Name: strings.TrimSpace(in.Body.Name), Category: cat,
		Description: strings.TrimSpace(in.Body.Description), Pinned: in.Body.Pinned}
	for i, d := range in.Body.Descriptors {
		o.Descriptors[i] = strings.TrimSpace(d)
		if o.Descriptors[i] == "" {
			return nil, problem(http.StatusUnprocessableEntity, "validation", "every level needs a descriptor",
				&huma.ErrorDetail{Location: "body.descriptors[" + strconv.Itoa(i) + "]", Message: "must not be empty"})
		}
	}
	if _, ok := catalog.Default().Competency(slug); ok {
		return nil, problem(http.StatusConflict, "", "the catalog already has a competency "+quote(slug))
	}
	changes := []string{changeCreated}
	if o.Pinned {
		changes = append(changes, changePinned)
	}
	body, err := s.curate(ctx, p, "library.competency.create", func(tx *store.Tx) (library.Override, []string, error) {
		if _, err := tx.Override(slug); err == nil {
			return o, nil, problem(http.StatusConflict, "", "the library already has an override or custom competency "+quote(slug))
		} else if !errors.Is(err, store.ErrNotFound) {
			return o, nil, err
		}
		latest, err := tx.LatestLibrary()
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return o, nil, err
		}
		if _, ok := latest.Competency(slug); ok {
			return o, nil, problem(http.StatusConflict, "", "the library already has a competency "+quote(slug))
		}
		return o, changes, nil
	})
	if err != nil {
		return nil, s.fail(ctx, "create competency", err)
	}
	return &CurationOutput{Status: http.StatusCreated, Body: body}, nil
}

func (s *Server) patchCompetency(ctx context.Context, in *PatchCompetencyInput) (*CurationOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	slug := in.Slug
	if !competency.ValidSlug(slug) {
		return nil, problem(http.StatusNotFound, "", "no competency "+quote(truncate(slug, 80)))
	}
	b := in.Body
	if b.Status == nil && b.Name == nil && b.Description == nil && b.Descriptors == nil && b.Pinned == nil {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "give at least one of status, name, description, descriptors, pinned")
	}
	if b.Name != nil && strings.TrimSpace(*b.Name) == "" || b.Description != nil && strings.TrimSpace(*b.Description) == "" {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "name and description must not be blank")
	}
	body, err := s.curate(ctx, p, "library.competency.update", func(tx *store.Tx) (library.Override, []string, error) {
		o := library.Override{Slug: slug}
		rec, err := tx.Override(slug)
		switch {
		case err == nil:
			o = rec.Override
		case !errors.Is(err, store.ErrNotFound):
			return o, nil, err
		}
		latest, err := tx.LatestLibrary()
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return o, nil, err
		}
		built, inLibrary := latest.Competency(slug)
		_, inCatalog := catalog.Default().Competency(slug)
		if !inLibrary && !inCatalog && !o.Custom {
			return o, nil, problem(http.StatusNotFound, "", "no competency "+quote(slug)+" in the library, the catalog or the custom competencies")
		}
		return patchOverride(o, built, inLibrary, b.Status, b.Name, b.Description, b.Descriptors, b.Pinned)
	})
	if err != nil {
		return nil, s.fail(ctx, "patch competency", err)
	}
	return &CurationOutput{Status: http.StatusOK, Body: body}, nil
}

// patchOverride applies a PATCH to the stored override o of a competency
// (built is its latest library form, when inLibrary) and names the kinds of
// change it makes.
func patchOverride(o library.Override, built library.Competency, inLibrary bool, status, name, description *string, descriptors []string, pinned *bool) (library.Override, []string, error) {
	var changes []string
	if status != nil {
		switch library.Status(*status) {
		case library.StatusActive:
			switch {
			case inLibrary && built.Status == library.StatusRetired, o.Status == library.StatusRetired:
				changes = append(changes, changeRestored)
			default:
				changes = append(changes, changeApproved)
			}
			o.Status = library.StatusActive
		case library.StatusRetired:
			changes = append(changes, changeRetired)
			o.Status = library.StatusRetired
		default:
			return o, nil, problem(http.StatusUnprocessableEntity, "validation", "status must be active or retired",
				&huma.ErrorDetail{Location: "body.status", Message: "valid values: active, retired", Value: truncate(*status, 40)})
		}
	}
	edited := false
	if name != nil {
		o.Name, edited = strings.TrimSpace(*name), true
	}
	if description != nil {
		o.Description, edited = strings.TrimSpace(*description), true
	}
	if descriptors != nil {
		for i, d := range descriptors {
			if d = strings.TrimSpace(d); d != "" {
				o.Descriptors[i], edited = d, true
			}
		}
	}
	if edited {
		changes = append(changes, changeEdited)
	}
	if pinned != nil {
		if *pinned {
			changes = append(changes, changePinned)
		} else {
			changes = append(changes, changeUnpinned)
		}
		o.Pinned = *pinned
	}
	if len(changes) == 0 {
		return o, nil, problem(http.StatusUnprocessableEntity, "validation", "the request changes nothing")
	}
	return o, changes, nil
}

func (s *Server) rebuildLibrary(ctx context.Context, _ *struct{}) (*RebuildOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var rev int64
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		if rev, err = tx.BumpContextRevision(); err != nil {
			return err
		}
		if err := tx.Audit(p.Subject, "library.rebuild", "library", nil); err != nil {
			return err
		}
		_, err := tx.Emit(events.TypeLibraryChanged, p.Tenant.String(), events.LibraryChanged{Change: changeRebuild, ContextRevision: rev})
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "rebuild library", err)
	}
	out := &RebuildOutput{Status: http.StatusAccepted}
	out.Body.ContextRevision = rev
	return out, nil
}
