package app

import "github.com/cadrehq/cadre/tenants"

// authorize checks that p acts inside a tenant with one of roles.
func authorize(p tenants.Principal, roles ...tenants.Role) error {
	if !p.Has(roles...) {
		return refuse(Forbidden, "", "your role may not do this")
	}
	if p.Tenant.IsZero() {
		return refuse(Forbidden, "", "this route acts inside a tenant; use a tenant token")
	}
	return nil
}

// authorizePlatform checks that p is a platform admin.
func authorizePlatform(p tenants.Principal) error {
	if !p.Has(tenants.RolePlatformAdmin) {
		return refuse(Forbidden, "", "your role may not do this")
	}
	return nil
}
