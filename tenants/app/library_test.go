package app_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
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
