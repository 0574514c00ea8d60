package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// incidentReview is a custom competency.
var incidentReview = app.NewCompetency{Name: "Incident Review", Category: "operational",
	Description: "Learns from what went wrong.", Descriptors: []string{"a", "b", "c", "d", "e"}}

func ptr[T any](v T) *T { return &v }

func TestLibraryCurationIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		changed := events.TypeLibraryChanged
		pinned := incidentReview
		pinned.Pinned = true
		// One library.changed per kind of change: created and pinned.
		f.checkAtomic(t, "library.competency.create", true, []events.Type{changed, changed}, func(ctx context.Context) error {
			c, err := f.app.CreateCompetency(ctx, admin(f.a), pinned)
			if err == nil && (c.Override.Slug != "incident-review" || !cmp.Equal(c.Changes, []string{"created", "pinned"})) {
				t.Errorf("created %+v, want slug incident-review, changes created and pinned", c)
			}
			return err
		})
		f.checkAtomic(t, "library.competency.update", true, []events.Type{changed, changed}, func(ctx context.Context) error {
			c, err := f.app.PatchCompetency(ctx, admin(f.a), "incident-review", app.CompetencyPatch{Status: ptr("retired"), Pinned: ptr(false)})
			if err == nil && !cmp.Equal(c.Changes, []string{"retired", "unpinned"}) {
				t.Errorf("changes %v, want retired, unpinned", c.Changes)
			}
			return err
		})
		f.checkAtomic(t, "library.rebuild", true, []events.Type{changed}, func(ctx context.Context) error {
			_, err := f.app.RebuildLibrary(ctx, admin(f.a))
			return err
		})
	})
}

func TestLibraryCurationRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		// Tenant b's custom competency is not a's to change.
		if _, err := f.app.CreateCompetency(t.Context(), admin(f.b), incidentReview); err != nil {
			t.Fatal(err)
		}
		before := f.state(t, f.a)
		employee := tenants.Principal{Subject: "e", Tenant: f.a, Roles: []tenants.Role{tenants.RoleEmployee}}
		_, err := f.app.CreateCompetency(t.Context(), employee, incidentReview)
		refusal(t, err, app.Forbidden, "")
		_, err = f.app.RebuildLibrary(t.Context(), employee)
		refusal(t, err, app.Forbidden, "")
		badCategory := incidentReview
		badCategory.Category = "magic"
		_, err = f.app.CreateCompetency(t.Context(), admin(f.a), badCategory)
		refusal(t, err, app.Invalid, "validation")
		blankLevel := incidentReview
		blankLevel.Descriptors = []string{"a", " ", "c", "d", "e"}
		_, err = f.app.CreateCompetency(t.Context(), admin(f.a), blankLevel)
		refusal(t, err, app.Invalid, "validation")
		fromCatalog := incidentReview
		fromCatalog.Slug = "problem-solving"
		_, err = f.app.CreateCompetency(t.Context(), admin(f.a), fromCatalog)
		refusal(t, err, app.Conflict, "")
		_, err = f.app.PatchCompetency(t.Context(), admin(f.a), "incident-review", app.CompetencyPatch{Status: ptr("retired")})
		refusal(t, err, app.NotFound, "")
		_, err = f.app.PatchCompetency(t.Context(), admin(f.a), "problem-solving", app.CompetencyPatch{Status: ptr("proposed")})
		refusal(t, err, app.Invalid, "validation")
		_, err = f.app.PatchCompetency(t.Context(), admin(f.a), "problem-solving", app.CompetencyPatch{Descriptors: []string{"", "", "", "", ""}})
		refusal(t, err, app.Invalid, "validation")
		if diff := cmp.Diff(before, f.state(t, f.a)); diff != "" {
			t.Errorf("refusals wrote (-before +after):\n%s", diff)
		}
		// Only b's own competency was stored there.
		if got := f.state(t, f.b)["library_overrides"]; got != "1" {
			t.Errorf("tenant b has %s overrides, want 1", got)
		}
	})
}

// TestApprovingAProposalKeepsIt: approving a document-born proposal keeps
// its name, description and descriptors in the override, so a rebuild
// whose documents no longer raise it still holds it, active.
func TestApprovingAProposalKeepsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		docs := []library.Document{{ID: "manual", Title: "Branch Manual", Text: "Safe deposit boxes\n\n" +
			"Every safe deposit box holder must show photo identification before the vault is opened.\n" +
			"Two colleagues must always be present when a safe deposit box is opened.\n" +
			"Record every visit to the safe deposit boxes in the vault log.\n"}}
		lib, err := library.Build(library.Inputs{Industry: "finance", Documents: docs})
		if err != nil {
			t.Fatal(err)
		}
		built, ok := lib.Competency("safe-deposit-boxes")
		if !ok || built.Status != library.StatusProposed {
			t.Fatalf("safe-deposit-boxes = %v %s, want a proposal", ok, built.Status)
		}
		v := store.LibraryVersion{Version: 1, BuiltAt: time.Now().UTC().Truncate(time.Microsecond), ContextRevision: 1, Library: lib,
			Summary: store.NewLibrarySummary(library.Diff(library.Library{}, lib))}
		if err := db.Store.InTenant(t.Context(), f.a, func(tx *store.Tx) error { return tx.InsertLibraryVersion(v) }); err != nil {
			t.Fatal(err)
		}
		c, err := f.app.PatchCompetency(t.Context(), admin(f.a), "safe-deposit-boxes", app.CompetencyPatch{Status: ptr("active")})
		if err != nil {
			t.Fatal(err)
		}
		o := c.Override
		if o.Status != library.StatusActive || o.Name != built.Name || o.Description != built.Description || o.Descriptors[0] != built.Levels[0].Descriptor {
			t.Fatalf("override %+v, want the proposal's name, description and descriptors kept", o)
		}
		if !cmp.Equal(c.Changes, []string{"approved"}) {
			t.Errorf("changes %v, want approved only", c.Changes)
		}
		// Tenant b has no such proposal: approving it there is not found.
		_, err = f.app.PatchCompetency(t.Context(), admin(f.b), "safe-deposit-boxes", app.CompetencyPatch{Status: ptr("active")})
		refusal(t, err, app.NotFound, "")
		rebuilt, err := library.Build(library.Inputs{Industry: "finance", Overrides: []library.Override{o}})
		if err != nil {
			t.Fatal(err)
		}
		got, ok := rebuilt.Competency("safe-deposit-boxes")
		if !ok || got.Status != library.StatusActive || got.Name != built.Name || got.Levels[0].Descriptor != built.Levels[0].Descriptor {
			t.Errorf("rebuilt without the documents: %v %+v, want the approved competency as approved", ok, got)
		}
	})
}
