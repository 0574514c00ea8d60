package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// staff is a tenant's people for the assessment tests: a manager, their
// report and an employee of another manager, with a principal each.
type staff struct {
	manager, report, other       uuid.UUID
	asManager, asReport, asOther tenants.Principal
}

// seedStaff adds the staff to tenant.
func (f *fixture) seedStaff(t *testing.T, tenant tenants.ID) staff {
	t.Helper()
	s := staff{manager: uuid.Must(uuid.NewV7()), report: uuid.Must(uuid.NewV7()), other: uuid.Must(uuid.NewV7())}
	now := time.Now().UTC().Truncate(time.Microsecond)
	people := []store.Employee{
		{ID: s.manager, Subject: "mgr", Name: "Manager", RoleSlug: "devops-engineer", Tier: competency.TierSenior},
		{ID: s.report, Subject: "rep", Name: "Report", RoleSlug: "devops-engineer", Tier: competency.TierMid, ManagerID: s.manager},
		{ID: s.other, Subject: "oth", Name: "Other", RoleSlug: "devops-engineer", Tier: competency.TierMid},
	}
	err := f.db.Store.InTenant(t.Context(), tenant, func(tx *store.Tx) error {
		for _, e := range people {
			e.CreatedAt, e.UpdatedAt = now, now
			if err := tx.InsertEmployee(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed staff: %v", err)
	}
	as := func(subject string, roles ...tenants.Role) tenants.Principal {
		return tenants.Principal{Subject: subject, Tenant: tenant, Roles: roles}
	}
	s.asManager = as("mgr", tenants.RoleManager, tenants.RoleEmployee)
	s.asReport, s.asOther = as("rep", tenants.RoleEmployee), as("oth", tenants.RoleEmployee)
	return s
}

// rating answers the first self-rating item of a.
func rating(t *testing.T, a store.Assessment, r int) assessment.Response {
	t.Helper()
	for _, it := range a.Items {
		if it.Kind == assessment.SelfRating {
			return assessment.Response{ItemID: it.ID, Rating: &r}
		}
	}
	t.Fatal("no self-rating item")
	return assessment.Response{}
}

func TestAssessmentUseCasesAreAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		s := f.seedStaff(t, f.a)
		f.seedStaff(t, f.b)

		// Starting and saving emit nothing; their row and audit entry are
		// written together, and the other tenant is untouched.
		beforeB := f.state(t, f.b)
		before := f.state(t, f.a)
		a, err := f.app.StartAssessment(t.Context(), s.asReport, "")
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		if a.EmployeeID != s.report || a.Version != 1 || a.Status != store.AssessmentOpen || len(a.Items) == 0 {
			t.Errorf("started: got employee %s version %d status %s, %d items; want the report's open version 1 with items",
				a.EmployeeID, a.Version, a.Status, len(a.Items))
		}
		after := f.state(t, f.a)
		if after["assessments"] == before["assessments"] || after["audit_log"] == before["audit_log"] ||
			after["outbox"] != before["outbox"] || after["context_revision"] != before["context_revision"] {
			t.Errorf("start: state %v → %v, want one assessment and one audit entry more, no event, no bump", before, after)
		}
		if log := f.auditLog(t, f.a); log[len(log)-1].Action != "assessment.start" {
			t.Errorf("last audit entry %+v, want assessment.start", log[len(log)-1])
		}
		saved, err := f.app.SaveResponses(t.Context(), s.asReport, a.ID, app.Answers{Version: 1, Responses: []assessment.Response{rating(t, a, 3)}})
		if err != nil {
			t.Fatalf("save: %v", err)
		}
		if saved.Version != 2 || len(saved.Responses) != 1 {
			t.Errorf("saved: version %d, %d responses; want version 2 with 1", saved.Version, len(saved.Responses))
		}
		if log := f.auditLog(t, f.a); log[len(log)-1].Action != "assessment.save" {
			t.Errorf("last audit entry %+v, want assessment.save", log[len(log)-1])
		}
		if diff := f.state(t, f.b); diff["assessments"] != beforeB["assessments"] || diff["audit_log"] != beforeB["audit_log"] {
			t.Errorf("the other tenant changed: %v → %v", beforeB, diff)
		}

		// Submitting writes its status, audit entry and event together, or
		// nothing.
		f.checkAtomic(t, "assessment.submit", false, []events.Type{events.TypeAssessmentSubmitted}, func(ctx context.Context) error {
			_, err := f.app.SubmitAssessment(ctx, s.asReport, a.ID, 2)
			return err
		})
		got, err := f.app.Assessment(t.Context(), s.asManager, a.ID)
		if err != nil || got.Status != store.AssessmentSubmitted {
			t.Errorf("the manager reads it: status %s, err %v; want submitted", got.Status, err)
		}
	})
}

func TestAssessmentUseCasesRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		s := f.seedStaff(t, f.a)
		sb := f.seedStaff(t, f.b)
		analyst := tenants.Principal{Subject: "bi", Tenant: f.a, Roles: []tenants.Role{tenants.RoleAnalyst}}
		stranger := tenants.Principal{Subject: "nobody", Tenant: f.a, Roles: []tenants.Role{tenants.RoleEmployee}}
		a, err := f.app.StartAssessment(t.Context(), s.asReport, "")
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		before, beforeB := f.state(t, f.a), f.state(t, f.b)
		stored := func() store.Assessment {
			t.Helper()
			var got store.Assessment
			err := f.db.Store.InTenant(t.Context(), f.a, func(tx *store.Tx) (err error) {
				got, err = tx.Assessment(a.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		save := func(p tenants.Principal, id uuid.UUID, in app.Answers) error {
			_, err := f.app.SaveResponses(t.Context(), p, id, in)
			return err
		}
		one := []assessment.Response{rating(t, a, 2)}
		bad := 9

		tests := []struct {
			name string
			err  error
			kind app.Kind
			code string
		}{
			{"an analyst starts", func() error { _, err := f.app.StartAssessment(t.Context(), analyst, ""); return err }(), app.Forbidden, ""},
			{"a malformed employee id", func() error { _, err := f.app.StartAssessment(t.Context(), admin(f.a), "nope"); return err }(), app.Invalid, "validation"},
			{"no employee record", func() error { _, err := f.app.StartAssessment(t.Context(), stranger, ""); return err }(), app.Invalid, "no-employee-record"},
			{"another manager's report", func() error {
				_, err := f.app.StartAssessment(t.Context(), s.asOther, s.report.String())
				return err
			}(), app.NotFound, ""},
			{"another tenant's employee", func() error {
				_, err := f.app.StartAssessment(t.Context(), admin(f.a), sb.report.String())
				return err
			}(), app.NotFound, ""},
			{"the manager answers", save(s.asManager, a.ID, app.Answers{Responses: one}), app.Forbidden, "not-the-taker"},
			{"the admin submits", func() error { _, err := f.app.SubmitAssessment(t.Context(), admin(f.a), a.ID, 0); return err }(), app.Forbidden, "not-the-taker"},
			{"another employee answers", save(s.asOther, a.ID, app.Answers{Responses: one}), app.NotFound, ""},
			{"another tenant's taker answers", save(sb.asReport, a.ID, app.Answers{Responses: one}), app.NotFound, ""},
			{"no responses", save(s.asReport, a.ID, app.Answers{}), app.Invalid, "validation"},
			{"a stale version", save(s.asReport, a.ID, app.Answers{Version: 7, Responses: one}), app.Conflict, "stale-version"},
			{"a rating of 9", save(s.asReport, a.ID, app.Answers{Responses: append(one, assessment.Response{ItemID: one[0].ItemID, Rating: &bad})}), app.Invalid, "invalid-response"},
			{"an unknown item", save(s.asReport, a.ID, app.Answers{Responses: []assessment.Response{{ItemID: "nope", Rating: &bad}}}), app.Invalid, "unknown-item"},
			{"the same item twice", save(s.asReport, a.ID, app.Answers{Responses: append(one, one...)}), app.Invalid, "duplicate-response"},
			{"a stale submission", func() error { _, err := f.app.SubmitAssessment(t.Context(), s.asReport, a.ID, 5); return err }(), app.Conflict, "stale-version"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { refusal(t, tt.err, tt.kind, tt.code) })
		}
		if got := f.state(t, f.a); got["assessments"] != before["assessments"] || got["audit_log"] != before["audit_log"] || got["outbox"] != before["outbox"] {
			t.Errorf("refused use cases wrote: %v → %v", before, got)
		}
		if got := stored(); got.Version != 1 || len(got.Responses) != 0 || got.Status != store.AssessmentOpen {
			t.Errorf("after refusals: version %d, %d responses, status %s; want the open version 1 unanswered", got.Version, len(got.Responses), got.Status)
		}
		if got := f.state(t, f.b); got["assessments"] != beforeB["assessments"] || got["audit_log"] != beforeB["audit_log"] {
			t.Errorf("the other tenant changed: %v → %v", beforeB, got)
		}
		// Reads follow the same rule: the taker's manager sees it, another
		// employee and another tenant do not.
		if _, err := f.app.Assessment(t.Context(), s.asManager, a.ID); err != nil {
			t.Errorf("the manager reads: %v", err)
		}
		_, err = f.app.Assessment(t.Context(), s.asOther, a.ID)
		refusal(t, err, app.NotFound, "")
		_, err = f.app.Assessment(t.Context(), admin(f.b), a.ID)
		refusal(t, err, app.NotFound, "")
		_, err = f.app.Assessments(t.Context(), s.asOther, s.report, uuid.Nil, 10)
		refusal(t, err, app.NotFound, "")
		if list, err := f.app.Assessments(t.Context(), stranger, uuid.Nil, uuid.Nil, 10); err != nil || len(list) != 0 {
			t.Errorf("a caller with no employee record lists %d, err %v; want none", len(list), err)
		}

		// Once submitted it takes no answers and no second submission.
		if _, err := f.app.SubmitAssessment(t.Context(), s.asReport, a.ID, 0); err != nil {
			t.Fatalf("submit: %v", err)
		}
		closed := f.state(t, f.a)
		_, err = f.app.SubmitAssessment(t.Context(), s.asReport, a.ID, 0)
		refusal(t, err, app.Conflict, "assessment-closed")
		refusal(t, save(s.asReport, a.ID, app.Answers{Responses: one}), app.Conflict, "assessment-closed")
		if got := f.state(t, f.a); got["audit_log"] != closed["audit_log"] || got["outbox"] != closed["outbox"] {
			t.Errorf("refusals after submit wrote: %v → %v", closed, got)
		}
	})
}

func TestConcurrentSavesOfOneVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		s := f.seedStaff(t, f.a)
		a, err := f.app.StartAssessment(t.Context(), s.asReport, "")
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		var answers []assessment.Response
		for i, it := range a.Items {
			switch r := 1 + i%5; it.Kind {
			case assessment.SelfRating:
				answers = append(answers, assessment.Response{ItemID: it.ID, Rating: &r})
			case assessment.Scenario:
				answers = append(answers, assessment.Response{ItemID: it.ID, OptionID: &it.Options[0].ID})
			}
		}
		const writers = 8
		if len(answers) < 2*writers {
			t.Fatalf("%d self-rating and scenario items, want at least %d", len(answers), 2*writers)
		}
		// Saves of the same version: exactly one wins, the others are stale.
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				_, errs[i] = f.app.SaveResponses(t.Context(), s.asReport, a.ID, app.Answers{Version: 1, Responses: answers[i : i+1]})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			refusal(t, err, app.Conflict, "stale-version")
		}
		if won != 1 {
			t.Fatalf("same version, %d writers: %d won; want exactly one", writers, won)
		}
		// Saves without a version merge into each other: every answer lands.
		for i := writers; i < 2*writers; i++ {
			wg.Go(func() {
				if _, err := f.app.SaveResponses(t.Context(), s.asReport, a.ID, app.Answers{Responses: answers[i : i+1]}); err != nil {
					t.Errorf("unversioned writer %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		got, err := f.app.Assessment(t.Context(), s.asReport, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Responses) != writers+1 || got.Version != writers+2 {
			t.Errorf("after the saves: %d responses, version %d; want %d and %d (an answer was lost)", len(got.Responses), got.Version, writers+1, writers+2)
		}
	})
}
