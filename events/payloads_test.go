package events_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/events"
)

// TestNewPlanUpdated: the payload counts a plan's items by status and
// carries its basis and the cause given.
func TestNewPlanUpdated(t *testing.T) {
	p := plan.Plan{EmployeeID: "e1", Version: 3, TargetTier: competency.TierSenior,
		Basis: plan.Basis{LibraryVersion: 7, AssessmentID: "a1"},
		Items: []plan.Item{{Status: plan.NotStarted}, {Status: plan.InProgress}, {Status: plan.Done}, {Status: plan.Closed}, {Status: plan.Closed}}}
	got := events.NewPlanUpdated(p, events.PlanCauseAssessment)
	want := events.PlanUpdated{EmployeeID: "e1", Version: 3, TargetTier: "senior", LibraryVersion: 7, AssessmentID: "a1",
		Items: 5, Open: 2, Closed: 2, Cause: "assessment"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := events.NewPlanUpdated(plan.Plan{EmployeeID: "e2", Version: 1}, events.PlanCauseItem); got.Items != 0 || got.Open != 0 || got.Closed != 0 || got.Cause != "item" {
		t.Errorf("empty plan: got %+v", got)
	}
}
