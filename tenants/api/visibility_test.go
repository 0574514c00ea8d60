package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// visibilityMarker is a sentence of an admins-only document that becomes
// evidence (it names skills of the devops framework).
const visibilityMarker = "Confidential layoff list: the Kubernetes platform team automates deployments with Terraform until March."

// TestAdminsOnlyExcerptsReachNoOneElse (issue 17 §4): a sentence of an
// admins-only document is evidence in the admin's library, and no GET route
// of the API answers it to an employee, a manager or an analyst; after the
// admin shares the document the employee reads it; another tenant's
// visibility is its own.
func TestAdminsOnlyExcerptsReachNoOneElse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		other, otherAdmin := e.createTenant("globex")
		e.libAddEmployee(admin, "emp", "devops-engineer")
		e.libAddEmployee(admin, "boss", "devops-engineer")
		r := e.upload(admin, "Restructuring memo", platformHandbook+" "+visibilityMarker)
		expect(t, r, 202, "upload")
		if got := r.json(t)["visibility"]; got != "admins" {
			t.Fatalf("upload: visibility %v, want admins by default", got)
		}
		docID := r.json(t)["id"].(string)
		v := e.libWait(tenant, admin)
		adminLib := e.do("GET", "/v1/library", admin, nil)
		if !strings.Contains(string(adminLib.Body), visibilityMarker) {
			t.Fatalf("admin: the marker is not evidence in the library, so this test could not fail: %.400s", adminLib.Body)
		}

		readers := map[string]string{
			"employee": e.token(tenant, "emp", tenants.RoleEmployee),
			"manager":  e.token(tenant, "boss", tenants.RoleManager, tenants.RoleEmployee),
			"analyst":  e.token(tenant, "bi", tenants.RoleAnalyst),
		}
		paths := visibilityGETPaths(t, e, admin, docID, v.Version)
		for who, tok := range readers {
			answered := 0
			for _, p := range paths {
				r := e.do("GET", p, tok, nil)
				if r.Status == 200 {
					answered++
				}
				if strings.Contains(string(r.Body), "layoff list") {
					t.Errorf("%s: GET %s answers the admins-only sentence: %.300s", who, p, r.Body)
				}
			}
			if answered < 5 {
				t.Errorf("%s: only %d of %d GET routes answered 200; the search proves little", who, answered, len(paths))
			}
		}
		// The library still names the document and keeps the evidence
		// (document id, offsets), without the excerpt.
		r = e.do("GET", "/v1/library", readers["employee"], nil)
		if !strings.Contains(string(r.Body), docID) || !strings.Contains(string(r.Body), "Restructuring memo") {
			t.Errorf("employee: the library should still name the document and its title")
		}

		// The event stream: employees have none; the analyst's carries
		// no document text.
		expect(t, e.do("GET", "/v1/events/stream?since=0", readers["employee"], nil), 403, "employee stream")
		c := mustOpenStream(t, e.srv.URL, streamPath+"?since=0", readers["analyst"])
		evs := c.eventsUntil(func(got []streamEvent) bool {
			return slices.ContainsFunc(got, func(ev streamEvent) bool { return ev.Type == string(events.TypeLibraryRebuilt) })
		})
		c.close()
		for _, ev := range evs {
			if b, _ := json.Marshal(ev.Event); strings.Contains(string(b), "layoff list") {
				t.Errorf("stream: event %s carries the admins-only sentence", ev.Type)
			}
		}

		// Shared with everyone, the employee reads it; the other tenant's
		// documents are untouched and its ids unknown here.
		expect(t, e.do("PUT", "/v1/documents/"+docID+"/visibility", otherAdmin, map[string]any{"visibility": "everyone"}), 404, "other tenant shares")
		expect(t, e.do("PUT", "/v1/documents/"+docID+"/visibility", admin, map[string]any{"visibility": "nobody"}), 422, "bad visibility")
		expect(t, e.do("PUT", "/v1/documents/"+docID+"/visibility", readers["employee"], map[string]any{"visibility": "everyone"}), 403, "employee shares")
		r = e.do("GET", "/v1/library", readers["employee"], nil)
		if strings.Contains(string(r.Body), "layoff list") {
			t.Fatalf("refused changes changed the visibility")
		}
		expect(t, e.do("PUT", "/v1/documents/"+docID+"/visibility", admin, map[string]any{"visibility": "everyone"}), 200, "share")
		r = e.do("GET", "/v1/library", readers["employee"], nil)
		if !strings.Contains(string(r.Body), visibilityMarker) {
			t.Errorf("employee: a document visible to everyone shows no excerpt")
		}
		r = e.do("GET", "/v1/library", readers["analyst"], nil)
		if strings.Contains(string(r.Body), "layoff list") {
			t.Errorf("analyst: reads an excerpt")
		}
		_ = other
	})
}

// visibilityGETPaths lists every GET route of the OpenAPI document with its
// path parameters filled with the tenant's things (or a made-up id).
func visibilityGETPaths(t *testing.T, e *env, admin, docID string, version int) []string {
	t.Helper()
	r := e.do("GET", "/openapi.json", "", nil)
	expect(t, r, 200, "openapi")
	var oa struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &oa); err != nil {
		t.Fatal(err)
	}
	var emp struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	json.Unmarshal(e.do("GET", "/v1/employees", admin, nil).Body, &emp)
	empID := "0190a0a0-0000-7000-8000-000000000000"
	if len(emp.Items) > 0 {
		empID = emp.Items[0].ID
	}
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	var out []string
	for p, ops := range oa.Paths {
		if _, ok := ops["get"]; !ok || p == "/v1/events/stream" {
			continue
		}
		filled := param.ReplaceAllStringFunc(p, func(name string) string {
			switch {
			case name == "{n}":
				return fmt.Sprint(version)
			case name == "{role}":
				return "devops-engineer"
			case name == "{slug}":
				return "kubernetes"
			case strings.HasPrefix(p, "/v1/documents/"):
				return docID
			case strings.HasPrefix(p, "/v1/employees/"):
				return empID
			}
			return "0190a0a0-0000-7000-8000-000000000000"
		})
		if p == "/v1/library/diff" {
			filled += "?" + url.Values{"from": {"1"}, "to": {fmt.Sprint(version)}}.Encode()
		}
		out = append(out, filled)
		if p == "/v1/frameworks/{role}" {
			for _, tier := range []string{"entry", "senior"} {
				out = append(out, filled+"?tier="+tier)
			}
		}
	}
	return out
}
