package workers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// AnalyticsWorkerName is the durable consumer name of the analytics
// projector.
const AnalyticsWorkerName = "analytics"

// analyticsTypes are the events that change what an employee contributes to
// the analytics read models: their latest scored assessment, their team or
// role, their existence, their current plan.
var analyticsTypes = []events.Type{
	events.TypeAssessmentScored,
	events.TypeEmployeeCreated, events.TypeEmployeeUpdated, events.TypeEmployeeDeleted,
	events.TypePlanUpdated,
}

// Analytics returns the analytics projector (DESIGN §5, §7): on every event
// about an employee it recomputes, with store.Tx.ProjectEmployees, that
// employee's contribution to the per-tenant read models from the source
// tables, and replaces the recorded one. The event only names the employee;
// its payload is never trusted for the figures, so a stale, repeated or
// reordered event changes nothing a later one would not (order-tolerant),
// and the runner's processed mark keeps a redelivery from doing even that
// (idempotent). `cadre analytics rebuild` recomputes the same read models
// from scratch.
func Analytics() Worker {
	return Worker{
		Name:   AnalyticsWorkerName,
		Types:  analyticsTypes,
		Handle: projectAnalytics,
	}
}

func projectAnalytics(_ context.Context, tx *store.Tx, ev events.Event) error {
	id, err := analyticsEmployee(ev)
	if err != nil {
		return err
	}
	_, err = tx.ProjectEmployees([]uuid.UUID{id})
	return err
}

// analyticsEmployee returns the employee an event is about.
func analyticsEmployee(ev events.Event) (uuid.UUID, error) {
	var p struct {
		EmployeeID string `json:"employee_id"`
	}
	if err := json.Unmarshal(ev.Data, &p); err != nil {
		return uuid.Nil, fmt.Errorf("%w: %s data: %v", ErrPermanent, ev.Type, err)
	}
	id, err := uuid.Parse(p.EmployeeID)
	if err != nil {
		return uuid.Nil, fmt.Errorf("%w: %s: employee id %q", ErrPermanent, ev.Type, p.EmployeeID)
	}
	return id, nil
}
