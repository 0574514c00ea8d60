package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/domain/people"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// The library.changed kinds of change. "restored" (a retired competency made
// active again) and "rebuild" (a rebuild asked for) add to the kinds the
// event schema first listed.
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

// NewCompetency is a custom competency as an admin writes it.
type NewCompetency struct {
	// Slug is derived from Name when empty.
	Slug, Name, Category, Description string
	// Descriptors are the five level descriptors, Basic to Expert.
	Descriptors []string
	Pinned      bool
}

// CompetencyPatch changes a competency's override: each field given
// changes one thing.
type CompetencyPatch struct {
	// Status "active" approves a proposal or restores a retired
	// competency; "retired" retires it.
	Status, Name, Description *string
	// Descriptors are five level descriptors; an empty one keeps that
	// level's.
	Descriptors []string
	Pinned      *bool
}

// Curation is the result of a curation write: the stored override, the
// kinds of change it made and the context revision a library version must
// reach to reflect it.
type Curation struct {
	Override        library.Override
	Changes         []string
	ContextRevision int64
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

// fiveDescriptors refuses descriptors that are not one per level.
func fiveDescriptors(d []string) error {
	if len(d) != len(library.Override{}.Descriptors) {
		return invalid("give five level descriptors, Basic to Expert", Field{Location: "body.descriptors", Message: "must have 5 items"})
	}
	return nil
}

// CreateCompetency stores the company's own competency (admin) as an
// override every library build keeps. A slug taken by the catalog, the
// latest library or another override is a Conflict.
func (a *App) CreateCompetency(ctx context.Context, p tenants.Principal, in NewCompetency) (Curation, error) {
	if err := authorize(p, tenants.RoleAdmin); err != nil {
		return Curation{}, err
	}
	cat, err := competency.ParseCategory(in.Category)
	if err != nil {
		return Curation{}, invalid("unknown category " + Quote(in.Category))
	}
	slug := strings.TrimSpace(in.Slug)
	if slug == "" {
		slug = deriveSlug(in.Name)
	}
	if !competency.ValidSlug(slug) {
		return Curation{}, invalid("slug "+Quote(slug)+" is not a slug: lowercase letters and digits in words joined by single hyphens, at most 64 characters",
			Field{Location: "body.slug", Message: "invalid slug", Value: people.Clip(slug, 80)})
	}
	if err := fiveDescriptors(in.Descriptors); err != nil {
		return Curation{}, err
	}
	o := library.Override{Slug: slug, Custom: true, Name: strings.TrimSpace(in.Name), Category: cat,
		Description: strings.TrimSpace(in.Description), Pinned: in.Pinned}
	for i, d := range in.Descriptors {
		o.Descriptors[i] = strings.TrimSpace(d)
		if o.Descriptors[i] == "" {
			return Curation{}, invalid("every level needs a descriptor",
				Field{Location: "body.descriptors[" + strconv.Itoa(i) + "]", Message: "must not be empty"})
		}
	}
	if _, ok := catalog.Default().Competency(slug); ok {
		return Curation{}, refuse(Conflict, "", "the catalog already has a competency "+Quote(slug))
	}
	changes := []string{changeCreated}
	if o.Pinned {
		changes = append(changes, changePinned)
	}
	return a.curate(ctx, p, "library.competency.create", func(tx *tx) (library.Override, []string, error) {
		if _, err := tx.Override(slug); err == nil {
			return o, nil, refuse(Conflict, "", "the library already has an override or custom competency "+Quote(slug))
		} else if !errors.Is(err, store.ErrNotFound) {
			return o, nil, err
		}
		latest, err := tx.LatestLibrary()
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return o, nil, err
		}
		if _, ok := latest.Competency(slug); ok {
			return o, nil, refuse(Conflict, "", "the library already has a competency "+Quote(slug))
		}
		return o, changes, nil
	})
}

// PatchCompetency changes the override of a competency of the latest
// library, the catalog, or a custom one (admin; NotFound otherwise), with
// one library.changed per kind of change.
func (a *App) PatchCompetency(ctx context.Context, p tenants.Principal, slug string, in CompetencyPatch) (Curation, error) {
	if err := authorize(p, tenants.RoleAdmin); err != nil {
		return Curation{}, err
	}
	if !competency.ValidSlug(slug) {
		return Curation{}, refuse(NotFound, "", "no competency "+Quote(people.Clip(slug, 80)))
	}
	if in.Status == nil && in.Name == nil && in.Description == nil && in.Descriptors == nil && in.Pinned == nil {
		return Curation{}, invalid("give at least one of status, name, description, descriptors, pinned")
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" || in.Description != nil && strings.TrimSpace(*in.Description) == "" {
		return Curation{}, invalid("name and description must not be blank")
	}
	if in.Descriptors != nil {
		if err := fiveDescriptors(in.Descriptors); err != nil {
			return Curation{}, err
		}
	}
	return a.curate(ctx, p, "library.competency.update", func(tx *tx) (library.Override, []string, error) {
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
			return o, nil, refuse(NotFound, "", "no competency "+Quote(slug)+" in the library, the catalog or the custom competencies")
		}
		return patchOverride(o, built, inLibrary, in)
	})
}

// keepProposal copies a document-born proposal's name, description and
// level descriptors into the override approving it (where the admin set
// none), so that the approved competency survives a rebuild whose
// documents no longer raise it.
func keepProposal(o library.Override, built library.Competency) library.Override {
	if o.Name == "" {
		o.Name = people.Clip(built.Name, library.MaxOverrideNameLen)
	}
	if o.Description == "" {
		o.Description = people.Clip(built.Description, library.MaxOverrideDescriptionLen)
	}
	for _, l := range built.Levels {
		if i := l.Level - 1; i >= 0 && i < 5 && o.Descriptors[i] == "" {
			o.Descriptors[i] = people.Clip(l.Descriptor, library.MaxOverrideDescriptorLen)
		}
	}
	return o
}

// patchOverride applies a patch to the stored override o of a competency
// (built is its latest library form, when inLibrary) and names the kinds of
// change it makes.
func patchOverride(o library.Override, built library.Competency, inLibrary bool, in CompetencyPatch) (library.Override, []string, error) {
	var changes []string
	if in.Status != nil {
		switch library.Status(*in.Status) {
		case library.StatusActive:
			switch {
			case inLibrary && built.Status == library.StatusRetired, o.Status == library.StatusRetired:
				changes = append(changes, changeRestored)
			default:
				changes = append(changes, changeApproved)
			}
			if inLibrary && built.Origin == library.OriginDocument && built.Status == library.StatusProposed {
				o = keepProposal(o, built)
			}
			o.Status = library.StatusActive
		case library.StatusRetired:
			changes = append(changes, changeRetired)
			o.Status = library.StatusRetired
		default:
			return o, nil, invalid("status must be active or retired",
				Field{Location: "body.status", Message: "valid values: active, retired", Value: people.Clip(*in.Status, 40)})
		}
	}
	edited := false
	if in.Name != nil {
		o.Name, edited = strings.TrimSpace(*in.Name), true
	}
	if in.Description != nil {
		o.Description, edited = strings.TrimSpace(*in.Description), true
	}
	for i, d := range in.Descriptors {
		if d = strings.TrimSpace(d); d != "" {
			o.Descriptors[i], edited = d, true
		}
	}
	if edited {
		changes = append(changes, changeEdited)
	}
	if in.Pinned != nil {
		if *in.Pinned {
			changes = append(changes, changePinned)
		} else {
			changes = append(changes, changeUnpinned)
		}
		o.Pinned = *in.Pinned
	}
	if len(changes) == 0 {
		return o, nil, invalid("the request changes nothing")
	}
	return o, changes, nil
}

// curate stores the override prepare makes, with the context revision
// bump, the audit entry and one library.changed per kind of change, under
// the tenant's curation lock (so that concurrent edits of one override do
// not lose each other). prepare runs first, under the lock, and may refuse.
func (a *App) curate(ctx context.Context, p tenants.Principal, action string, prepare func(tx *tx) (library.Override, []string, error)) (Curation, error) {
	var out Curation
	err := a.inTenant(ctx, p, func(tx *tx) error {
		if err := tx.LockTenant(curationLock); err != nil {
			return err
		}
		o, changes, err := prepare(tx)
		if err != nil {
			return err
		}
		if err := library.ValidateOverride(o); err != nil {
			return refuse(Invalid, "invalid-override", strings.TrimPrefix(err.Error(), library.ErrInvalidOverride.Error()+": "))
		}
		if err := tx.PutOverride(o, p.Subject); err != nil {
			return err
		}
		rev, err := tx.record(change{Action: action, Resource: "competency/" + o.Slug,
			Detail: map[string]any{"slug": o.Slug, "changes": changes}, Context: true,
			Events: func(rev int64) []store.PendingEvent {
				pending := make([]store.PendingEvent, len(changes))
				for i, c := range changes {
					pending[i] = store.PendingEvent{Type: events.TypeLibraryChanged, Resource: o.Slug,
						Data: events.LibraryChanged{Slug: o.Slug, Change: c, ContextRevision: rev}}
				}
				return pending
			}})
		out = Curation{Override: o, Changes: changes, ContextRevision: rev}
		return err
	})
	return out, err
}

// RebuildLibrary asks for a library build (admin): it bumps the context
// revision and emits library.changed, so that the builder examines the
// inputs again. It returns the revision the next examination covers.
func (a *App) RebuildLibrary(ctx context.Context, p tenants.Principal) (int64, error) {
	if err := authorize(p, tenants.RoleAdmin); err != nil {
		return 0, err
	}
	var rev int64
	err := a.inTenant(ctx, p, func(tx *tx) (err error) {
		rev, err = tx.record(change{Action: "library.rebuild", Resource: "library", Context: true,
			Events: func(rev int64) []store.PendingEvent {
				return event(events.TypeLibraryChanged, p.Tenant.String(), events.LibraryChanged{Change: changeRebuild, ContextRevision: rev})
			}})
		return err
	})
	return rev, err
}
