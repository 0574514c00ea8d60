package workers

import (
	"context"
	"log/slog"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// JanitorName is the durable consumer name of the tenant janitor.
const JanitorName = "janitor"

// RunJanitor erases a deleted tenant's events from the stream: on
// tenant.deleted it purges cadre.{tenant}.> (the deleted event included,
// once live subscribers have seen it). Purging is idempotent, so it needs
// no processed-event mark, which would leave a row of the erased tenant.
//
// An event is not proof: before purging, the janitor asks the store
// whether the tenant still exists, and a tenant.deleted for a live tenant
// (forged, or published by mistake) purges nothing and is logged as a
// warning.
func RunJanitor(ctx context.Context, bus *events.Bus, st *store.Store, log *slog.Logger) error {
	return bus.Consume(ctx, events.ConsumerConfig{
		Durable:        JanitorName,
		FilterSubjects: []string{events.TypeFilter(events.TypeTenantDeleted)},
	}, func(ctx context.Context, d *events.Delivery) error {
		tid := d.Event.Tenant()
		live, err := st.TenantExists(ctx, tid)
		if err != nil {
			return err // retried: the store decides, never the event alone
		}
		if live {
			log.WarnContext(ctx, "tenant.deleted for a live tenant ignored", "tenant_id", d.Event.TenantID, "event_id", d.Event.ID)
			return nil
		}
		if err := bus.PurgeTenant(ctx, tid); err != nil {
			return err
		}
		log.InfoContext(ctx, "tenant events purged", "tenant_id", d.Event.TenantID)
		return nil
	})
}
