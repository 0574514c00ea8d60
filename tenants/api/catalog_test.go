package api_test

import (
	"encoding/json"
	"testing"

	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestCatalogDevOpsFinance returns DESIGN §4's reference table over HTTP.
func TestCatalogDevOpsFinance(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	_, admin := e.createTenant("acme")
	r := e.do("GET", "/v1/catalog/frameworks/devops-engineer?industry=finance&tier=mid", admin, nil)
	expect(t, r, 200, "framework")
	var f struct {
		Role         struct{ Slug, Title string }
		Industry     string
		Competencies []struct {
			Name, Category, Group string
			Levels                struct{ Entry, Mid, Senior int }
			Required              struct {
				Level int
				Label string
			}
		}
	}
	if err := json.Unmarshal(r.Body, &f); err != nil {
		t.Fatal(err)
	}
	type row struct {
		name, category, group string
		entry, mid, senior    int
	}
	want := []row{
		{"Cloud Infrastructure Management", "technical", "primary", 2, 4, 5},
		{"Continuous Integration/Continuous Deployment (CI/CD)", "technical", "primary", 2, 4, 5},
		{"Collaboration and Communication", "interpersonal", "primary", 2, 3, 4},
		{"Problem Solving", "analytical", "supporting", 2, 3, 4},
		{"Security Best Practices", "technical", "supporting", 1, 3, 5},
		{"Automation and Scripting", "technical", "supporting", 2, 4, 5},
		{"Monitoring and Performance Tuning", "operational", "supporting", 1, 3, 4},
		{"Agile Methodologies", "operational", "supporting", 1, 3, 4},
	}
	if f.Role.Title != "DevOps Engineer" || f.Industry != "finance" || len(f.Competencies) != len(want) {
		t.Fatalf("got %s / %s with %d competencies, want DevOps Engineer / finance with 8", f.Role.Title, f.Industry, len(f.Competencies))
	}
	for i, w := range want {
		c := f.Competencies[i]
		got := row{c.Name, c.Category, c.Group, c.Levels.Entry, c.Levels.Mid, c.Levels.Senior}
		if got != w {
			t.Errorf("row %d: got %+v, want %+v", i, got, w)
		}
		if c.Required.Level != w.mid {
			t.Errorf("row %d: required %d, want the mid level %d", i, c.Required.Level, w.mid)
		}
	}
	if f.Competencies[0].Required.Label != "Advanced (4/5)" {
		t.Errorf("label: got %q, want Advanced (4/5)", f.Competencies[0].Required.Label)
	}
	expect(t, e.do("GET", "/v1/catalog/frameworks/astronaut", admin, nil), 404, "unknown role")
	expect(t, e.do("GET", "/v1/catalog/frameworks/devops-engineer?industry=piracy", admin, nil), 400, "unknown industry")
	expect(t, e.do("GET", "/v1/catalog/frameworks/devops-engineer?tier=guru", admin, nil), 400, "unknown tier")
	expect(t, e.do("GET", "/v1/catalog/roles", e.platform(), nil), 200, "roles")
	expect(t, e.do("GET", "/v1/catalog/competencies/problem-solving", admin, nil), 200, "competency")
	r = e.do("GET", "/v1/catalog/match?title=Sr.%20DevOps%20Engineer", admin, nil)
	expect(t, r, 200, "match")
	var m struct {
		Matched bool
		Role    struct{ Slug string }
	}
	json.Unmarshal(r.Body, &m)
	if !m.Matched || m.Role.Slug != "devops-engineer" {
		t.Errorf("match: got %s", r.Body)
	}
	expect(t, e.do("GET", "/v1/catalog/roles", "", nil), 401, "no token")
}
