package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/people"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// teamCSV is an import of a manager listed after her report.
const teamCSV = "subject,name,email,title,role,tier,manager,team\n" +
	"ann,Ann,ann@acme.test,DevOps Engineer,,mid,boss@acme.test,platform\n" +
	"boss,Boss,boss@acme.test,,devops-engineer,senior,,platform\n"

func TestImportEmployeesIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		var res app.ImportResult
		f.checkAtomic(t, "employee.import", true, []events.Type{events.TypeEmployeeCreated, events.TypeEmployeeCreated}, func(ctx context.Context) (err error) {
			res, err = f.app.ImportEmployees(ctx, admin(f.a), []byte(teamCSV))
			return err
		})
		if want := (app.ImportResult{Rows: 2, Created: 2, Errors: []people.LineError{}}); !cmp.Equal(res, want) {
			t.Errorf("import = %+v, want %+v", res, want)
		}
		// The same file again changes and emits nothing.
		before := f.state(t, f.a)
		res, err := f.app.ImportEmployees(t.Context(), admin(f.a), []byte(teamCSV))
		if err != nil {
			t.Fatal(err)
		}
		if res.Unchanged != 2 || res.Created+res.Updated != 0 {
			t.Errorf("re-import = %+v, want 2 unchanged", res)
		}
		if diff := cmp.Diff(before, f.state(t, f.a)); diff != "" {
			t.Errorf("re-importing the same file wrote (-before +after):\n%s", diff)
		}
		// A new team is no new role: no bump.
		f.checkAtomic(t, "employee.import", false, []events.Type{events.TypeEmployeeUpdated}, func(ctx context.Context) (err error) {
			res, err = f.app.ImportEmployees(ctx, admin(f.a), []byte(strings.ReplaceAll(teamCSV, "senior,,platform", "senior,,core")))
			return err
		})
		if res.Updated != 1 || res.Unchanged != 1 {
			t.Errorf("import of a changed team = %+v, want 1 updated, 1 unchanged", res)
		}
	})
}

func TestImportEmployeesRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		if _, err := f.app.ImportEmployees(t.Context(), admin(f.b), []byte("subject,name,role,tier\nzed,Zed,devops-engineer,mid\n")); err != nil {
			t.Fatal(err)
		}
		beforeA, beforeB := f.state(t, f.a), f.state(t, f.b)
		for name, tc := range map[string]struct {
			file string
			kind app.Kind
			code string
		}{
			"bad quoting":    {"subject,name,role,tier\nu1,\"Unclosed,devops-engineer,mid\n", app.Invalid, "malformed-csv"},
			"unknown column": {"subject,name,role,tier,salary\n", app.Invalid, "invalid-csv-header"},
			"empty":          {"", app.Invalid, "invalid-csv-header"},
		} {
			_, err := f.app.ImportEmployees(t.Context(), admin(f.a), []byte(tc.file))
			if e, ok := app.AsError(err); !ok || e.Kind != tc.kind || e.Code != tc.code || !strings.HasSuffix(e.Detail, "; nothing was imported") {
				t.Errorf("%s: err = %v, want a refusal %d %q ending in \"; nothing was imported\"", name, err, tc.kind, tc.code)
			}
		}
		// A file of only failing lines writes nothing: a reporting cycle,
		// and a manager who is only in the other tenant.
		res, err := f.app.ImportEmployees(t.Context(), admin(f.a), []byte("subject,name,role,tier,manager\n"+
			"a,A,devops-engineer,mid,b\nb,B,devops-engineer,mid,a\nc,C,devops-engineer,mid,zed\nd,D,devops-engineer,junior,\n"))
		if err != nil {
			t.Fatal(err)
		}
		want := []people.LineError{
			{Line: 2, Field: "manager", Message: "this manager makes a reporting cycle"},
			{Line: 3, Field: "manager", Message: "this manager makes a reporting cycle"},
			{Line: 4, Field: "manager", Message: `no employee has the subject or email "zed" (in the company or in a valid line of this file)`},
			{Line: 5, Field: "tier", Message: `must be entry, mid or senior, not "junior"`},
		}
		if diff := cmp.Diff(want, res.Errors); diff != "" || res.Rows != 4 || res.Created != 0 {
			t.Errorf("import = %+v; line errors (-want +got):\n%s", res, diff)
		}
		if diff := cmp.Diff(beforeA, f.state(t, f.a)); diff != "" {
			t.Errorf("refused imports wrote (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(beforeB, f.state(t, f.b)); diff != "" {
			t.Errorf("refused imports wrote in the other tenant (-before +after):\n%s", diff)
		}
	})
}
