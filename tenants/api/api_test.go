package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func multipartUpload(t *testing.T, e *env, token, filename, title string, content []byte) resp {
	t.Helper()
	r, err := postFile(e.srv.URL, token, filename, title, content)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// postFile uploads content as a multipart file; unlike multipartUpload it
// may run on any goroutine.
func postFile(base, token, filename, title string, content []byte) (resp, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		return resp{}, err
	}
	fw.Write(content)
	if title != "" {
		mw.WriteField("title", title)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/v1/documents", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b.Bytes()}, nil
}

// TestWalkthrough is the README's curl walk-through, as a client.
func TestWalkthrough(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		md := []byte("# Engineering handbook\n\nWe deploy with **Kubernetes** and review every change.\n")
		r := multipartUpload(t, e, admin, "handbook.md", "Handbook", md)
		expect(t, r, 202, "upload")
		doc := r.json(t)
		if doc["title"] != "Handbook" || doc["content_type"] != "text/markdown" || doc["size_bytes"] != float64(len(md)) {
			t.Errorf("upload: got %v", doc)
		}
		expect(t, multipartUpload(t, e, admin, "again.md", "", md), 200, "same bytes again")
		r = e.do("GET", "/v1/documents/"+doc["id"].(string)+"?include=text", admin, nil)
		expect(t, r, 200, "read back")
		if txt, _ := r.json(t)["text"].(string); !strings.Contains(txt, "We deploy with Kubernetes") {
			t.Errorf("text: got %q, want the extracted text", txt)
		}
		r = e.do("GET", "/v1/documents/"+doc["id"].(string), admin, nil)
		if _, ok := r.json(t)["text"]; ok {
			t.Errorf("text present without ?include=text")
		}
		r = e.do("GET", "/v1/tenant", admin, nil)
		expect(t, r, 200, "tenant")
		if r.json(t)["id"] != tenant.String() {
			t.Errorf("tenant: got %s", r.Body)
		}
		expect(t, e.do("PUT", "/v1/values", admin, map[string]any{"values": []map[string]string{{"name": "Candour", "description": "Say what you think"}}}), 200, "values")
		emp := e.token(tenant, "bob", tenants.RoleEmployee)
		r = e.do("GET", "/v1/values", emp, nil)
		expect(t, r, 200, "values as employee")
		if !strings.Contains(string(r.Body), "Candour") {
			t.Errorf("values: got %s", r.Body)
		}
		expect(t, e.do("DELETE", "/v1/documents/"+doc["id"].(string), admin, nil), 204, "delete")
		expect(t, e.do("GET", "/v1/documents/"+doc["id"].(string), admin, nil), 404, "read deleted")
		r = e.do("GET", "/openapi.json", "", nil)
		expect(t, r, 200, "openapi")
		var oa struct {
			OpenAPI string         `json:"openapi"`
			Paths   map[string]any `json:"paths"`
		}
		json.Unmarshal(r.Body, &oa)
		for _, p := range []string{"/v1/tenants", "/v1/tenants/{id}", "/v1/tenant", "/v1/documents", "/v1/documents/{id}", "/v1/values", "/v1/library", "/healthz", "/readyz"} {
			if _, ok := oa.Paths[p]; !ok {
				t.Errorf("openapi: no path %s", p)
			}
		}
		if !strings.HasPrefix(oa.OpenAPI, "3.1") {
			t.Errorf("openapi version %q, want 3.1", oa.OpenAPI)
		}
		expect(t, e.do("GET", "/readyz", "", nil), 200, "readyz")
	})
}

func TestPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		_, admin := e.createTenant("acme")
		for i := range 5 {
			expect(t, e.upload(admin, fmt.Sprintf("Doc %d", i), fmt.Sprintf("content %d", i)), 202, "upload")
		}
		seen := map[string]bool{}
		cursor := ""
		for pages := 0; pages < 10; pages++ {
			r := e.do("GET", "/v1/documents?limit=2&cursor="+cursor, admin, nil)
			expect(t, r, 200, "page")
			var page struct {
				Items      []map[string]any `json:"items"`
				NextCursor string           `json:"next_cursor"`
			}
			json.Unmarshal(r.Body, &page)
			for _, it := range page.Items {
				seen[it["id"].(string)] = true
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if len(seen) != 5 {
			t.Errorf("paged through %d documents, want 5", len(seen))
		}
		expect(t, e.do("GET", "/v1/documents?cursor=not-a-cursor", admin, nil), 400, "bad cursor")
	})
}

// TestCrossTenant: tenant B's admin gets 404 on A's resources and changes
// nothing; wrong roles get 403.
func TestCrossTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, adminA := e.createTenant("acme")
		b, adminB := e.createTenant("globex")
		doc := e.upload(adminA, "Secret plan", "only for acme").json(t)
		id := doc["id"].(string)
		expect(t, e.do("PUT", "/v1/values", adminA, map[string]any{"values": []map[string]string{{"name": "Acme first", "description": ""}}}), 200, "values A")
		dA, vA, oA := e.counts(a)

		expect(t, e.do("GET", "/v1/documents/"+id, adminB, nil), 404, "B reads A's document")
		expect(t, e.do("GET", "/v1/documents/"+id+"?include=text", adminB, nil), 404, "B reads A's text")
		expect(t, e.do("DELETE", "/v1/documents/"+id, adminB, nil), 404, "B deletes A's document")
		r := e.do("GET", "/v1/documents", adminB, nil)
		if strings.Contains(string(r.Body), id) {
			t.Errorf("B's list shows A's document")
		}
		r = e.do("GET", "/v1/values", adminB, nil)
		if strings.Contains(string(r.Body), "Acme first") {
			t.Errorf("B sees A's values")
		}
		r = e.do("GET", "/v1/tenant", adminB, nil)
		if r.json(t)["id"] != b.String() {
			t.Errorf("B's tenant: got %s", r.Body)
		}
		// A tenant token cannot name another tenant anywhere: platform routes are 403.
		expect(t, e.do("DELETE", "/v1/tenants/"+a.String(), adminB, nil), 403, "B deletes tenant A")
		if d, v, o := e.counts(a); d != dA || v != vA || o != oA {
			t.Errorf("A changed: docs %d→%d values %d→%d audit %d→%d", dA, d, vA, v, oA, o)
		}

		emp := e.token(a, "emp", tenants.RoleEmployee)
		analyst := e.token(a, "bi", tenants.RoleAnalyst)
		manager := e.token(a, "mgr", tenants.RoleManager)
		for _, tok := range []struct{ name, tok string }{{"employee", emp}, {"analyst", analyst}, {"manager", manager}} {
			expect(t, e.upload(tok.tok, "x", "y"), 403, tok.name+" uploads")
			expect(t, e.do("GET", "/v1/documents", tok.tok, nil), 403, tok.name+" lists documents")
			expect(t, e.do("GET", "/v1/documents/"+id, tok.tok, nil), 403, tok.name+" reads a document")
			expect(t, e.do("DELETE", "/v1/documents/"+id, tok.tok, nil), 403, tok.name+" deletes a document")
			expect(t, e.do("PUT", "/v1/values", tok.tok, map[string]any{"values": []any{}}), 403, tok.name+" sets values")
			expect(t, e.do("GET", "/v1/admin/dead-letters", tok.tok, nil), 403, tok.name+" lists dead letters")
		}
		for _, tok := range []string{adminA, emp, analyst} {
			expect(t, e.do("POST", "/v1/tenants", tok, map[string]any{"name": "x", "industry": "finance"}), 403, "tenant token creates a tenant")
			expect(t, e.do("GET", "/v1/tenants", tok, nil), 403, "tenant token lists tenants")
		}
		plat := e.platform()
		expect(t, e.do("GET", "/v1/documents", plat, nil), 403, "platform token on a tenant route")
		expect(t, e.do("GET", "/v1/tenant", plat, nil), 403, "platform token on /v1/tenant")
		expect(t, e.do("GET", "/v1/documents", "", nil), 401, "no token")
		if d, v, o := e.counts(a); d != dA || v != vA || o != oA {
			t.Errorf("A changed: docs %d→%d values %d→%d audit %d→%d", dA, d, vA, v, oA, o)
		}
	})
}

// TestBadInput: each is a clear problem and stores nothing.
func TestBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		d0, v0, o0 := e.counts(tenant)
		big := strings.Repeat("a", maxDoc+1)
		tenThousand := make([]map[string]string, 10000)
		for i := range tenThousand {
			tenThousand[i] = map[string]string{"name": fmt.Sprintf("v%d", i), "description": "d"}
		}
		cases := []struct {
			name   string
			method string
			path   string
			body   any
			ct     string
			status int
		}{
			{"one byte over the document limit", "POST", "/v1/documents", map[string]any{"title": "t", "content": big, "content_type": "text/plain"}, "", 413},
			{"wrong content type", "POST", "/v1/documents", "hello", "text/csv", 415},
			{"unsupported document type", "POST", "/v1/documents", map[string]any{"title": "t", "content": "a,b", "content_type": "text/csv"}, "", 415},
			{"invalid UTF-8", "POST", "/v1/documents", []byte("{\"title\":\"t\",\"content\":\"\xff\xfe bad\",\"content_type\":\"text/plain\"}"), "", 400},
			{"NUL bytes", "POST", "/v1/documents", map[string]any{"title": "t", "content": "a\x00b", "content_type": "text/plain"}, "", 422},
			{"malformed JSON", "POST", "/v1/documents", `{"title": "t",`, "", 400},
			{"unknown field", "POST", "/v1/documents", map[string]any{"title": "t", "content": "c", "content_type": "text/plain", "color": "red"}, "", 400},
			{"tenant_id in body", "POST", "/v1/documents", map[string]any{"title": "t", "content": "c", "content_type": "text/plain", "tenant_id": tenants.NewID().String()}, "", 400},
			{"id in body", "POST", "/v1/documents", map[string]any{"id": "x", "title": "t", "content": "c", "content_type": "text/plain"}, "", 400},
			{"empty title", "POST", "/v1/documents", map[string]any{"title": "  ", "content": "c", "content_type": "text/plain"}, "", 422},
			{"title with NUL", "POST", "/v1/documents", map[string]any{"title": "a\x00", "content": "c", "content_type": "text/plain"}, "", 422},
			{"10,000 values", "PUT", "/v1/values", map[string]any{"values": tenThousand}, "", 422},
			{"values malformed", "PUT", "/v1/values", `{"values": [`, "", 400},
			{"values unknown field", "PUT", "/v1/values", map[string]any{"values": []any{}, "tenant_id": "x"}, "", 400},
			{"value with empty name", "PUT", "/v1/values", map[string]any{"values": []map[string]string{{"name": "", "description": "x"}}}, "", 422},
			{"duplicate value names", "PUT", "/v1/values", map[string]any{"values": []map[string]string{{"name": "Care", "description": ""}, {"name": "care", "description": ""}}}, "", 422},
			{"tenant with unknown industry", "POST", "/v1/tenants", map[string]any{"name": "x", "industry": "piracy"}, "platform", 422},
			{"tenant with id in body", "POST", "/v1/tenants", map[string]any{"id": tenants.NewID().String(), "name": "x", "industry": "finance"}, "platform", 400},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				tok := admin
				var hdr []string
				switch c.ct {
				case "platform":
					tok = e.platform()
				case "":
				default:
					hdr = []string{"Content-Type", c.ct}
				}
				r := e.do(c.method, c.path, tok, c.body, hdr...)
				expect(t, r, c.status, c.name)
				p := r.json(t)
				if typ, _ := p["type"].(string); !strings.HasPrefix(typ, "https://cadre.dev/problems/") {
					t.Errorf("problem type %q", typ)
				}
				if p["detail"] == "" || p["title"] == "" {
					t.Errorf("problem without title or detail: %s", r.Body)
				}
			})
		}
		if d, v, o := e.counts(tenant); d != d0 || v != v0 || o != o0 {
			t.Errorf("bad input changed something: docs %d→%d values %d→%d audit %d→%d", d0, d, v0, v, o0, o)
		}
		r := e.do("GET", "/v1/tenants", e.platform(), nil)
		if n := len(r.json(t)["items"].([]any)); n != 1 {
			t.Errorf("tenants after bad input: got %d, want 1", n)
		}
	})
}

func TestAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		expect(t, e.do("GET", "/v1/tenant", admin, nil), 200, "valid token")
		expect(t, e.do("GET", "/v1/tenant", "not-a-jwt", nil), 401, "garbage token")
		expect(t, e.do("GET", "/v1/tenant", strings.Repeat("a", 100_000), nil), 401, "huge Authorization header")
		r := e.do("GET", "/v1/tenant", "", nil, "Authorization", "Basic dXNlcjpwYXNz")
		expect(t, r, 401, "basic auth")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
		// A token for a tenant that was never created.
		expect(t, e.do("GET", "/v1/tenant", e.token(tenants.NewID(), "x", tenants.RoleAdmin), nil), 401, "unknown tenant")
		// A token for a deleted tenant.
		expect(t, e.do("DELETE", "/v1/tenants/"+tenant.String(), e.platform(), nil), 202, "delete tenant")
		expect(t, e.do("GET", "/v1/tenant", admin, nil), 401, "deleted tenant")
		expect(t, e.do("DELETE", "/v1/tenants/"+tenant.String(), e.platform(), nil), 404, "delete again")
	})
}

func TestIdempotencyKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		body := map[string]any{"title": "Policy", "content": "be kind", "content_type": "text/plain"}
		r1 := e.do("POST", "/v1/documents", admin, body, "Idempotency-Key", "k-1")
		expect(t, r1, 202, "first")
		r2 := e.do("POST", "/v1/documents", admin, body, "Idempotency-Key", "k-1")
		expect(t, r2, 202, "replay")
		if !bytes.Equal(r1.Body, r2.Body) || r2.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: got %s (replayed=%q), want %s", r2.Body, r2.Header.Get("Idempotent-Replayed"), r1.Body)
		}
		body["content"] = "be very kind"
		expect(t, e.do("POST", "/v1/documents", admin, body, "Idempotency-Key", "k-1"), 422, "same key, other body")
		if d, _, _ := e.counts(tenant); d != 1 {
			t.Errorf("documents: got %d, want 1", d)
		}
		// Keys are per tenant: another tenant's same key is its own.
		_, adminB := e.createTenant("globex")
		expect(t, e.do("POST", "/v1/documents", adminB, body, "Idempotency-Key", "k-1"), 202, "other tenant, same key")
	})
}

// TestIdempotencyKeyUnderConcurrency: 16 concurrent POSTs with one key make
// one assessment (the others answer 409 in flight or replay the answer),
// and a refused request does not keep its key from the corrected retry.
func TestIdempotencyKeyUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		expect(t, e.importCSV(admin, companyCSV(5)), 200, "import employees")
		taker := e.token(tenant, "u1", tenants.RoleEmployee)
		const n = 16
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("POST", "/v1/assessments", taker, map[string]any{}, "Idempotency-Key", "same").Status
			}()
		}
		wg.Wait()
		for _, code := range statuses {
			if code != 201 && code != 409 {
				t.Errorf("concurrent duplicate answered %d, want 201 or 409", code)
			}
		}
		list := e.do("GET", "/v1/assessments", taker, nil).json(t)["items"].([]any)
		if len(list) != 1 {
			t.Errorf("assessments: %d (statuses %v), want exactly 1", len(list), statuses)
		}

		// A 4xx is not stored: the corrected request with the same key runs.
		bad := map[string]any{"title": "", "content": "x", "content_type": "text/plain"}
		expect(t, e.do("POST", "/v1/documents", admin, bad, "Idempotency-Key", "fix-me"), 422, "invalid first try")
		fixed := map[string]any{"title": "Leave", "content": "take your holidays", "content_type": "text/plain"}
		expect(t, e.do("POST", "/v1/documents", admin, fixed, "Idempotency-Key", "fix-me"), 202, "corrected retry, same key")

		// Keys are per subject: another admin's same key is their own.
		other := e.token(tenant, "bob", tenants.RoleAdmin)
		third := map[string]any{"title": "Travel", "content": "book trains early", "content_type": "text/plain"}
		expect(t, e.do("POST", "/v1/documents", other, third, "Idempotency-Key", "fix-me"), 202, "other subject, same key")
		if d, _, _ := e.counts(tenant); d != 2 {
			t.Errorf("documents: %d, want 2", d)
		}
	})
}

// TestLibraryFollowsContext: a client creates a tenant, uploads 3 documents
// and sets values; GET /v1/library reaches a version built from all of them,
// and a NATS subscriber on cadre.{tenant}.> receives library.rebuilt as a
// valid CloudEvent.
func TestLibraryFollowsContext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		msgs := make(chan *nats.Msg, 256)
		sub, err := e.nc.ChanSubscribe(events.TenantFilter(tenant), msgs)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Unsubscribe()
		var ids []string
		for i := range 3 {
			r := e.upload(admin, fmt.Sprintf("Doc %d", i), fmt.Sprintf("Document number %d about deployments.", i))
			expect(t, r, 202, "upload")
			ids = append(ids, r.json(t)["id"].(string))
		}
		expect(t, e.do("PUT", "/v1/values", admin, map[string]any{"values": []map[string]string{{"name": "Ownership", "description": "We own outcomes"}}}), 200, "values")
		const wantRevision = 4
		deadline := time.After(time.Minute) // a give-up bound: builds under -race on a loaded CI machine take seconds each
		for done := false; !done; {
			select {
			case m := <-msgs:
				ev, err := events.Parse(m.Data)
				if err != nil {
					t.Fatalf("invalid CloudEvent on %s: %v", m.Subject, err)
				}
				if ev.TenantID != tenant.String() || ev.Source != "/tenants/"+tenant.String() || ev.SpecVersion != "1.0" {
					t.Errorf("event %+v: wrong tenant or envelope", ev)
				}
				if ev.Type != events.TypeLibraryRebuilt {
					continue
				}
				var p events.LibraryRebuilt
				if err := json.Unmarshal(ev.Data, &p); err != nil {
					t.Fatal(err)
				}
				done = p.ContextRevision == wantRevision
			case <-deadline:
				t.Fatalf("no library.rebuilt for context revision %d", wantRevision)
			}
		}
		r := e.do("GET", "/v1/library", e.token(tenant, "emp", tenants.RoleEmployee), nil)
		expect(t, r, 200, "library")
		var lib struct {
			Version         int   `json:"version"`
			ContextRevision int64 `json:"context_revision"`
			Inputs          struct {
				Documents []struct{ ID string } `json:"documents"`
				Values    []string              `json:"values"`
			} `json:"inputs"`
		}
		json.Unmarshal(r.Body, &lib)
		if lib.ContextRevision != wantRevision || len(lib.Inputs.Documents) != 3 || len(lib.Inputs.Values) != 1 {
			t.Errorf("library: got revision %d, %d documents, %d values; want %d, 3, 1", lib.ContextRevision, len(lib.Inputs.Documents), len(lib.Inputs.Values), wantRevision)
		}
		for i, d := range lib.Inputs.Documents {
			if d.ID != ids[i] {
				t.Errorf("library document %d: got %s, want %s", i, d.ID, ids[i])
			}
		}
		t.Logf("library version %d covers context revision %d", lib.Version, lib.ContextRevision)
	})
}
