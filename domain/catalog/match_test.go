package catalog_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/catalog"
)

// onetTitles are real alternate titles from O*NET 28 (Alternate
// Titles.txt) with the catalog role they should map to.
var onetTitles = []struct{ title, role string }{
	{"DevOps Engineer (Development Operations Engineer)", "devops-engineer"},
	{"Site Reliability Engineer", "devops-engineer"},
	{"Cloud Engineer", "devops-engineer"},
	{"Technical Platform Engineer", "devops-engineer"},
	{"Java Developer", "software-engineer"},
	{"Application Developer", "software-engineer"},
	{"Front End Developer", "frontend-developer"},
	{"Applications Tester", "qa-engineer"},
	{"QA Analyst", "qa-engineer"},
	{"Big Data Engineer", "data-engineer"},
	{"Database Analyst", "database-administrator"},
	{"Data Scientist", "data-scientist"},
	{"Applied Statistician", "data-scientist"},
	{"BI Analyst", "data-analyst"},
	{"Information Security Analyst", "security-engineer"},
	{"Penetration Tester", "security-engineer"},
	{"Network Engineer", "network-engineer"},
	{"Systems Administrator", "network-engineer"},
	{"Help Desk Analyst", "it-support-specialist"},
	{"IT Manager", "engineering-manager"},
	{"Product Manager", "product-manager"},
	{"IT Project Manager", "project-manager"},
	{"User Experience Designer (UX Designer)", "ux-designer"},
	{"Graphic Designer", "graphic-designer"},
	{"Business Systems Analyst", "business-analyst"},
	{"Technical Writer", "technical-writer"},
	{"Account Executive", "sales-representative"},
	{"Sales Manager", "sales-manager"},
	{"Customer Service Representative", "customer-support-representative"},
	{"Marketing Coordinator", "marketing-specialist"},
	{"Financial Analyst", "financial-analyst"},
	{"Budget Analyst", "financial-analyst"},
	{"Staff Accountant", "accountant"},
	{"Compliance Officer", "compliance-officer"},
	{"HR Generalist", "hr-generalist"},
	{"Training Specialist", "learning-development-specialist"},
	{"Operations Manager", "operations-manager"},
	{"Logistics Analyst", "supply-chain-analyst"},
	{"Staff Nurse", "registered-nurse"},
	{"Bilingual Medical Assistant", "medical-assistant"},
	{"Retail Sales Associate", "retail-sales-associate"},
	{"Store Manager", "store-manager"},
	{"Production Supervisor", "production-supervisor"},
	{"Manufacturing Engineer", "manufacturing-engineer"},
	{"Maintenance Technician", "maintenance-technician"},
	{"Policy Analyst", "policy-analyst"},
	{"Child Welfare Caseworker", "caseworker"},
}

// TestMatchONetTitles matches every O*NET title as written and in two
// disguises a company's HR system might use (seniority and abbreviations,
// different case and punctuation), and requires at least 90 % accuracy.
func TestMatchONetTitles(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	variants := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return "Sr. " + s + " II" },
		func(s string) string { return "senior " + s + " - lead" },
	}
	total, hits := 0, 0
	for _, tc := range onetTitles {
		for _, v := range variants {
			title := v(tc.title)
			total++
			m, ok := c.Match(title)
			if ok && m.Role.Slug == tc.role {
				hits++
				continue
			}
			t.Logf("miss: Match(%q) = %q (via %q, score %.2f, ok %v), want %q", title, m.Role.Slug, m.Via, m.Score, ok, tc.role)
		}
	}
	acc := float64(hits) / float64(total)
	t.Logf("title matching accuracy: %d/%d = %.1f%%", hits, total, 100*acc)
	if acc < 0.9 {
		t.Errorf("accuracy = %.1f%%, want at least 90%%", 100*acc)
	}
}

// TestMatch covers the titles the design names and titles that must not
// match anything.
func TestMatch(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	tests := []struct {
		title string
		want  string // "" = no match
		exact bool
	}{
		{"Sr. DevOps Engineer", "devops-engineer", true},
		{"Site Reliability Engineer", "devops-engineer", true},
		{"Platform Engineer", "devops-engineer", true},
		{"Cloud Engineer II", "devops-engineer", true},
		{"DEVOPS ENGINEER III", "devops-engineer", true},
		{"Kubernetes Platform Eng", "devops-engineer", false},
		{"Jr. Software Eng", "software-engineer", true},
		{"Store Mgr", "store-manager", true},
		{"Registered Nurses", "registered-nurse", true},
		{"Chief Happiness Wizard", "", false},
		{"", "", false},
		{"Sr. II Lead", "", false},
		{"Galactic Emperor", "", false},
	}
	for _, tc := range tests {
		m, ok := c.Match(tc.title)
		if ok != (tc.want != "") || m.Role.Slug != tc.want {
			t.Errorf("Match(%q) = %q, %v (via %q, score %.2f); want %q", tc.title, m.Role.Slug, ok, m.Via, m.Score, tc.want)
			continue
		}
		if ok && (m.Score == 1) != tc.exact {
			t.Errorf("Match(%q) score = %.2f, want exact hit %v", tc.title, m.Score, tc.exact)
		}
		if ok && (m.Score < catalog.MatchThreshold || m.Score > 1 || m.Via == "") {
			t.Errorf("Match(%q) = score %.2f via %q, want score in [threshold, 1] and a via", tc.title, m.Score, m.Via)
		}
	}
}
