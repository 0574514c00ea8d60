package app_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// createEmployee creates an employee or fails the test.
func (f *fixture) createEmployee(t *testing.T, tenant tenants.ID, in app.NewEmployee) store.Employee {
	t.Helper()
	e, err := f.app.CreateEmployee(t.Context(), admin(tenant), in)
	if err != nil {
		t.Fatalf("CreateEmployee(%+v): %v", in, err)
	}
	return e
}

func TestEmployeeUseCasesAreAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		var boss store.Employee
		// The first employee brings a role into the company: the context
		// changes.
		f.checkAtomic(t, "employee.create", true, []events.Type{events.TypeEmployeeCreated}, func(ctx context.Context) (err error) {
			boss, err = f.app.CreateEmployee(ctx, admin(f.a), app.NewEmployee{Subject: " boss ", Name: "Boss", Email: "Boss@Acme.test",
				Role: "DevOps Engineer", Tier: "senior"})
			return err
		})
		if boss.Subject != "boss" || boss.Email != "boss@acme.test" || boss.RoleSlug != "devops-engineer" {
			t.Errorf("created %+v, want the subject trimmed, the email lower-cased and the title matched to devops-engineer", boss)
		}
		// A second holder of the same role changes no context.
		var report store.Employee
		f.checkAtomic(t, "employee.create", false, []events.Type{events.TypeEmployeeCreated}, func(ctx context.Context) (err error) {
			report, err = f.app.CreateEmployee(ctx, admin(f.a), app.NewEmployee{Subject: "ann", Name: "Ann", Role: "devops-engineer",
				Tier: "mid", ManagerID: ptr(boss.ID.String())})
			return err
		})
		f.checkAtomic(t, "employee.update", false, []events.Type{events.TypeEmployeeUpdated}, func(ctx context.Context) error {
			_, err := f.app.UpdateEmployee(ctx, admin(f.a), report.ID, app.EmployeeChange{Team: ptr("platform")})
			return err
		})
		f.checkAtomic(t, "employee.update", true, []events.Type{events.TypeEmployeeUpdated}, func(ctx context.Context) error {
			e, err := f.app.UpdateEmployee(ctx, admin(f.a), report.ID, app.EmployeeChange{Role: ptr("data-analyst")})
			if err == nil && e.RoleSlug != "data-analyst" {
				t.Errorf("role after update = %q, want data-analyst", e.RoleSlug)
			}
			return err
		})
		// Deleting the boss detaches the report, who is told; the boss's
		// role leaves the company with them.
		f.checkAtomic(t, "employee.delete", true, []events.Type{events.TypeEmployeeDeleted, events.TypeEmployeeUpdated}, func(ctx context.Context) error {
			return f.app.DeleteEmployee(ctx, admin(f.a), boss.ID)
		})
		// A change that changes nothing records nothing.
		before := f.state(t, f.a)
		if _, err := f.app.UpdateEmployee(t.Context(), admin(f.a), report.ID, app.EmployeeChange{Team: ptr(" platform ")}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, f.state(t, f.a)); diff != "" {
			t.Errorf("an update changing nothing wrote (-before +after):\n%s", diff)
		}
	})
}

func TestEmployeeUseCasesRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		boss := f.createEmployee(t, f.a, app.NewEmployee{Subject: "boss", Name: "Boss", Email: "boss@acme.test", Role: "devops-engineer", Tier: "senior"})
		ann := f.createEmployee(t, f.a, app.NewEmployee{Subject: "ann", Name: "Ann", Role: "devops-engineer", Tier: "mid", ManagerID: ptr(boss.ID.String())})
		other := f.createEmployee(t, f.b, app.NewEmployee{Subject: "zed", Name: "Zed", Role: "devops-engineer", Tier: "mid"})
		beforeA, beforeB := f.state(t, f.a), f.state(t, f.b)
		employee := tenants.Principal{Subject: "ann", Tenant: f.a, Roles: []tenants.Role{tenants.RoleEmployee, tenants.RoleManager}}
		valid := app.NewEmployee{Subject: "new", Name: "New", Role: "devops-engineer", Tier: "mid"}

		_, err := f.app.CreateEmployee(t.Context(), employee, valid)
		refusal(t, err, app.Forbidden, "")
		_, err = f.app.UpdateEmployee(t.Context(), employee, ann.ID, app.EmployeeChange{Name: ptr("X")})
		refusal(t, err, app.Forbidden, "")
		refusal(t, f.app.DeleteEmployee(t.Context(), employee, ann.ID), app.Forbidden, "")
		_, err = f.app.ImportEmployees(t.Context(), employee, []byte("subject,name,role,tier\nn,N,devops-engineer,mid\n"))
		refusal(t, err, app.Forbidden, "")

		// Every broken field is reported, in the body's terms.
		_, err = f.app.CreateEmployee(t.Context(), admin(f.a), app.NewEmployee{Subject: " ", Name: "N", Email: "Ann <ann@acme.test>", Role: "astronaut", Tier: "junior"})
		refusal(t, err, app.Invalid, "validation")
		e, _ := app.AsError(err)
		wantDetail := "the employee is not valid: body.subject: must be non-empty text of at most 200 characters; " +
			"body.email: must be a plain email address (name@example.com); " +
			"body.role: no catalog role has this slug or matches this title; body.tier: must be entry, mid or senior"
		if e.Detail != wantDetail || len(e.Fields) != 4 {
			t.Errorf("detail = %q (%d fields), want %q (4 fields)", e.Detail, len(e.Fields), wantDetail)
		}
		// A malformed manager id is refused before the other fields.
		bad := valid
		bad.Name, bad.ManagerID = "", ptr("boss")
		_, err = f.app.CreateEmployee(t.Context(), admin(f.a), bad)
		refusal(t, err, app.Invalid, "validation")
		if e, _ := app.AsError(err); e.Detail != "manager_id must be an employee id" {
			t.Errorf("detail = %q, want the manager id's", e.Detail)
		}

		for name, tc := range map[string]struct {
			id      uuid.UUID
			manager string
			want    string
		}{
			"own manager":              {boss.ID, boss.ID.String(), "an employee cannot be their own manager"},
			"cycle":                    {boss.ID, ann.ID.String(), "this manager would make a reporting cycle"},
			"no such manager":          {ann.ID, uuid.NewString(), "no such employee"},
			"another tenant's manager": {ann.ID, other.ID.String(), "no such employee"},
		} {
			_, err := f.app.UpdateEmployee(t.Context(), admin(f.a), tc.id, app.EmployeeChange{ManagerID: ptr(tc.manager)})
			refusal(t, err, app.Invalid, "validation")
			if e, _ := app.AsError(err); e.Detail != tc.want || len(e.Fields) != 1 || e.Fields[0].Location != "body.manager_id" {
				t.Errorf("%s: %+v, want detail %q at body.manager_id", name, e, tc.want)
			}
		}
		_, err = f.app.CreateEmployee(t.Context(), admin(f.a), app.NewEmployee{Subject: "new", Name: "N", Role: "devops-engineer", Tier: "mid",
			ManagerID: ptr(other.ID.String())})
		refusal(t, err, app.Invalid, "validation")

		dup := valid
		dup.Subject = "ann"
		_, err = f.app.CreateEmployee(t.Context(), admin(f.a), dup)
		refusal(t, err, app.Conflict, "employee-exists")
		_, err = f.app.UpdateEmployee(t.Context(), admin(f.a), ann.ID, app.EmployeeChange{Email: ptr("BOSS@acme.test")})
		refusal(t, err, app.Conflict, "employee-exists")

		// Another tenant's employee is not found.
		_, err = f.app.UpdateEmployee(t.Context(), admin(f.a), other.ID, app.EmployeeChange{Name: ptr("X")})
		refusal(t, err, app.NotFound, "")
		refusal(t, f.app.DeleteEmployee(t.Context(), admin(f.a), other.ID), app.NotFound, "")

		if diff := cmp.Diff(beforeA, f.state(t, f.a)); diff != "" {
			t.Errorf("refused use cases wrote (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(beforeB, f.state(t, f.b)); diff != "" {
			t.Errorf("refused use cases wrote in the other tenant (-before +after):\n%s", diff)
		}
	})
}
