package workers

import (
	"context"
	"errors"
	"fmt"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// ErrUnknownConsumer reports a dead letter whose consumer is not one of the
// workers given to Replay (e.g. a worker removed since it parked the event).
var ErrUnknownConsumer = errors.New("workers: unknown consumer")

// Replay returns the api.Config.Replay of ws: it hands a parked event back
// to the worker that parked it by running that worker's handler inside tx,
// the admin's transaction that also marks the dead letter replayed, after
// recording the event as processed by that worker, exactly as the runner
// does for a delivery. So the effects, the processed-event mark and the
// replayed mark commit or roll back together: a replay applies the event
// once, a second replay (or a late redelivery) finds the mark and applies
// nothing, and a handler that fails again leaves everything as it was.
//
// Republishing the event on the bus was the other way; it was not taken
// because it would put a second copy of an accepted event in the stream
// (seen again by every consumer and dashboard), could not commit with the
// replayed mark, and would tell the admin nothing of the outcome.
func Replay(ws []Worker) func(ctx context.Context, tx *store.Tx, d store.DeadLetter) error {
	byName := make(map[string]Worker, len(ws))
	for _, w := range ws {
		byName[w.Name] = w
	}
	return func(ctx context.Context, tx *store.Tx, d store.DeadLetter) error {
		w, ok := byName[d.Consumer]
		if !ok {
			return fmt.Errorf("replay %s: %w %q", d.EventID, ErrUnknownConsumer, d.Consumer)
		}
		ev, err := events.Parse(d.Payload)
		if err != nil {
			return fmt.Errorf("replay %s: %w", d.EventID, err)
		}
		if ev.Tenant() != tx.Tenant() {
			return fmt.Errorf("replay %s: %w: event of another tenant", d.EventID, events.ErrInvalidEvent)
		}
		err = tx.MarkProcessed(w.Name, ev.ID)
		if errors.Is(err, store.ErrAlreadyProcessed) {
			return nil // applied before (an earlier replay): applying again would double it
		}
		if err != nil {
			return fmt.Errorf("replay %s: %w", d.EventID, err)
		}
		if err := w.Handle(ctx, tx, ev); err != nil {
			return fmt.Errorf("replay %s: %s: %w", d.EventID, w.Name, err)
		}
		return nil
	}
}
