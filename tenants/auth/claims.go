package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cadrehq/cadre/tenants"
)

// claims is the payload of a Cadre token (DESIGN §1).
type claims struct {
	jwt.RegisteredClaims
	// TenantID is a pointer so that a present but empty `tenant_id` is told
	// apart from an absent one.
	TenantID *string  `json:"tenant_id,omitempty"`
	Roles    []string `json:"roles"`
}

// Reasons a token's claims do not make a principal.
var (
	errNoSubject       = errors.New("missing sub claim")
	errNoRoles         = errors.New("missing roles claim")
	errPlatformTenant  = errors.New("platform_admin together with tenant_id")
	errPlatformMixed   = errors.New("platform_admin together with other roles")
	errNoTenant        = errors.New("tenant roles without tenant_id")
	errUnknownRoleName = errors.New("unknown role")
	errLifetime        = errors.New("token lifetime too long")
	errClaimType       = errors.New("claim of the wrong type")
)

// claimKinds says which JSON type each claim Cadre reads must have: the
// times are numbers (never quoted), the names strings, roles an array of
// strings; aud may be a string or an array of strings.
var claimKinds = map[string]string{
	"exp": "number", "nbf": "number", "iat": "number",
	"sub": "string", "iss": "string", "jti": "string", "tenant_id": "string",
	"roles": "strings", "aud": "string or strings",
}

// checkClaimTypes reports a claim of raw (a compact JWT whose signature has
// been verified) whose JSON type is not the one claimKinds names.
func checkClaimTypes(raw string) error {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return errClaimType
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fmt.Errorf("%w: payload: %v", errClaimType, err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		return fmt.Errorf("%w: payload: %v", errClaimType, err)
	}
	for name, kind := range claimKinds {
		v, ok := fields[name]
		if !ok {
			continue
		}
		if !hasKind(v, kind) {
			return fmt.Errorf("%w: %s must be a %s", errClaimType, name, kind)
		}
	}
	return nil
}

// hasKind reports whether the JSON value v is of kind (see claimKinds).
func hasKind(v json.RawMessage, kind string) bool {
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return false
	}
	isStrings := func() bool {
		arr, ok := x.([]any)
		if !ok {
			return false
		}
		for _, e := range arr {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	switch kind {
	case "number":
		_, ok := x.(float64)
		return ok
	case "string":
		_, ok := x.(string)
		return ok
	case "strings":
		return isStrings()
	default: // string or strings
		_, ok := x.(string)
		return ok || isStrings()
	}
}

// principal turns verified claims into a principal, applying the rules of
// DESIGN §1 that the signature alone does not.
func (c *claims) principal() (tenants.Principal, error) {
	roles := make([]tenants.Role, 0, len(c.Roles))
	for _, s := range c.Roles {
		r, err := tenants.ParseRole(s)
		if err != nil {
			return tenants.Principal{}, errUnknownRoleName
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	p := tenants.Principal{Subject: c.Subject, Roles: roles}
	if slices.Contains(roles, tenants.RolePlatformAdmin) && c.TenantID != nil {
		return tenants.Principal{}, errPlatformTenant
	}
	if c.TenantID != nil {
		id, err := tenants.ParseID(*c.TenantID)
		if err != nil {
			return tenants.Principal{}, fmt.Errorf("tenant_id claim: %w", tenants.ErrInvalidID)
		}
		p.Tenant = id
	}
	if err := check(p); err != nil {
		return tenants.Principal{}, err
	}
	return p, nil
}

// check reports whether p is a principal a token may carry: a subject, at
// least one role, and either exactly platform_admin without a tenant or
// tenant roles with a tenant.
func check(p tenants.Principal) error {
	switch {
	case p.Subject == "":
		return errNoSubject
	case len(p.Roles) == 0:
		return errNoRoles
	}
	for _, r := range p.Roles {
		if _, err := tenants.ParseRole(string(r)); err != nil {
			return errUnknownRoleName
		}
	}
	if p.Has(tenants.RolePlatformAdmin) {
		switch {
		case !p.Tenant.IsZero():
			return errPlatformTenant
		case len(p.Roles) > 1:
			return errPlatformMixed
		}
		return nil
	}
	if p.Tenant.IsZero() {
		return errNoTenant
	}
	return nil
}

// newClaims returns the claims Mint signs for p.
func newClaims(p tenants.Principal, issuer, audience string, iat, exp jwt.NumericDate) claims {
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   p.Subject,
			Audience:  jwt.ClaimStrings{audience},
			ExpiresAt: &exp,
			NotBefore: &iat,
			IssuedAt:  &iat,
		},
		Roles: make([]string, len(p.Roles)),
	}
	for i, r := range p.Roles {
		c.Roles[i] = string(r)
	}
	if !p.Tenant.IsZero() {
		id := p.Tenant.String()
		c.TenantID = &id
	}
	return c
}
