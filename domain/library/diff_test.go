package library_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/library"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	before := fixtureInputs(t, "northgate")
	old := mustBuild(t, before)
	if d := library.Diff(old, old); !d.IsZero() {
		t.Errorf("Diff(lib, lib) = %+v, want nothing", d)
	}

	// Overrides and a value removed, same documents: exact fields.
	curated := before
	curated.Values = before.Values[:1]
	curated.Overrides = []library.Override{
		{Slug: "visual-merchandising", Status: library.StatusRetired},
		{Slug: "cash-handling", Name: "Till Handling"},
	}
	cur := mustBuild(t, curated)
	d := library.Diff(old, cur)
	if len(d.Added) != 0 {
		t.Errorf("Added = %v, want none", d.Added)
	}
	if want := []string{library.ValueSlug(before.Values[1].Name)}; !cmp.Equal(d.Removed, want) {
		t.Errorf("Removed = %v, want %v", d.Removed, want)
	}
	want := []library.Change{
		{Slug: "cash-handling", Fields: []string{"name", "reasons", "frameworks"}},
		{Slug: "visual-merchandising", Fields: []string{"status", "reasons", "frameworks"}},
	}
	if diff := cmp.Diff(want, d.Changed); diff != "" {
		t.Errorf("Changed (-want +got):\n%s", diff)
	}

	// A new document: new competencies are added, others' evidence moves.
	grown := before
	grown.Documents = append(slices.Clone(before.Documents), library.Document{ID: "northgate/it.md",
		Text: "Every deployment of the store systems goes through our CI/CD pipeline. Continuous integration runs on every commit."})
	next := mustBuild(t, grown)
	d = library.Diff(old, next)
	if !slices.Contains(d.Added, "ci-cd") {
		t.Errorf("Added = %v, want ci-cd", d.Added)
	}
	for _, slug := range d.Added {
		if _, inOld := old.Competency(slug); inOld {
			t.Errorf("Added %s, which the old library has", slug)
		}
	}
	if len(d.Removed) != 0 {
		t.Errorf("Removed = %v, want none", d.Removed)
	}
	for _, c := range d.Changed {
		if slices.Contains(c.Fields, "name") || slices.Contains(c.Fields, "status") {
			t.Errorf("Changed %s fields %v: a new document changes no name or status", c.Slug, c.Fields)
		}
	}
	if !slices.IsSorted(d.Added) || !slices.IsSortedFunc(d.Changed, func(a, b library.Change) int { return cmpString(a.Slug, b.Slug) }) {
		t.Errorf("Diff not in slug order: %+v", d)
	}
	d = library.Diff(old, cur)
	added, removed, changed := cur.Summary(old)
	if added != len(d.Added) || removed != len(d.Removed) || changed != len(d.Changed) {
		t.Errorf("Summary = %d/%d/%d, want %d/%d/%d", added, removed, changed, len(d.Added), len(d.Removed), len(d.Changed))
	}
	// The reverse diff swaps added and removed.
	back := library.Diff(cur, old)
	if !cmp.Equal(back.Added, d.Removed) || !cmp.Equal(back.Removed, d.Added) {
		t.Errorf("reverse Diff = %+v, want added and removed swapped", back)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
