package api_test

import (
	"strings"
	"testing"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestDatabaseOutageIs503: while the database is unavailable, every kind
// of request that needs it answers 503 with Retry-After and the
// "unavailable" problem, whether the failure comes from the tenant lookup,
// the Idempotency-Key lookup or a handler (issue 13.9: 500 and 503 were
// mixed for one outage); when PostgreSQL is back, the same requests work
// and nothing was written during the outage. Both tenants' requests are
// answered alike.
func TestDatabaseOutageIs503(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		_, admin := e.createTenant("acme")
		other, _ := e.createTenant("globex")
		otherAdmin := e.token(other, "admin-other", tenants.RoleAdmin) // never looked up: not in the tenant cache
		expect(t, e.do("GET", "/v1/employees", admin, nil), 200, "list before the outage")
		docsBefore := e.do("GET", "/v1/documents", admin, nil)
		expect(t, docsBefore, 200, "documents before the outage")

		restore := storetest.Cut(t, db)
		for _, c := range []struct {
			name         string
			method, path string
			token        string
			body         any
			headers      []string
		}{
			{"list (handler or tenant lookup)", "GET", "/v1/employees", admin, nil, nil},
			{"upload (use case)", "POST", "/v1/documents", admin, map[string]any{"title": "T", "content": "We ship with care.", "content_type": "text/plain"}, nil},
			{"upload with Idempotency-Key (key lookup)", "POST", "/v1/documents", admin, map[string]any{"title": "T", "content": "We ship.", "content_type": "text/plain"}, []string{"Idempotency-Key", "k1"}},
			{"other tenant (tenant lookup)", "GET", "/v1/employees", otherAdmin, nil, nil},
			{"platform route", "GET", "/v1/tenants", e.platform(), nil, nil},
		} {
			r := e.do(c.method, c.path, c.token, c.body, c.headers...)
			expect(t, r, 503, c.name)
			if got := r.Header.Get("Retry-After"); got == "" {
				t.Errorf("%s: 503 without Retry-After", c.name)
			}
			if typ, _ := r.json(t)["type"].(string); !strings.HasSuffix(typ, "/unavailable") {
				t.Errorf("%s: problem type %q, want …/unavailable", c.name, typ)
			}
		}
		if restore == nil {
			return // SQLite: the closed store does not come back
		}
		restore()
		expect(t, e.do("GET", "/v1/employees", admin, nil), 200, "list after the outage")
		expect(t, e.do("GET", "/v1/employees", otherAdmin, nil), 200, "other tenant after the outage")
		if after := e.do("GET", "/v1/documents", admin, nil); string(after.Body) != string(docsBefore.Body) {
			t.Errorf("documents after the outage: %s, want %s (nothing written while it was down)", after.Body, docsBefore.Body)
		}
	})
}
