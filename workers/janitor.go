package workers

import (
	"context"
	"log/slog"

	"github.com/cadrehq/cadre/events"
)

// JanitorName is the durable consumer name of the tenant janitor.
const JanitorName = "janitor"

// RunJanitor erases a deleted tenant's events from the stream: on
// tenant.deleted it purges cadre.{tenant}.> (the deleted event included,
// once live subscribers have seen it). Purging is idempotent, so it needs
// no processed-event mark, which would leave a row of the erased tenant.
func RunJanitor(ctx context.Context, bus *events.Bus, log *slog.Logger) error {
	return bus.Consume(ctx, events.ConsumerConfig{
		Durable:        JanitorName,
		FilterSubjects: []string{events.TypeFilter(events.TypeTenantDeleted)},
	}, func(ctx context.Context, d *events.Delivery) error {
		if err := bus.PurgeTenant(ctx, d.Event.Tenant()); err != nil {
			return err
		}
		log.InfoContext(ctx, "tenant events purged", "tenant_id", d.Event.TenantID)
		return nil
	})
}
