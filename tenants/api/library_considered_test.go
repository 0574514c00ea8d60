package api_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestLibraryConsidered: an admin reads the catalog competencies a version
// left out, each with its reason and none in the version; other roles are
// refused, another tenant's version number and a version that does not
// exist are 404, a malformed one is a problem.
func TestLibraryConsidered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, adminA := e.createTenant("acme")
		b, adminB := e.createTenant("globex")
		e.libWait(a, adminA)
		expect(t, e.upload(adminA, "Platform handbook", platformHandbook), 202, "upload")
		v := e.libWait(a, adminA)
		e.libWait(b, adminB)

		r := e.do("GET", fmt.Sprintf("/v1/library/versions/%d/considered", v.Version), adminA, nil)
		expect(t, r, 200, "considered")
		var got struct {
			Version int `json:"version"`
			Items   []struct {
				Slug      string  `json:"slug"`
				Name      string  `json:"name"`
				Category  string  `json:"category"`
				Relevance float64 `json:"relevance"`
				Reason    string  `json:"reason"`
				Evidence  []struct {
					DocumentID string `json:"document_id"`
					Excerpt    string `json:"excerpt"`
				} `json:"evidence"`
			} `json:"items"`
		}
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatalf("decode: %v in %s", err, r.Body)
		}
		if got.Version != v.Version || len(got.Items) == 0 {
			t.Fatalf("considered of v%d: got version %d with %d items: %s", v.Version, got.Version, len(got.Items), r.Body)
		}
		withEvidence := 0
		for i, c := range got.Items {
			if c.Slug == "" || c.Name == "" || c.Category == "" || c.Reason == "" || c.Relevance < 0 || c.Relevance > 1 {
				t.Errorf("item %d: %+v, want slug, name, category, reason and a relevance in [0,1]", i, c)
			}
			if i > 0 && got.Items[i-1].Slug >= c.Slug {
				t.Errorf("items not in slug order: %s before %s", got.Items[i-1].Slug, c.Slug)
			}
			if _, in := v.competency(c.Slug); in {
				t.Errorf("%s is considered-and-left-out but in version %d", c.Slug, v.Version)
			}
			if len(c.Evidence) > 0 && c.Evidence[0].Excerpt != "" {
				withEvidence++
			}
		}
		if withEvidence == 0 {
			t.Errorf("no considered competency shows the sentence that matched it: %s", r.Body)
		}

		// Admins only; another tenant's version number is not found.
		for _, role := range []tenants.Role{tenants.RoleAnalyst, tenants.RoleEmployee, tenants.RoleManager} {
			expect(t, e.do("GET", fmt.Sprintf("/v1/library/versions/%d/considered", v.Version), e.token(a, "x", role), nil), 403, string(role)+" reads considered")
		}
		expect(t, e.do("GET", fmt.Sprintf("/v1/library/versions/%d/considered", v.Version), "", nil), 401, "no token")
		expect(t, e.do("GET", fmt.Sprintf("/v1/library/versions/%d/considered", v.Version), e.platform(), nil), 403, "platform token")
		expect(t, e.do("GET", fmt.Sprintf("/v1/library/versions/%d/considered", v.Version), adminB, nil), 404, "B reads A's version number")
		expect(t, e.do("GET", "/v1/library/versions/999/considered", adminA, nil), 404, "no such version")
		r = e.do("GET", "/v1/library/versions/abc/considered", adminA, nil)
		expect(t, r, 400, "malformed version")
		if p := r.json(t); p["detail"] == "" {
			t.Errorf("malformed version: problem %s", r.Body)
		}

		// Declared in the OpenAPI document.
		r = e.do("GET", "/openapi.json", "", nil)
		var oa struct {
			Paths map[string]any `json:"paths"`
		}
		json.Unmarshal(r.Body, &oa)
		if _, ok := oa.Paths["/v1/library/versions/{n}/considered"]; !ok {
			t.Errorf("openapi: no path /v1/library/versions/{n}/considered")
		}
	})
}
