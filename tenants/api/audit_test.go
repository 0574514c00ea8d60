package api_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func TestAuditTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		other := e.token(tenant, "bob", tenants.RoleAdmin)
		start := time.Now().UTC().Add(-time.Second)
		doc := e.do("POST", "/v1/documents", admin, map[string]any{"title": "Policy", "content": "be kind", "content_type": "text/plain"})
		expect(t, doc, 202, "upload")
		docID := doc.json(t)["id"].(string)
		expect(t, e.do("PUT", "/v1/values", other, map[string]any{"values": []map[string]any{{"name": "Candour", "description": "We say what we think"}}}), 200, "values")
		expect(t, e.do("DELETE", "/v1/documents/"+docID, admin, nil), 204, "delete")

		list := func(query string, tok string) []any {
			t.Helper()
			r := e.do("GET", "/v1/audit"+query, tok, nil)
			expect(t, r, 200, "audit "+query)
			return r.json(t)["items"].([]any)
		}
		all := list("", admin)
		if len(all) < 3 {
			t.Fatalf("audit: %d entries, want at least 3: %v", len(all), all)
		}
		for _, it := range all {
			m := it.(map[string]any)
			if m["id"] == "" || m["actor"] == "" || m["action"] == "" || m["object"] == "" || m["created_at"] == "" {
				t.Errorf("entry with an empty field: %v", m)
			}
		}
		byBob := list("?actor=bob", admin)
		if len(byBob) != 1 || byBob[0].(map[string]any)["actor"] != "bob" {
			t.Errorf("actor=bob: %v, want the values change only", byBob)
		}
		aboutDoc := list("?object="+url.QueryEscape("document/"+docID), admin)
		if len(aboutDoc) != 2 {
			t.Errorf("object=document/%s: %d entries, want upload and delete: %v", docID, len(aboutDoc), aboutDoc)
		}
		for _, it := range aboutDoc {
			if it.(map[string]any)["object"] != "document/"+docID {
				t.Errorf("object filter let through %v", it)
			}
		}
		if got := list("?action=document.delete", admin); len(got) != 1 {
			t.Errorf("action=document.delete: %v", got)
		}
		if got := list("?from="+url.QueryEscape(start.Format(time.RFC3339Nano)), admin); len(got) != len(all) {
			t.Errorf("from before the changes: %d entries, want %d", len(got), len(all))
		}
		if got := list("?to="+url.QueryEscape(start.Format(time.RFC3339Nano)), admin); len(got) != 0 {
			t.Errorf("to before the changes: %v, want none", got)
		}
		// Pages: one at a time, in order, without repeats.
		var paged []any
		cursor := ""
		for range len(all) + 1 {
			r := e.do("GET", "/v1/audit?limit=1&cursor="+cursor, admin, nil)
			expect(t, r, 200, "page")
			body := r.json(t)
			paged = append(paged, body["items"].([]any)...)
			next, _ := body["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(paged) != len(all) {
			t.Errorf("paged: %d entries, want %d", len(paged), len(all))
		}

		// Bad input changes nothing and says why.
		expect(t, e.do("GET", "/v1/audit?from=yesterday", admin, nil), 422, "bad time")
		expect(t, e.do("GET", "/v1/audit?limit=201", admin, nil), 422, "limit above the documented 200")
		expect(t, e.do("GET", "/v1/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", admin, nil), 400, "to before from")
		// Only admins read it; nobody changes it.
		expect(t, e.do("GET", "/v1/audit", e.token(tenant, "u1", tenants.RoleEmployee), nil), 403, "employee")
		expect(t, e.do("GET", "/v1/audit", e.token(tenant, "an", tenants.RoleAnalyst), nil), 403, "analyst")
		for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
			if r := e.do(m, "/v1/audit", admin, map[string]any{}); r.Status != 405 && r.Status != 404 {
				t.Errorf("%s /v1/audit: %d, want 405 or 404", m, r.Status)
			}
		}
		// Another tenant's admin sees only their own trail.
		_, adminB := e.createTenant("globex")
		for _, it := range list("", adminB) {
			if it.(map[string]any)["object"] == "document/"+docID {
				t.Errorf("tenant B sees tenant A's entry %v", it)
			}
		}
		if got := list("?object="+url.QueryEscape("document/"+docID), adminB); len(got) != 0 {
			t.Errorf("tenant B, object filter on A's document: %v", got)
		}
	})
}
