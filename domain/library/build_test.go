package library_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
)

func mustBuild(t testing.TB, in library.Inputs) library.Library {
	t.Helper()
	lib, err := library.Build(in)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return lib
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return string(b)
}

func TestBuildDeterministic(t *testing.T) {
	t.Parallel()
	in := goldenInputs(t)
	want := mustJSON(t, mustBuild(t, in))
	// The same inputs in another order build the same bytes.
	shuffled := in
	shuffled.Documents = slices.Clone(in.Documents)
	slices.Reverse(shuffled.Documents)
	shuffled.Overrides = slices.Clone(in.Overrides)
	slices.Reverse(shuffled.Overrides)
	for range 3 {
		if got := mustJSON(t, mustBuild(t, shuffled)); got != want {
			t.Fatalf("Build of reordered inputs differs from the original")
		}
	}
	if library.Digest(in) != library.Digest(shuffled) {
		t.Errorf("Digest differs for reordered inputs")
	}
	if d := library.Digest(in); !strings.HasPrefix(d, "sha256:") || len(d) != len("sha256:")+64 {
		t.Errorf("Digest = %q, want sha256:<64 hex>", d)
	}
	// Any change of content changes the digest.
	changes := map[string]func(in *library.Inputs){
		"document text": func(in *library.Inputs) { in.Documents[0].Text += " More." },
		"document added": func(in *library.Inputs) {
			in.Documents = append(in.Documents, library.Document{ID: "x", Text: "Kubernetes."})
		},
		"value":       func(in *library.Inputs) { in.Values[0].Description = "Other words." },
		"value order": func(in *library.Inputs) { slices.Reverse(in.Values) },
		"role":        func(in *library.Inputs) { in.Roles = []string{"devops-engineer"} },
		"override":    func(in *library.Inputs) { in.Overrides[0].Status = library.StatusActive },
		"industry":    func(in *library.Inputs) { in.Industry = "healthcare" },
	}
	for name, change := range changes {
		c := in
		c.Documents = slices.Clone(in.Documents)
		c.Values = slices.Clone(in.Values)
		c.Overrides = slices.Clone(in.Overrides)
		change(&c)
		if library.Digest(c) == library.Digest(in) {
			t.Errorf("%s: digest unchanged, want a new digest", name)
		}
	}
}

func TestBuildRejects(t *testing.T) {
	t.Parallel()
	ok := library.Inputs{Industry: "finance", Documents: []library.Document{{ID: "a", Text: "We run Kubernetes."}}}
	tests := []struct {
		name string
		edit func(in *library.Inputs)
		want error
	}{
		{"unknown industry", func(in *library.Inputs) { in.Industry = "space-mining" }, library.ErrInvalidInputs},
		{"document without id", func(in *library.Inputs) { in.Documents = append(in.Documents, library.Document{Text: "x"}) }, library.ErrInvalidInputs},
		{"duplicate document id", func(in *library.Inputs) { in.Documents = append(in.Documents, library.Document{ID: "a", Text: "x"}) }, library.ErrInvalidInputs},
		{"invalid override", func(in *library.Inputs) { in.Overrides = []library.Override{{Slug: "Not A Slug"}} }, library.ErrInvalidOverride},
		{"duplicate override", func(in *library.Inputs) {
			in.Overrides = []library.Override{{Slug: "sql", Pinned: true}, {Slug: "sql", Status: library.StatusRetired}}
		}, library.ErrInvalidOverride},
	}
	for _, tc := range tests {
		in := ok
		in.Documents = slices.Clone(ok.Documents)
		tc.edit(&in)
		if _, err := library.Build(in); !errors.Is(err, tc.want) {
			t.Errorf("%s: Build error = %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := library.Build(ok); err != nil {
		t.Errorf("valid inputs: Build error = %v", err)
	}
}

func TestBuildWithoutDocuments(t *testing.T) {
	t.Parallel()
	// Only roles: the catalog frameworks, untouched, with no evidence.
	lib := mustBuild(t, library.Inputs{Industry: "finance", Roles: []string{"devops-engineer", "no-such-role"}})
	if len(lib.Frameworks) != 1 || lib.Frameworks[0].Role.Slug != "devops-engineer" {
		t.Fatalf("frameworks %v, want only devops-engineer", roleSlugs(lib))
	}
	want, err := catalog.Default().Framework("devops-engineer", "finance")
	if err != nil {
		t.Fatal(err)
	}
	got, ok := lib.RoleFramework("devops-engineer")
	if !ok {
		t.Fatal("RoleFramework(devops-engineer) not found")
	}
	if len(got.Entries) != len(want.Entries) {
		t.Fatalf("got %d entries, want the catalog's %d", len(got.Entries), len(want.Entries))
	}
	for i, e := range want.Entries {
		g := got.Entries[i]
		if g.Competency.Slug != e.Competency.Slug || g.Levels != e.Levels || g.Group != e.Group {
			t.Errorf("entry %d: got %s %v %v, want %s %v %v", i, g.Competency.Slug, g.Group, g.Levels, e.Competency.Slug, e.Group, e.Levels)
		}
	}
	for _, c := range lib.Competencies {
		if c.Relevance != 0 || len(c.Evidence) != 0 {
			t.Errorf("%s: relevance %v with %d evidence and no documents", c.Slug, c.Relevance, len(c.Evidence))
		}
	}
	// Nothing at all: an empty library, not an error.
	empty := mustBuild(t, library.Inputs{})
	if len(empty.Competencies) != 0 || len(empty.Frameworks) != 0 {
		t.Errorf("empty inputs: %d competencies, %d frameworks; want none", len(empty.Competencies), len(empty.Frameworks))
	}
	if got := mustJSON(t, empty); !strings.Contains(got, `"competencies":[]`) || !strings.Contains(got, `"frameworks":[]`) {
		t.Errorf("empty library JSON %s, want empty arrays", got)
	}
}

func TestRoleFrameworksValidate(t *testing.T) {
	t.Parallel()
	libs := []library.Library{mustBuild(t, goldenInputs(t))}
	for _, f := range loadFixtures(t) {
		libs = append(libs, mustBuild(t, f.in))
	}
	n := 0
	for _, lib := range libs {
		for _, fw := range lib.Frameworks {
			rf, ok := lib.RoleFramework(fw.Role.Slug)
			if !ok {
				t.Fatalf("RoleFramework(%s) not found", fw.Role.Slug)
			}
			if err := rf.Validate(); err != nil {
				t.Errorf("RoleFramework(%s).Validate() = %v", fw.Role.Slug, err)
			}
			for _, e := range rf.Entries {
				c, _ := lib.Competency(e.Competency.Slug)
				if c.Status != library.StatusActive {
					t.Errorf("%s: entry %s has status %s, want only active competencies", fw.Role.Slug, c.Slug, c.Status)
				}
				if len(e.Competency.ActionsFor(competency.Expert)) == 0 || e.Competency.Descriptor(competency.Basic) == "" {
					t.Errorf("%s: entry %s lacks descriptors or actions", fw.Role.Slug, c.Slug)
				}
			}
			for _, e := range fw.Competencies {
				if e.Reason == "" {
					t.Errorf("%s: entry %s has no reason", fw.Role.Slug, e.Slug)
				}
			}
			n++
		}
	}
	if n < 5 {
		t.Errorf("checked %d frameworks, want at least 5", n)
	}
	if _, ok := libs[0].RoleFramework("no-such-role"); ok {
		t.Errorf("RoleFramework(no-such-role) found, want false")
	}
}

func TestTailoringByStrongEvidence(t *testing.T) {
	t.Parallel()
	docs := []library.Document{
		{ID: "a", Text: "Every engineer owns the CI/CD pipeline of their service. Continuous integration runs on every commit.\n\nContinuous deployment ships to production behind flags."},
		{ID: "b", Text: "Our continuous integration pipeline must stay green. Continuous delivery is how we release.\n\nWe review the CI/CD pipeline every sprint."},
		{ID: "c", Text: "Continuous integration and continuous deployment are non-negotiable here."},
	}
	lib := mustBuild(t, library.Inputs{Industry: "finance", Roles: []string{"devops-engineer"}, Documents: docs})
	fw, _ := lib.Framework("devops-engineer")
	i := slices.IndexFunc(fw.Competencies, func(e library.FrameworkEntry) bool { return e.Slug == "ci-cd" })
	if i < 0 {
		t.Fatal("ci-cd not in the devops-engineer framework")
	}
	e := fw.Competencies[i]
	// Catalog: 2/4/5. Senior is already Expert, so mid is raised.
	if got := e.Levels.String(); got != "2/5/5" {
		t.Errorf("ci-cd levels %s, want 2/5/5 (mid raised by strong evidence)", got)
	}
	if len(e.Adjustments) != 1 {
		t.Fatalf("adjustments %+v, want one", e.Adjustments)
	}
	a := e.Adjustments[0]
	if a.Tier != competency.TierMid || a.From != 4 || a.To != 5 || !strings.Contains(a.Reason, "relevance") || !strings.Contains(a.Reason, " in ") {
		t.Errorf("adjustment %+v, want mid 4→5 citing relevance and a document", a)
	}
	// A competency without evidence keeps the catalog levels.
	j := slices.IndexFunc(fw.Competencies, func(e library.FrameworkEntry) bool { return e.Slug == "agile-methodologies" })
	if j < 0 || fw.Competencies[j].Levels.String() != "1/3/4" || len(fw.Competencies[j].Adjustments) != 0 {
		t.Errorf("agile-methodologies entry %+v, want the catalog's 1/3/4 untouched", fw.Competencies[j])
	}
}

func TestLookups(t *testing.T) {
	t.Parallel()
	lib := mustBuild(t, goldenInputs(t))
	if !slices.IsSortedFunc(lib.Competencies, func(a, b library.Competency) int { return strings.Compare(a.Slug, b.Slug) }) {
		t.Errorf("competencies not sorted by slug")
	}
	for _, c := range lib.Competencies {
		got, ok := lib.Competency(c.Slug)
		if !ok || got.Slug != c.Slug {
			t.Errorf("Competency(%s) = %v, %v", c.Slug, got.Slug, ok)
		}
		if c.Relevance < 0 || c.Relevance > 1 {
			t.Errorf("%s: relevance %v out of [0,1]", c.Slug, c.Relevance)
		}
		if len(c.Reasons) == 0 {
			t.Errorf("%s: no reasons", c.Slug)
		}
		if err := c.Definition().Validate(); err != nil {
			t.Errorf("%s: Definition().Validate() = %v", c.Slug, err)
		}
	}
	if _, ok := lib.Competency("no-such-competency"); ok {
		t.Errorf("Competency(no-such-competency) found")
	}
	if _, ok := lib.Framework("no-such-role"); ok {
		t.Errorf("Framework(no-such-role) found")
	}
}
