package plan_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

func TestUpdateItem(t *testing.T) {
	t.Parallel()
	in := plan.Input{
		EmployeeID: employee, Framework: devops(t), Tier: competency.TierMid, Now: t0,
		Results: results(map[string]competency.Level{"cloud": 2, "cicd": 3, "security": 3, "agile": 2}),
	}
	first := plan.Build(in)
	cloud, cicd, agile := bySlug(t, first, "cloud").ID, bySlug(t, first, "cicd").ID, bySlug(t, first, "agile").ID
	base := update(t, first, cicd, plan.InProgress, "")
	base = update(t, base, agile, plan.InProgress, "")
	base = update(t, base, agile, plan.Done, "")
	// Close cicd (met) by a rebuild so a closed item exists.
	in.Previous, in.Now = &base, t0.Add(1)
	in.Results = append(in.Results, plan.Current{Slug: "cicd", Level: 4})
	base = plan.Build(in)
	if it, _ := base.Item(cicd); it.Status != plan.Closed {
		t.Fatalf("setup: cicd is %s, want closed", it.Status)
	}

	tests := []struct {
		name       string
		id         string
		status     *plan.Status
		note       *string
		wantStatus plan.Status
		wantNote   string
		wantErr    error
	}{
		{name: "start", id: cloud, status: ptr(plan.InProgress), wantStatus: plan.InProgress},
		{name: "same status is a no-op", id: cloud, status: ptr(plan.NotStarted), wantStatus: plan.NotStarted},
		{name: "note only", id: cloud, note: ptr("ask Dana"), wantStatus: plan.NotStarted, wantNote: "ask Dana"},
		{name: "note of 2000 characters", id: cloud, note: ptr(strings.Repeat("é", 2000)), wantStatus: plan.NotStarted, wantNote: strings.Repeat("é", 2000)},
		{name: "done back to in progress", id: agile, status: ptr(plan.InProgress), wantStatus: plan.InProgress},
		{name: "note on a closed item", id: cicd, note: ptr("done via project"), wantStatus: plan.Closed, wantNote: "done via project"},
		{name: "not started to done", id: cloud, status: ptr(plan.Done), wantErr: plan.ErrInvalidTransition},
		{name: "done to not started", id: agile, status: ptr(plan.NotStarted), wantErr: plan.ErrInvalidTransition},
		{name: "employee cannot close", id: cloud, status: ptr(plan.Closed), wantErr: plan.ErrInvalidTransition},
		{name: "closed cannot reopen", id: cicd, status: ptr(plan.InProgress), wantErr: plan.ErrInvalidTransition},
		{name: "unknown status", id: cloud, status: ptr(plan.Status("paused")), wantErr: plan.ErrInvalidTransition},
		{name: "unknown item", id: "nope", status: ptr(plan.InProgress), wantErr: plan.ErrUnknownItem},
		{name: "note too long", id: cloud, note: ptr(strings.Repeat("x", 2001)), wantErr: plan.ErrNoteTooLong},
		{name: "valid status, note too long", id: cloud, status: ptr(plan.InProgress), note: ptr(strings.Repeat("x", 2001)), wantErr: plan.ErrNoteTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			orig, _ := base.Item(tc.id)
			got, err := base.UpdateItem(tc.id, tc.status, tc.note)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got error %v, want %v", err, tc.wantErr)
			}
			if after, _ := base.Item(tc.id); !cmp.Equal(orig, after) {
				t.Errorf("UpdateItem modified the receiver's item: %s", cmp.Diff(orig, after))
			}
			if tc.wantErr != nil {
				if diff := cmp.Diff(base, got); diff != "" {
					t.Errorf("failed update changed the plan (-want +got):\n%s", diff)
				}
				var te *plan.TransitionError
				if errors.As(err, &te) && (te.ItemID != tc.id || te.To != *tc.status) {
					t.Errorf("got %+v, want item %s to %s", te, tc.id, *tc.status)
				}
				return
			}
			it, _ := got.Item(tc.id)
			if it.Status != tc.wantStatus || it.Note != tc.wantNote {
				t.Errorf("got status %s note %.20q, want %s %.20q", it.Status, it.Note, tc.wantStatus, tc.wantNote)
			}
			if got.Version != base.Version || !got.BuiltAt.Equal(base.BuiltAt) {
				t.Errorf("got version %d built %v, want %d %v", got.Version, got.BuiltAt, base.Version, base.BuiltAt)
			}
		})
	}
}
