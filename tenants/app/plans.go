package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// planHolders are the roles that have a development plan of their own.
var planHolders = []tenants.Role{tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee}

// PlanRefusal turns the store's answers about a plan into refusals: no
// plan yet, or (when self, the caller asking about their own) no employee
// record for the caller. Other errors are returned as they are.
func PlanRefusal(err error, self bool) error {
	switch {
	case errors.Is(err, store.ErrNoPlan) && self:
		return refuse(NotFound, "no-plan", "you have no development plan yet: it is built shortly after your employee record is created or changed, and after each scored assessment")
	case errors.Is(err, store.ErrNoPlan):
		return refuse(NotFound, "no-plan", "this employee has no development plan yet")
	case errors.Is(err, store.ErrNotFound) && self:
		return refuse(NotFound, "no-employee-record", "the company has no employee record for your subject")
	}
	return err
}

// ItemUpdate changes an item of the caller's plan; nil fields stay as they
// are, an empty note clears it.
type ItemUpdate struct {
	// Status is one of not_started, in_progress, done.
	Status *string
	Note   *string
}

// UpdateMyPlanItem changes the status and/or note of an item of the
// caller's current plan in place (the plan keeps its version) and emits
// plan.updated with cause item. An update that changes nothing writes
// nothing. It writes no audit entry: an employee's own plan is theirs to
// keep.
func (a *App) UpdateMyPlanItem(ctx context.Context, p tenants.Principal, itemID uuid.UUID, in ItemUpdate) (plan.Plan, error) {
	if err := a.AuthorizePlans(p); err != nil {
		return plan.Plan{}, err
	}
	var status *plan.Status
	if in.Status != nil {
		st, err := plan.ParseStatus(*in.Status)
		if err != nil || st == plan.Closed {
			return plan.Plan{}, invalid("status must be one of not_started, in_progress, done")
		}
		status = &st
	}
	if in.Note != nil && !ValidText(*in.Note) {
		return plan.Plan{}, invalid("note must be text without control characters")
	}
	if status == nil && in.Note == nil {
		return plan.Plan{}, invalid("give a status, a note or both")
	}
	var updated plan.Plan
	err := a.inTenant(ctx, p, func(tx *tx) error {
		me, err := tx.EmployeeBySubject(p.Subject)
		if err != nil {
			return PlanRefusal(err, true)
		}
		plans, err := tx.CurrentPlans([]uuid.UUID{me.ID}, true)
		if err != nil {
			return PlanRefusal(err, true)
		}
		current, ok := plans[me.ID]
		if !ok {
			return PlanRefusal(store.ErrNoPlan, true)
		}
		if updated, err = current.UpdateItem(itemID.String(), status, in.Note); err != nil {
			return itemRefusal(err, current)
		}
		if updated.SameContent(current) {
			return nil // nothing changed: no write, no event
		}
		if err := tx.UpdatePlanItems(updated); err != nil {
			return PlanRefusal(err, true)
		}
		return tx.emit(store.PendingEvent{Type: events.TypePlanUpdated, Resource: updated.EmployeeID,
			Data: events.NewPlanUpdated(updated, events.PlanCauseItem)})
	})
	if err != nil {
		return plan.Plan{}, err
	}
	return updated, nil
}

// itemRefusal is the refusal of plan.UpdateItem's error on current.
func itemRefusal(err error, current plan.Plan) error {
	var te *plan.TransitionError
	switch {
	case errors.As(err, &te) && te.From == plan.Closed:
		return refuse(Conflict, "invalid-transition", fmt.Sprintf("item %s is closed (%s); only its note can change", te.ItemID, closedReason(current, te.ItemID)))
	case errors.As(err, &te):
		return refuse(Conflict, "invalid-transition", fmt.Sprintf("item %s cannot go from %s to %s (allowed: not_started → in_progress → done, done → in_progress)", te.ItemID, te.From, te.To))
	case errors.Is(err, plan.ErrUnknownItem):
		return refuse(NotFound, "", "your plan has no such item")
	case errors.Is(err, plan.ErrNoteTooLong):
		return invalid(fmt.Sprintf("note is longer than %d characters", plan.MaxNoteLen))
	}
	return err
}

// closedReason names why item id of p closed, for a refusal's detail.
func closedReason(p plan.Plan, id string) string {
	if it, ok := p.Item(id); ok && it.ClosedReason != "" {
		return it.ClosedReason.String()
	}
	return "closed"
}

// PlanTarget is the caller's tier and the tier their plan aims at.
type PlanTarget struct {
	EmployeeID uuid.UUID
	Tier       competency.Tier
	// TargetTier is the zero Tier when the plan aims at the employee's own.
	TargetTier competency.Tier
}

// SetMyPlanTarget sets the tier the caller's plan aims at: a tier above
// their own, or their own to clear it. A change emits employee.updated
// (changed target_tier) at the current context revision, so that the plan
// worker rebuilds the plan; setting the target it already has writes
// nothing. It writes no audit entry, as an employee's plan items do not.
func (a *App) SetMyPlanTarget(ctx context.Context, p tenants.Principal, tier string) (PlanTarget, error) {
	if err := a.AuthorizePlans(p); err != nil {
		return PlanTarget{}, err
	}
	want, err := competency.ParseTier(tier)
	if err != nil {
		return PlanTarget{}, invalid("tier must be one of entry, mid, senior")
	}
	var out PlanTarget
	err = a.inTenant(ctx, p, func(tx *tx) error {
		me, err := tx.EmployeeBySubject(p.Subject)
		if err != nil {
			return PlanRefusal(err, true)
		}
		if want < me.Tier {
			return refuse(Invalid, "invalid-target", fmt.Sprintf("the target tier must be above your tier (%s), or %s to clear it", me.Tier, me.Tier))
		}
		target := want
		if want == me.Tier {
			target = 0
		}
		out = PlanTarget{EmployeeID: me.ID, Tier: me.Tier, TargetTier: target}
		if target == me.TargetTier {
			return nil // already so: nothing to rebuild
		}
		if err := tx.SetTargetTier(me.ID, target); err != nil {
			return PlanRefusal(err, true)
		}
		t, err := tx.LoadTenant()
		if err != nil {
			return PlanRefusal(err, true)
		}
		ev := events.EmployeeUpdated{EmployeeID: me.ID.String(), Role: me.RoleSlug, Tier: me.Tier.String(), Team: me.Team,
			Changed: []string{"target_tier"}, ContextRevision: t.ContextRevision}
		if me.ManagerID != uuid.Nil {
			ev.ManagerID = me.ManagerID.String()
		}
		return tx.emit(event(events.TypeEmployeeUpdated, me.ID.String(), ev)...)
	})
	if err != nil {
		return PlanTarget{}, err
	}
	return out, nil
}

// AuthorizePlans checks that p may change their own plan, for adapters that
// check the role before they parse the request.
func (a *App) AuthorizePlans(p tenants.Principal) error { return authorize(p, planHolders...) }
