// Package tenants holds what every tenant-scoped part of Cadre shares: the
// tenant ID, the roles of the JWT `roles` claim, and the authenticated
// principal carried in a request's context.
package tenants

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cadrehq/cadre/domain/tenant"
)

// ID identifies a tenant (a company). The zero ID is no tenant. It is
// tenant.ID, declared in domain so that the events package below tenants can
// name it too.
type ID = tenant.ID

// ErrInvalidID reports a string that is not a tenant ID.
var ErrInvalidID = tenant.ErrInvalidID

// ParseID parses the canonical UUID form of a tenant ID.
func ParseID(s string) (ID, error) { return tenant.ParseID(s) }

// NewID returns a fresh, time-ordered tenant ID (UUIDv7).
func NewID() ID { return tenant.NewID() }

// Role is one value of the JWT `roles` claim.
type Role string

// The roles of DESIGN §1.
const (
	RolePlatformAdmin Role = "platform_admin"
	RoleAdmin         Role = "admin"
	RoleManager       Role = "manager"
	RoleEmployee      Role = "employee"
	RoleAnalyst       Role = "analyst"
)

// Roles lists every known role.
var Roles = []Role{RolePlatformAdmin, RoleAdmin, RoleManager, RoleEmployee, RoleAnalyst}

// ParseRole checks that s is a known role.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if slices.Contains(Roles, r) {
		return r, nil
	}
	return "", fmt.Errorf("tenants: unknown role %q", s)
}

// Principal is the authenticated caller: who they are, which tenant they act
// in (zero for a platform admin) and their roles.
type Principal struct {
	Subject string
	Tenant  ID
	Roles   []Role
	// Expires is when the credential that proved it stops being accepted
	// (a token's exp plus the tolerated clock skew); zero when not known.
	// A long-lived response, such as an event stream, ends then.
	Expires time.Time
}

// Has reports whether the principal holds any of the given roles.
func (p Principal) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// IsPlatform reports whether the principal is a platform admin acting outside
// any tenant.
func (p Principal) IsPlatform() bool { return p.Tenant.IsZero() && p.Has(RolePlatformAdmin) }

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
