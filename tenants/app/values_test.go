package app_test

import (
	"context"
	"testing"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func TestReplaceValuesIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		f.checkAtomic(t, "values.replace", true, []events.Type{events.TypeValuesUpdated}, func(ctx context.Context) error {
			_, err := f.app.ReplaceValues(ctx, admin(f.a), []app.Value{{Name: "Candour", Description: "Say what you see."}})
			return err
		})
		before := f.state(t, f.a)
		_, err := f.app.ReplaceValues(t.Context(), admin(f.a), []app.Value{{Name: "A"}, {Name: "a"}})
		refusal(t, err, app.Invalid, "validation")
		if got := f.state(t, f.a); got["company_values"] != before["company_values"] || got["context_revision"] != before["context_revision"] {
			t.Errorf("a refused replacement wrote: %v → %v", before, got)
		}
	})
}
