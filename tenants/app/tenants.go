package app

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// NewTenant is a company as the platform operator registers it.
type NewTenant struct {
	// Name is the company's name; Slug is derived from it when empty.
	Name, Slug, Industry string
}

var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// slugify derives a tenant slug from a name.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 63 {
		s = strings.Trim(s[:63], "-")
	}
	return s
}

// CreateTenant registers a company (the platform operator, outside any
// tenant). Its audit entry and tenant.created are written in the
// transaction that creates it, in the new tenant. A taken slug is the
// Conflict "slug-taken".
func (a *App) CreateTenant(ctx context.Context, p tenants.Principal, in NewTenant) (store.Tenant, error) {
	if err := authorizePlatform(p); err != nil {
		return store.Tenant{}, err
	}
	if !p.IsPlatform() {
		return store.Tenant{}, refuse(Forbidden, "", "only the platform operator creates tenants")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || !ValidName(name) {
		return store.Tenant{}, invalid("name must be one non-empty line without control or bidirectional formatting characters",
			Field{Location: "body.name", Message: "invalid name"})
	}
	industry, err := catalog.Default().ParseIndustry(in.Industry)
	if err != nil {
		return store.Tenant{}, invalid(err.Error(), Field{Location: "body.industry", Message: err.Error(), Value: in.Industry})
	}
	slug := in.Slug
	if slug == "" {
		slug = slugify(name)
	}
	if !slugRE.MatchString(slug) {
		return store.Tenant{}, invalid("slug must be lowercase letters, digits and dashes (1–63)",
			Field{Location: "body.slug", Message: "invalid slug", Value: slug})
	}
	t := store.Tenant{ID: tenants.NewID(), Name: name, Slug: slug, Industry: string(industry), CreatedAt: a.now().UTC().Truncate(time.Microsecond)}
	err = a.store.CreateTenant(ctx, t, func(stx *store.Tx) error {
		_, err := (&tx{Tx: stx, app: a, actor: p}).record(change{Action: "tenant.create", Resource: "tenant/" + t.ID.String(),
			Detail: map[string]any{"slug": slug},
			Events: func(int64) []store.PendingEvent {
				return event(events.TypeTenantCreated, t.ID.String(), events.TenantCreated{Name: name, Slug: slug, Industry: string(industry)})
			}})
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return store.Tenant{}, refuse(Conflict, "slug-taken", "a tenant with this slug exists")
	}
	return t, err
}

// DeleteTenant erases a tenant and everything of it (the platform
// operator) and records tenant.deleted in the same transaction. It writes
// no audit entry: the tenant's audit log is erased with it.
func (a *App) DeleteTenant(ctx context.Context, p tenants.Principal, id tenants.ID) error {
	if err := authorizePlatform(p); err != nil {
		return err
	}
	if !p.IsPlatform() {
		return refuse(Forbidden, "", "only the platform operator deletes tenants")
	}
	err := a.store.DeleteTenant(ctx, id, func(stx *store.Tx, t store.Tenant) error {
		return (&tx{Tx: stx, app: a, actor: p}).emit(event(events.TypeTenantDeleted, id.String(), events.TenantDeleted{Slug: t.Slug})...)
	})
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	return err
}

// AuthorizeTenants checks that p may create or delete tenants (the platform
// operator), for adapters that check the role before they parse the
// request.
func (a *App) AuthorizeTenants(p tenants.Principal) error { return authorizePlatform(p) }
