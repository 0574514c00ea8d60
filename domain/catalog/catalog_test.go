package catalog_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
)

func TestLoadMeetsMinimums(t *testing.T) {
	t.Parallel()
	c, err := catalog.Load()
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if got, want := len(c.Competencies()), 80; got < want {
		t.Errorf("competencies = %d, want at least %d", got, want)
	}
	if got, want := len(c.Roles()), 30; got < want {
		t.Errorf("roles = %d, want at least %d", got, want)
	}
	if got, want := len(c.Industries()), 6; got < want {
		t.Errorf("industries = %d, want at least %d", got, want)
	}
	for _, ind := range []competency.Industry{"finance", "healthcare", "technology", "retail", "manufacturing", "public-sector"} {
		if _, err := c.ParseIndustry(string(ind)); err != nil {
			t.Errorf("ParseIndustry(%q) error = %v, want nil", ind, err)
		}
	}
	if got := c.Version(); got != catalog.Version || got == "" {
		t.Errorf("Version() = %q, want %q", got, catalog.Version)
	}
}

func TestCatalogContent(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	comps := c.Competencies()
	if !slices.IsSortedFunc(comps, func(a, b competency.Competency) int { return strings.Compare(a.Slug, b.Slug) }) {
		t.Error("Competencies() not sorted by slug")
	}
	names := map[string]string{}
	for _, comp := range comps {
		if err := comp.Validate(); err != nil {
			t.Errorf("competency %q: %v", comp.Slug, err)
		}
		if other, dup := names[strings.ToLower(comp.Name)]; dup {
			t.Errorf("competencies %q and %q share the name %q", other, comp.Slug, comp.Name)
		}
		names[strings.ToLower(comp.Name)] = comp.Slug
		if len(comp.Aliases) == 0 {
			t.Errorf("competency %q has no aliases", comp.Slug)
		}
		kinds := map[competency.ActionKind]bool{}
		for _, as := range comp.Actions {
			for _, a := range as {
				kinds[a.Kind] = true
			}
		}
		if len(kinds) != 4 {
			t.Errorf("competency %q uses %d action kinds, want all 4", comp.Slug, len(kinds))
		}
	}
	roles := c.Roles()
	if !slices.IsSortedFunc(roles, func(a, b catalog.RoleInfo) int { return strings.Compare(a.Role.Slug, b.Role.Slug) }) {
		t.Error("Roles() not sorted by slug")
	}
	for _, ri := range roles {
		f, err := c.Framework(ri.Role.Slug, "")
		if err != nil {
			t.Fatalf("Framework(%q, \"\") error = %v", ri.Role.Slug, err)
		}
		if p, s := len(f.Primary()), len(f.Supporting()); p < 3 || s < 3 {
			t.Errorf("role %q: %d primary, %d supporting, want at least 3 each", ri.Role.Slug, p, s)
		}
		for _, ind := range c.Industries() {
			f, err := c.Framework(ri.Role.Slug, ind)
			if err != nil {
				t.Fatalf("Framework(%q, %q) error = %v", ri.Role.Slug, ind, err)
			}
			for _, e := range f.Entries {
				for _, a := range e.Adjustments {
					if strings.TrimSpace(a.Reason) == "" {
						t.Errorf("%s/%s: adjustment of %q without a reason", ri.Role.Slug, ind, e.Competency.Slug)
					}
				}
				for i, tier := range competency.Tiers[1:] {
					if e.Levels.At(tier) < e.Levels.At(competency.Tiers[i]) {
						t.Errorf("%s/%s: %q levels %v decrease", ri.Role.Slug, ind, e.Competency.Slug, e.Levels)
					}
				}
			}
		}
	}
}

// TestDevOpsFinance asserts DESIGN §4's reference row exactly.
func TestDevOpsFinance(t *testing.T) {
	t.Parallel()
	type row struct {
		name, category, group string
		entry, mid, senior    competency.Level
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
	c := catalog.Default()
	ind, err := c.ParseIndustry("finance")
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.Framework("devops-engineer", ind)
	if err != nil {
		t.Fatalf("Framework() error = %v", err)
	}
	if f.Role != (competency.Role{Slug: "devops-engineer", Title: "DevOps Engineer"}) || f.Industry != "finance" {
		t.Errorf("role, industry = %+v, %q; want devops-engineer DevOps Engineer, finance", f.Role, f.Industry)
	}
	var got []row
	for _, e := range f.Entries {
		got = append(got, row{e.Competency.Name, e.Competency.Category.String(), e.Group.String(),
			e.Levels.At(competency.TierEntry), e.Levels.At(competency.TierMid), e.Levels.At(competency.TierSenior)})
	}
	if !slices.Equal(got, want) {
		t.Errorf("devops-engineer/finance:\n got  %v\n want %v", got, want)
	}
}

func TestFrameworkVariant(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	base, err := c.Framework("devops-engineer", "")
	if err != nil {
		t.Fatal(err)
	}
	fin, err := c.Framework("devops-engineer", "finance")
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := base.Entry("security-best-practices")
	finSec, _ := fin.Entry("security-best-practices")
	if got, want := sec.Levels.At(competency.TierSenior), competency.Advanced; got != want {
		t.Errorf("base senior security = %v, want %v", got, want)
	}
	wantAdj := competency.Adjustment{Tier: competency.TierSenior, From: competency.Advanced, To: competency.Expert}
	if len(finSec.Adjustments) != 1 || finSec.Adjustments[0].Reason == "" {
		t.Fatalf("finance security adjustments = %+v, want one with a reason", finSec.Adjustments)
	}
	if got := finSec.Adjustments[0]; got.Tier != wantAdj.Tier || got.From != wantAdj.From || got.To != wantAdj.To {
		t.Errorf("adjustment = %+v, want %+v", got, wantAdj)
	}
	health, err := c.Framework("devops-engineer", "healthcare")
	if err != nil {
		t.Fatal(err)
	}
	added, ok := health.Entry("regulatory-compliance")
	if !ok || added.Group != competency.Supporting || len(added.Adjustments) != 3 || added.Adjustments[0].From != 0 {
		t.Errorf("healthcare regulatory-compliance = %+v, %v; want a supporting entry added with 3 adjustments from 0", added, ok)
	}
	if got, want := len(health.Entries), len(base.Entries)+1; got != want {
		t.Errorf("healthcare entries = %d, want %d", got, want)
	}
}

func TestFrameworkErrors(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	tests := []struct {
		role     string
		industry competency.Industry
		want     error
	}{
		{"no-such-role", "finance", catalog.ErrUnknownRole},
		{"devops-engineer", "space-mining", catalog.ErrUnknownIndustry},
	}
	for _, tc := range tests {
		_, err := c.Framework(tc.role, tc.industry)
		if !errors.Is(err, tc.want) {
			t.Errorf("Framework(%q, %q) error = %v, want %v", tc.role, tc.industry, err, tc.want)
		}
	}
	_, err := c.ParseIndustry("Space Mining")
	if !errors.Is(err, catalog.ErrUnknownIndustry) || !strings.Contains(err.Error(), "public-sector") {
		t.Errorf("ParseIndustry error = %v, want ErrUnknownIndustry listing valid industries", err)
	}
	if got, err := c.ParseIndustry(" Finance "); err != nil || got != "finance" {
		t.Errorf("ParseIndustry(\" Finance \") = %q, %v; want finance, nil", got, err)
	}
}

func TestLookups(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	if c != catalog.Default() {
		t.Error("Default() returned different catalogs")
	}
	ri, ok := c.Role("registered-nurse")
	if !ok || ri.Role.Title != "Registered Nurse" || !slices.Contains(ri.Industries, "healthcare") || !slices.Contains(ri.ONetCodes, "29-1141.00") {
		t.Errorf("Role(registered-nurse) = %+v, %v", ri, ok)
	}
	if _, ok := c.Role("astronaut"); ok {
		t.Error("Role(astronaut) found, want not found")
	}
	comp, ok := c.Competency("ci-cd")
	if !ok || comp.Name != "Continuous Integration/Continuous Deployment (CI/CD)" {
		t.Errorf("Competency(ci-cd) = %q, %v", comp.Name, ok)
	}
	// Returned values are copies: changing them leaves the catalog alone.
	comp.Keywords[0] = "changed"
	comp.Actions[competency.Basic][0].Title = "changed"
	again, _ := c.Competency("ci-cd")
	if again.Keywords[0] == "changed" || again.Actions[competency.Basic][0].Title == "changed" {
		t.Error("changing a returned competency changed the catalog")
	}
}
