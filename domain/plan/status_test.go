package plan_test

import (
	"errors"
	"testing"

	"github.com/cadrehq/cadre/domain/plan"
)

func TestStatusCanBecome(t *testing.T) {
	t.Parallel()
	all := []plan.Status{plan.NotStarted, plan.InProgress, plan.Done, plan.Closed}
	allowed := map[[2]plan.Status]bool{
		{plan.NotStarted, plan.InProgress}: true,
		{plan.InProgress, plan.Done}:       true,
		{plan.Done, plan.InProgress}:       true,
		{plan.NotStarted, plan.NotStarted}: true,
		{plan.InProgress, plan.InProgress}: true,
		{plan.Done, plan.Done}:             true,
	}
	for _, from := range all {
		for _, to := range all {
			if got, want := from.CanBecome(to), allowed[[2]plan.Status{from, to}]; got != want {
				t.Errorf("%s.CanBecome(%s) = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    plan.Status
		wantErr error
	}{
		{"not_started", plan.NotStarted, nil},
		{" In_Progress ", plan.InProgress, nil},
		{"done", plan.Done, nil},
		{"closed", plan.Closed, nil},
		{"paused", "", plan.ErrInvalidStatus},
		{"", "", plan.ErrInvalidStatus},
	}
	for _, tc := range tests {
		got, err := plan.ParseStatus(tc.in)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseClosedReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    plan.ClosedReason
		wantErr error
	}{
		{"met", plan.Met, nil},
		{"competency_retired", plan.CompetencyRetired, nil},
		{"ROLE_CHANGED", plan.RoleChanged, nil},
		{"not_in_framework", plan.NotInFramework, nil},
		{"", "", plan.ErrInvalidClosedReason},
		{"deleted", "", plan.ErrInvalidClosedReason},
	}
	for _, tc := range tests {
		got, err := plan.ParseClosedReason(tc.in)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("ParseClosedReason(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
