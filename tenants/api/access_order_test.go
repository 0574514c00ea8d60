package api_test

import (
	"testing"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestRoleBeforeID: a caller whose role may not use a route is told so (403)
// whatever the path id, and a caller who may is told a malformed id is not
// found (404): the role is checked before the id is read, on every route
// that takes an id.
func TestRoleBeforeID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, admin := e.createTenant("acme")
		analyst := e.token(a, "ana", tenants.RoleAnalyst)
		for _, tt := range []struct {
			method, path string
			wrong, right string
			body         any
		}{
			{"POST", "/v1/admin/dead-letters/not-an-id/replay", analyst, admin, nil},
			{"PATCH", "/v1/me/plan/items/not-an-id", analyst, e.token(a, "emp", tenants.RoleEmployee), map[string]any{"status": "done"}},
			{"DELETE", "/v1/tenants/not-an-id", admin, e.platform(), nil},
		} {
			expect(t, e.do(tt.method, tt.path, tt.wrong, tt.body), 403, tt.method+" "+tt.path+" with the wrong role")
			expect(t, e.do(tt.method, tt.path, tt.right, tt.body), 404, tt.method+" "+tt.path+" with the right role")
		}
	})
}
