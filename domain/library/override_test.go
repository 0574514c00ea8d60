package library_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
)

// fixtureInputs returns the inputs of the named quality fixture.
func fixtureInputs(t *testing.T, name string) library.Inputs {
	t.Helper()
	for _, f := range loadFixtures(t) {
		if f.name == name {
			return f.in
		}
	}
	t.Fatalf("no fixture %s", name)
	return library.Inputs{}
}

func TestOverrides(t *testing.T) {
	t.Parallel()
	full := fixtureInputs(t, "northgate")
	// A section no catalog competency covers, so there is a proposal to
	// approve (the catalog now covers shoplifting prevention).
	full.Documents = append(slices.Clone(full.Documents), library.Document{ID: "northgate/loss-prevention-lockers.md", Title: "Lockers",
		Text: "Customer lockers\n\nCustomer lockers by the entrance must be checked for left items at closing every night.\n" +
			"Never open customer lockers without a second colleague, and record what was inside in the lockers log.\n" +
			"Keys to the customer lockers are kept in the cash office and signed out on the lockers sheet.\n"})
	// The second set of documents drops the loss prevention guide: the
	// proposal's phrase no longer recurs, the evidence changes.
	fewer := full
	fewer.Documents = slices.DeleteFunc(slices.Clone(full.Documents), func(d library.Document) bool {
		return strings.Contains(d.ID, "loss-prevention")
	})
	base := mustBuild(t, full)
	if c, ok := base.Competency("customer-lockers"); !ok || c.Status != library.StatusProposed {
		t.Fatalf("customer-lockers %+v, want a proposal to approve", c)
	}
	if _, ok := mustBuild(t, fewer).Competency("customer-lockers"); ok {
		t.Fatalf("customer-lockers proposed without the loss prevention guide; the test needs it gone")
	}
	edited := [5]string{1: "Keeps the till balanced and explains every discrepancy over five pounds."}
	overrides := []library.Override{
		// Approving keeps the proposal's name in the override (the app
		// does so), so it survives documents that no longer raise it.
		{Slug: "customer-lockers", Status: library.StatusActive, Name: "Customer Lockers"},
		{Slug: "visual-merchandising", Status: library.StatusRetired},
		{Slug: "cash-handling", Name: "Till and Cash Handling", Description: "Runs the till accurately and safely.", Descriptors: edited},
		{Slug: "machine-learning", Pinned: true},
		{Slug: "store-opening", Custom: true, Name: "Store Opening", Category: competency.Operational,
			Description: "Opening the store safely and on time: walk the store, check the fire exits, count the float."},
		{Slug: "no-such-competency", Status: library.StatusActive},
		{Slug: "no-such-thing-either", Name: "Renamed"},
	}
	for _, docs := range []library.Inputs{full, fewer} {
		in := docs
		in.Overrides = overrides
		lib := mustBuild(t, in)
		label := map[bool]string{true: "all documents", false: "fewer documents"}[len(in.Documents) == len(full.Documents)]

		// Approve: the proposal is active, even where its phrase no longer recurs.
		if c, ok := lib.Competency("customer-lockers"); !ok || c.Status != library.StatusActive || c.Origin != library.OriginDocument ||
			c.Name != "Customer Lockers" || !slices.Contains(c.Reasons, "proposal approved by an admin") {
			t.Errorf("%s: approved proposal = %+v, %v; want active document competency", label, c.Status, ok)
		}
		// Retire: listed as retired, out of every framework.
		c, ok := lib.Competency("visual-merchandising")
		if !ok || c.Status != library.StatusRetired || !slices.Contains(c.Reasons, "retired by an admin") {
			t.Errorf("%s: retired competency = %v, %v, reasons %q", label, c.Status, ok, c.Reasons)
		}
		for _, fw := range lib.Frameworks {
			if slices.ContainsFunc(fw.Competencies, func(e library.FrameworkEntry) bool { return e.Slug == "visual-merchandising" }) {
				t.Errorf("%s: retired competency still in framework %s", label, fw.Role.Slug)
			}
			rf, _ := lib.RoleFramework(fw.Role.Slug)
			if _, ok := rf.Entry("visual-merchandising"); ok {
				t.Errorf("%s: retired competency in RoleFramework(%s)", label, fw.Role.Slug)
			}
			if err := rf.Validate(); err != nil {
				t.Errorf("%s: RoleFramework(%s).Validate() = %v", label, fw.Role.Slug, err)
			}
		}
		// Edit: name, description and one descriptor; the others as built.
		c, _ = lib.Competency("cash-handling")
		if c.Name != "Till and Cash Handling" || c.Description != "Runs the till accurately and safely." || c.Levels[1].Descriptor != edited[1] {
			t.Errorf("%s: edited competency = %q, %q, level 2 %q", label, c.Name, c.Description, c.Levels[1].Descriptor)
		}
		if c.Levels[0].Descriptor == "" || c.Levels[0].Descriptor == edited[1] {
			t.Errorf("%s: level 1 descriptor %q, want the catalog's", label, c.Levels[0].Descriptor)
		}
		fw, _ := lib.Framework("retail-sales-associate")
		if i := slices.IndexFunc(fw.Competencies, func(e library.FrameworkEntry) bool { return e.Slug == "cash-handling" }); i < 0 || fw.Competencies[i].Name != "Till and Cash Handling" {
			t.Errorf("%s: framework entry for cash-handling does not carry the edited name", label)
		}
		// Pin: kept without evidence.
		if c, ok := lib.Competency("machine-learning"); !ok || !c.Pinned || c.Status != library.StatusActive {
			t.Errorf("%s: pinned competency = %+v, %v", label, c, ok)
		}
		// Custom: added, active, with evidence from the documents.
		c, ok = lib.Competency("store-opening")
		if !ok || c.Origin != library.OriginCustom || c.Status != library.StatusActive || c.Category != competency.Operational {
			t.Errorf("%s: custom competency = %+v, %v", label, c, ok)
		}
		if err := c.Definition().Validate(); err != nil {
			t.Errorf("%s: custom competency invalid: %v", label, err)
		}
		// Unknown slugs that are not custom are ignored.
		for _, slug := range []string{"no-such-competency", "no-such-thing-either"} {
			if _, ok := lib.Competency(slug); ok {
				t.Errorf("%s: unknown override %s made a competency, want it ignored", label, slug)
			}
		}
	}
	// Without the overrides the library is as built.
	if c, _ := base.Competency("visual-merchandising"); c.Status != library.StatusActive {
		t.Errorf("without overrides visual-merchandising is %s, want active", c.Status)
	}
	if _, ok := base.Competency("machine-learning"); ok {
		t.Errorf("machine-learning in the library without a pin")
	}
}

func TestValidateOverride(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", library.MaxOverrideNameLen+1)
	tests := []struct {
		name string
		o    library.Override
		ok   bool
	}{
		{"approve", library.Override{Slug: "prevent-shoplifting", Status: library.StatusActive}, true},
		{"retire", library.Override{Slug: "sql", Status: library.StatusRetired}, true},
		{"pin", library.Override{Slug: "sql", Pinned: true}, true},
		{"edit", library.Override{Slug: "sql", Name: "SQL", Description: "Querying data.\nWith care.", Descriptors: [5]string{"a", "", "c"}}, true},
		{"custom", library.Override{Slug: "store-opening", Custom: true, Name: "Store Opening", Category: competency.Operational, Description: "d"}, true},
		{"bad slug", library.Override{Slug: "Store Opening"}, false},
		{"empty slug", library.Override{}, false},
		{"proposed status", library.Override{Slug: "sql", Status: library.StatusProposed}, false},
		{"unknown status", library.Override{Slug: "sql", Status: "deleted"}, false},
		{"name too long", library.Override{Slug: "sql", Name: long}, false},
		{"control character", library.Override{Slug: "sql", Name: "S\x00QL"}, false},
		{"invalid utf-8", library.Override{Slug: "sql", Description: "\xff"}, false},
		{"repeated descriptors", library.Override{Slug: "sql", Descriptors: [5]string{"same", "Same "}}, false},
		{"category on catalog competency", library.Override{Slug: "sql", Category: competency.Technical}, false},
		{"bad category", library.Override{Slug: "x", Custom: true, Name: "X", Category: 42, Description: "d"}, false},
		{"custom without name", library.Override{Slug: "x", Custom: true, Category: competency.Technical, Description: "d"}, false},
		{"custom without category", library.Override{Slug: "x", Custom: true, Name: "X", Description: "d"}, false},
		{"custom without description", library.Override{Slug: "x", Custom: true, Name: "X", Category: competency.Technical}, false},
	}
	for _, tc := range tests {
		err := library.ValidateOverride(tc.o)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, library.ErrInvalidOverride)) {
			t.Errorf("%s: ValidateOverride = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

func TestApprovedProposalSurvivesWithoutMentions(t *testing.T) {
	t.Parallel()
	in := library.Inputs{
		Industry:  "retail",
		Documents: []library.Document{{ID: "a", Text: "Count the float at the start of every shift."}},
		Overrides: []library.Override{{Slug: "prevent-shoplifting", Status: library.StatusActive}},
	}
	lib := mustBuild(t, in)
	c, ok := lib.Competency("prevent-shoplifting")
	if !ok || c.Status != library.StatusActive || c.Origin != library.OriginDocument || !strings.Contains(c.Description, "no longer mention") {
		t.Fatalf("approved proposal = %+v, %v; want it kept, active, saying the documents no longer mention it", c, ok)
	}
	if err := c.Definition().Validate(); err != nil {
		t.Errorf("approved proposal invalid: %v", err)
	}
	// A proposal named in the company's words (a section heading) is kept
	// by the name its approval stored.
	in.Overrides = []library.Override{{Slug: "cold-chain", Status: library.StatusActive, Name: "Cold Chain"}}
	lib = mustBuild(t, in)
	if c, ok := lib.Competency("cold-chain"); !ok || c.Status != library.StatusActive || c.Name != "Cold Chain" || c.Origin != library.OriginDocument {
		t.Fatalf("approved section proposal = %+v, %v; want it kept, active, named as approved", c, ok)
	}
}
