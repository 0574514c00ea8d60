package library_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
)

// branchManual and vaultGuide are a bank's documents: a section on safe
// deposit boxes (no catalog competency), one that names a catalog
// competency, and sections that must never become proposals (a job title,
// a time phrase, document furniture, a generic verb).
const (
	branchManual = `Branch Manual

Scope

This manual applies to every branch of the bank and to every colleague who works in one.
It is reviewed every year by the head of branch operations and published on the intranet.

Safe deposit boxes

Every safe deposit box holder must show photo identification before the vault is opened.
Two colleagues must always be present when a safe deposit box is opened, and both sign the box register.
Never handle the contents of a safe deposit box; the holder opens it alone in the viewing room.
Record every visit to the safe deposit boxes in the vault log before the holder leaves the branch.

Branch Manager

The branch manager leads the branch team and answers for its results every quarter.
The branch manager agrees each colleague's objectives and reviews them with the area director.

First 90 days

In your first weeks you shadow an experienced colleague on the counter and in the back office.
By the end of the period you run the counter alone and know when to call for help.

Working together

We help each other out when the queue is long and we share what we learn at the morning huddle.
Nobody leaves the branch at closing time until the whole team is done for the day.
`
	vaultGuide = `Vault Guide

Cash handling

Count the till float at the start of every shift and record it on the cash sheet.
Refunds over fifty pounds need a supervisor to approve them at the till.

Safe deposit boxes

The safe deposit box register is checked against the vault log every month by two colleagues.
A safe deposit box that has not been visited for five years is reported to the branch manager.
`
)

func TestSectionsProposeOnlyConcepts(t *testing.T) {
	t.Parallel()
	lib := mustBuild(t, library.Inputs{Industry: "finance", Documents: []library.Document{
		{ID: "manual", Title: "Branch Manual", Text: branchManual},
		{ID: "vault", Title: "Vault Guide", Text: vaultGuide},
	}})
	var proposals []string
	for _, c := range lib.Competencies {
		if c.Origin == library.OriginDocument {
			proposals = append(proposals, c.Slug)
		}
	}
	if !slices.Equal(proposals, []string{"safe-deposit-boxes"}) {
		t.Fatalf("proposals %v, want only safe-deposit-boxes (no job title, time phrase, furniture or generic verb)", proposals)
	}
	c, _ := lib.Competency("safe-deposit-boxes")
	if c.Name != "Safe Deposit Boxes" || c.Status != library.StatusProposed || len(c.Reasons) == 0 ||
		!strings.Contains(c.Reasons[0], "the section “Safe deposit boxes” of document “Branch Manual”") {
		t.Errorf("proposal: name %q status %s reasons %q, want it named in the heading's words with the section as reason", c.Name, c.Status, c.Reasons)
	}
	if len(c.Evidence) < 3 {
		t.Errorf("proposal evidence %q, want the section's sentences", excerpts(c.Evidence))
	}
	for _, e := range c.Evidence {
		if !strings.Contains(strings.ToLower(e.Excerpt), "safe deposit box") || branchManual[e.Start:e.End] != e.Excerpt {
			t.Errorf("evidence %q at [%d,%d): want a sentence of the section naming the concept", e.Excerpt, e.Start, e.End)
		}
	}
	// Descriptors quote the section's expectations ("must", "always",
	// "never", imperatives), one per level, in document order.
	for i, want := range []string{"photo identification", "Two colleagues must always", "Never handle", "Record every visit"} {
		if !strings.Contains(c.Levels[i].Descriptor, want) {
			t.Errorf("level %d: %q, want it drafted from the sentence with %q", i+1, c.Levels[i].Descriptor, want)
		}
	}
	if err := c.Definition().Validate(); err != nil {
		t.Errorf("proposal invalid: %v", err)
	}
	// The section whose heading names a catalog competency brings it in,
	// saying so.
	cash, ok := lib.Competency("cash-handling")
	if !ok || cash.Status != library.StatusActive || !slices.ContainsFunc(cash.Reasons, func(r string) bool {
		return strings.Contains(r, "the section “Cash handling” of document “Vault Guide” is about it")
	}) && !slices.ContainsFunc(cash.Reasons, func(r string) bool { return strings.HasPrefix(r, "relevance") }) {
		t.Errorf("cash-handling: %v %s reasons %q, want it active for its section", ok, cash.Status, cash.Reasons)
	}
}

// plantDocs is a machining plant's safety rules: PPE everywhere, nothing
// about infection.
var plantDocs = []library.Document{
	{ID: "rules", Title: "Shop floor rules", Text: "Damaged PPE is replaced at the stores counter before the shift starts. " +
		"Wear PPE on the shop floor at all times, including safety glasses and ear defenders. " +
		"Supervisors check PPE at the start of every shift and record the check. " +
		"Report every near miss to the shift supervisor. Lockout tagout applies to every machine before maintenance."},
}

func TestIndustryFitKeepsOtherIndustriesOut(t *testing.T) {
	t.Parallel()
	lib := mustBuild(t, library.Inputs{Industry: "manufacturing", Documents: plantDocs})
	if c, ok := lib.Competency("infection-control"); ok {
		t.Fatalf("infection-control in a machining plant's library (relevance %v, evidence %q)", c.Relevance, excerpts(c.Evidence))
	}
	i := slices.IndexFunc(lib.Considered, func(c library.Considered) bool { return c.Slug == "infection-control" })
	if i < 0 || !strings.Contains(lib.Considered[i].Reason, "a competency of healthcare needs relevance 0.85") {
		t.Errorf("considered %+v, want infection-control left out for its industry", lib.Considered)
	}
	if _, ok := lib.Competency("health-safety"); !ok {
		t.Errorf("health-safety not in the plant's library")
	}
	// A clinic whose documents say the same is a healthcare company:
	// infection control needs no more than the usual threshold there, and
	// the same documents with hand hygiene and isolation named bring it
	// in anywhere.
	clinic := slices.Clone(plantDocs)
	clinic = append(clinic, library.Document{ID: "ipc", Title: "Infection prevention", Text: "Hand hygiene before and after every patient contact. " +
		"Patients with suspected infections are nursed in isolation, and aseptic technique is used for every dressing."})
	for _, ind := range []competency.Industry{"healthcare", "manufacturing"} {
		lib := mustBuild(t, library.Inputs{Industry: ind, Documents: clinic})
		if c, ok := lib.Competency("infection-control"); !ok || c.Status != library.StatusActive {
			t.Errorf("%s: infection-control %v, want it active on hand hygiene, isolation and aseptic technique", ind, ok)
		}
	}
}

func TestEvidenceIsAboutTheCompetency(t *testing.T) {
	t.Parallel()
	docs := []library.Document{{ID: "fresh", Title: "Fresh standards", Text: "Record chiller and freezer temperatures at opening and at closing. " +
		"Close the sale only when the customer has what they need. " +
		"Our advisers practise consultative selling: they ask about the customer's needs before they recommend a product, and handle objections honestly."}}
	lib := mustBuild(t, library.Inputs{Industry: "retail", Documents: docs})
	var all []library.Evidence
	c, ok := lib.Competency("consultative-selling")
	all = append(all, c.Evidence...)
	for _, k := range lib.Considered {
		if k.Slug == "consultative-selling" {
			ok = true
			all = append(all, k.Evidence...)
		}
	}
	if !ok || !slices.ContainsFunc(all, func(e library.Evidence) bool { return strings.Contains(e.Excerpt, "consultative selling") }) {
		t.Fatalf("consultative-selling: %v with evidence %q, want the sentence that names it", ok, excerpts(all))
	}
	for _, e := range all {
		if strings.Contains(e.Excerpt, "chiller") {
			t.Errorf("consultative-selling evidenced by %q", e.Excerpt)
		}
	}
	for _, x := range lib.Competencies {
		for _, e := range x.Evidence {
			if strings.Contains(e.Excerpt, "chiller") && x.Slug == "consultative-selling" {
				t.Errorf("%s evidenced by %q", x.Slug, e.Excerpt)
			}
		}
	}
}

func TestConsideredAndReasons(t *testing.T) {
	t.Parallel()
	lib := mustBuild(t, library.Inputs{Industry: "manufacturing", Documents: plantDocs, Values: []library.Value{{Name: "Safety first", Description: "We stop the line when something is unsafe."}}})
	if len(lib.Considered) == 0 {
		t.Fatal("nothing considered")
	}
	for i, k := range lib.Considered {
		if _, in := lib.Competency(k.Slug); in {
			t.Errorf("%s both in the library and considered-and-left-out", k.Slug)
		}
		if k.Reason == "" || k.Name == "" || (i > 0 && lib.Considered[i-1].Slug >= k.Slug) {
			t.Errorf("considered %d: %+v, want a reason and slug order", i, k)
		}
	}
	for _, c := range lib.Competencies {
		if len(c.Reasons) == 0 {
			t.Errorf("%s has no reason", c.Slug)
		}
		if c.Status == library.StatusActive && c.Origin == library.OriginCatalog && len(c.Evidence) == 0 &&
			!slices.ContainsFunc(c.Reasons, func(r string) bool { return strings.Contains(r, "framework") }) {
			t.Errorf("%s active with no evidence and no role framework: %q", c.Slug, c.Reasons)
		}
	}
}

func TestHeadingConcepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ heading, concept, not string }{
		{"Safe deposit boxes", "Safe deposit boxes", ""},
		{"2. How we detect fraud", "detect fraud", ""},
		{"Why wound care matters", "wound care", ""},
		{"Patient privacy and confidentiality", "Patient privacy and confidentiality", ""},
		{"Project (Initiative)", "Project", ""},
		{"The grill", "grill", ""},
		{"Section 4: Cold chain procedure", "Cold chain", ""},
		{"Store Manager", "Store Manager", "a job title"},
		{"Retail Sales Associate", "Retail Sales Associate", "a job title"},
		{"Night shift", "Night shift", "a time phrase"},
		{"First 90 days", "First 90 days", "a time phrase"},
		{"Scope", "Scope", "document furniture"},
		{"Document control", "Document control", "document furniture"},
		{"Related documents", "Related documents", "document furniture"},
		{"Working together", "Working together", "a generic verb"},
		{"Getting started", "Getting started", "a generic verb"},
		{"Builds systems that scale reliably", "", ""},
		{"Full shelves, in date", "Full shelves", ""},
		{"Trips, visits and fixtures", "Trips, visits and fixtures", ""},
		{"Recalls and withdrawals", "Recalls and withdrawals", ""},
		{"Part A: Assessing claims", "Assessing claims", ""},
		{"Looking after the self-checkouts", "Looking after the self-checkouts", ""},
		{"Dealing with customer complaints", "customer complaints", ""},
		{"When an emergency happens", "emergency", ""},
	} {
		got := library.HeadingConcept(tc.heading)
		if got != tc.concept {
			t.Errorf("HeadingConcept(%q) = %q, want %q", tc.heading, got, tc.concept)
			continue
		}
		if got == "" {
			continue
		}
		if not := library.NotAConcept(got); not != tc.not {
			t.Errorf("NotAConcept(%q) = %q, want %q", got, not, tc.not)
		}
	}
}
