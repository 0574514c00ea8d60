package api_test

import (
	"testing"

	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestTextInputIsCheckedTheSameEverywhere: invalid UTF-8 in any JSON body,
// path or query is one 400 invalid-utf8 problem (encoding/json would have
// stored U+FFFD); a bidirectional override (U+202E) in a title or a name is
// a 422 validation problem; nothing is stored, in this tenant or another.
func TestTextInputIsCheckedTheSameEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		other, otherAdmin := e.createTenant("globex")
		expect(t, e.do("PUT", "/v1/values", otherAdmin, map[string]any{"values": []map[string]string{{"name": "Candour", "description": ""}}}), 200, "other tenant's values")
		docs, values, audit := e.counts(tenant)
		for _, c := range []struct {
			name, method, path string
			body               any
			status             int
			kind               string
		}{
			{"value name not UTF-8", "PUT", "/v1/values", []byte("{\"values\":[{\"name\":\"Can\xffdour\",\"description\":\"\"}]}"), 400, "invalid-utf8"},
			{"employee name not UTF-8", "POST", "/v1/employees", []byte("{\"subject\":\"s1\",\"name\":\"Sam \xc3\",\"role\":\"devops-engineer\",\"tier\":\"mid\"}"), 400, "invalid-utf8"},
			{"query not UTF-8", "GET", "/v1/catalog/match?title=dev%FFops", nil, 400, "invalid-utf8"},
			{"path not UTF-8", "GET", "/v1/documents/%FF", nil, 400, "invalid-utf8"},
			{"title with U+202E", "POST", "/v1/documents", map[string]any{"title": "invoice\u202efdp.exe", "content": "Our engineers review code.", "content_type": "text/plain"}, 422, "validation"},
			{"value name with U+202E", "PUT", "/v1/values", map[string]any{"values": []map[string]string{{"name": "Can\u202edour", "description": ""}}}, 422, "validation"},
			{"employee name with U+2067", "POST", "/v1/employees", map[string]any{"subject": "s2", "name": "Sam \u2067Carter", "role": "devops-engineer", "tier": "mid"}, 422, "validation"},
			{"tenant name with U+202E", "POST", "/v1/tenants", map[string]any{"name": "Evil\u202eCorp", "slug": "evil", "industry": "finance"}, 422, "validation"},
		} {
			tok := admin
			if c.path == "/v1/tenants" {
				tok = e.platform()
			}
			r := e.do(c.method, c.path, tok, c.body)
			expect(t, r, c.status, c.name)
			if got := r.json(t)["type"]; got != api.ProblemBase+c.kind {
				t.Errorf("%s: got type %v, want %s", c.name, got, api.ProblemBase+c.kind)
			}
		}
		if d, v, a := e.counts(tenant); d != docs || v != values || a != audit {
			t.Errorf("after refused input: %d documents, %d values, %d audit entries, want %d, %d, %d", d, v, a, docs, values, audit)
		}
		if n := e.employeeCount(tenant); n != 0 {
			t.Errorf("after refused input: %d employees, want 0", n)
		}
		if _, v, _ := e.counts(other); v != 1 {
			t.Errorf("other tenant: %d values, want its 1", v)
		}
	})
}
