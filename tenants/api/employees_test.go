package api_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// importCSV posts a CSV body to /v1/employees/import.
func (e *env) importCSV(token, body string) resp {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+"/v1/employees/import", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b.Bytes()}
}

// companyCSV is an import of n employees: a head of engineering, managers
// of ten each (listed after their reports, to check that managers may come
// later), roles given by title or slug.
func companyCSV(n int) string {
	var b strings.Builder
	b.WriteString("subject,name,email,title,role,tier,manager,team\n")
	for i := 1; i < n; i++ {
		mgr := fmt.Sprintf("m%d@acme.test", (i-1)/10)
		if i%10 == 0 {
			continue // managers come below
		}
		fmt.Fprintf(&b, "u%d,User %d,u%d@acme.test,DevOps Engineer,,mid,%s,team%d\n", i, i, i, mgr, (i-1)/10)
	}
	for m := 0; m*10 < n; m++ {
		if m == 0 {
			fmt.Fprintf(&b, "m0,Manager 0,m0@acme.test,,devops-engineer,senior,,team0\n")
			continue
		}
		fmt.Fprintf(&b, "m%d,Manager %d,m%d@acme.test,Senior Data Analyst,,senior,m0,team%d\n", m, m, m, m)
	}
	return b.String()
}

// employeeCount counts the tenant's employees directly in the store.
func (e *env) employeeCount(tenant tenants.ID) int {
	e.t.Helper()
	var n int
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) { n, err = tx.CountEmployees(); return err })
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// employeeID returns the id of the employee with subject.
func (e *env) employeeID(tenant tenants.ID, subject string) string {
	e.t.Helper()
	var id string
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		emp, err := tx.EmployeeBySubject(subject)
		id = emp.ID.String()
		return err
	})
	if err != nil {
		e.t.Fatalf("employee %s: %v", subject, err)
	}
	return id
}

// subscribe collects the tenant's events of an aggregate from NATS.
func (e *env) subscribe(tenant tenants.ID, aggregate string) *nats.Subscription {
	e.t.Helper()
	sub, err := e.nc.SubscribeSync("cadre." + tenant.String() + "." + aggregate + ".>")
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = sub.Unsubscribe() })
	return sub
}

// nextEvent waits for the next event of sub.
func nextEvent(t *testing.T, sub *nats.Subscription) events.Event {
	t.Helper()
	msg, err := sub.NextMsg(15 * time.Second)
	if err != nil {
		t.Fatalf("waiting for an event on %s: %v", sub.Subject, err)
	}
	ev, err := events.Parse(msg.Data)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// eventsUntil collects the events of sub up to and including the one about
// marker (a resource id), so that "nothing was emitted before the marker"
// is checked without waiting for a timeout: the relay publishes in commit
// order.
func eventsUntil(t *testing.T, sub *nats.Subscription, marker string) []events.Event {
	t.Helper()
	var out []events.Event
	for {
		ev := nextEvent(t, sub)
		if ev.Resource == marker {
			return out
		}
		out = append(out, ev)
	}
}

func TestImportEmployeesCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		sub := e.subscribe(tenant, "employee")
		good := companyCSV(50)
		bad := "" +
			"x1,Bad Tier,x1@acme.test,DevOps Engineer,,principal,,\n" +
			"x2,Unknown Title,x2@acme.test,Chief Vibes Officer,,mid,,\n" +
			"x3,No Manager,x3@acme.test,DevOps Engineer,,mid,nobody@acme.test,\n" +
			"u1,Duplicate Subject,dup@acme.test,DevOps Engineer,,mid,,\n" +
			"x4,Too,Many,Fields,,,,,\n" +
			"x5,Reports To Failed,x5@acme.test,DevOps Engineer,,mid,x3,\n"
		file := good + bad
		goodLines := strings.Count(good, "\n")
		r := e.importCSV(admin, file)
		expect(t, r, http.StatusMultiStatus, "import with bad lines")
		body := r.json(t)
		if body["created"] != float64(50) || body["failed"] != float64(6) || body["updated"] != float64(0) {
			t.Fatalf("import: got %s", r.Body)
		}
		wantLines := []int{goodLines + 1, goodLines + 2, goodLines + 3, goodLines + 4, goodLines + 5, goodLines + 6}
		errs := body["errors"].([]any)
		for i, want := range wantLines {
			got := errs[i].(map[string]any)
			if got["line"] != float64(want) || got["message"] == "" {
				t.Errorf("error %d: got %v, want line %d", i, got, want)
			}
		}
		if n := e.employeeCount(tenant); n != 50 {
			t.Errorf("employees: got %d, want 50", n)
		}
		created := eventsUntil(t, sub, e.employeeID(tenant, "m4"))
		if len(created) != 49 {
			t.Errorf("employee events before the last: got %d, want 49", len(created))
		}
		// Titles became roles; managers defined later in the file resolved.
		u1 := e.do("GET", "/v1/employees/"+e.employeeID(tenant, "u1"), admin, nil).json(t)
		if u1["role"].(map[string]any)["slug"] != "devops-engineer" || u1["manager_id"] != e.employeeID(tenant, "m0") || u1["team"] != "team0" {
			t.Errorf("u1: got %v", u1)
		}
		m1 := e.do("GET", "/v1/employees/"+e.employeeID(tenant, "m1"), admin, nil).json(t)
		if m1["role"].(map[string]any)["slug"] != "data-analyst" || m1["tier"] != "senior" {
			t.Errorf("m1 (title Senior Data Analyst): got %v", m1)
		}

		// The same file again changes nothing and emits nothing: the next
		// event on the subject is the marker created afterwards.
		r = e.importCSV(admin, file)
		expect(t, r, http.StatusMultiStatus, "re-import")
		if b := r.json(t); b["created"] != float64(0) || b["updated"] != float64(0) || b["unchanged"] != float64(50) {
			t.Errorf("re-import: got %s", r.Body)
		}
		mk := e.do("POST", "/v1/employees", admin, map[string]any{"subject": "marker", "name": "Marker", "role": "devops-engineer", "tier": "entry"})
		expect(t, mk, 201, "marker")
		if evs := eventsUntil(t, sub, mk.json(t)["id"].(string)); len(evs) != 0 {
			t.Errorf("re-import emitted %d events, want none", len(evs))
		}

		// A changed line updates one employee, with one event naming the
		// change; the multipart form works too.
		changed := strings.Replace(good, "u5,User 5,u5@acme.test,DevOps Engineer,,mid,", "u5,User 5,u5@acme.test,DevOps Engineer,,senior,", 1)
		r = e.importMultipart(admin, changed)
		expect(t, r, 200, "import with one change")
		if b := r.json(t); b["updated"] != float64(1) || b["unchanged"] != float64(49) {
			t.Errorf("changed import: got %s", r.Body)
		}
		ev := nextEvent(t, sub)
		var upd events.EmployeeUpdated
		if err := ev.DecodeData(&upd); err != nil || ev.Type != events.TypeEmployeeUpdated || upd.Tier != "senior" || len(upd.Changed) != 1 || upd.Changed[0] != "tier" {
			t.Errorf("update event: got %s %+v (%v)", ev.Type, upd, err)
		}
	})
}

func (e *env) importMultipart(token, csv string) resp {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "people.csv")
	fw.Write([]byte(csv))
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/employees/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b.Bytes()}
}

func TestImportRefusesBadFilesWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		expect(t, e.importCSV(admin, companyCSV(10)), 200, "seed import")
		_, _, auditBefore := e.counts(tenant)
		var huge strings.Builder
		huge.WriteString("subject,name,role,tier\n")
		for i := range 100_001 {
			fmt.Fprintf(&huge, "s%d,N,devops-engineer,mid\n", i)
		}
		tests := []struct {
			name, body string
			status     int
			kind       string
		}{
			{"bad quoting", "subject,name,role,tier\nnew1,New,devops-engineer,mid\nnew2,\"Unclosed,devops-engineer,mid\n", 422, "malformed-csv"},
			{"unterminated quote in the last line", "subject,name,role,tier\n\"0", 422, "malformed-csv"},
			{"stray quote", "subject,name,role,tier\nnew1,Ne\"w,devops-engineer,mid\n", 422, "malformed-csv"},
			{"not utf-8", "subject,name,role,tier\nnew1,\xff\xfe,devops-engineer,mid\n", 422, "malformed-csv"},
			{"empty body", "", 400, "bad-request"},
			{"header only blank", "\n\n", 422, "invalid-csv-header"},
			{"unknown column", "subject,name,role,tier,salary\n", 422, "invalid-csv-header"},
			{"missing role and title", "subject,name,tier\nnew1,New,mid\n", 422, "invalid-csv-header"},
			{"100,001 rows", huge.String(), 413, "too-many-rows"},
		}
		for _, tt := range tests {
			r := e.importCSV(admin, tt.body)
			expect(t, r, tt.status, tt.name)
			if got := r.json(t)["type"]; got != "https://cadre.dev/problems/"+tt.kind {
				t.Errorf("%s: type %v, want %s", tt.name, got, tt.kind)
			}
			if n := e.employeeCount(tenant); n != 10 {
				t.Errorf("%s: %d employees after, want 10 (nothing written)", tt.name, n)
			}
		}
		if _, _, audit := e.counts(tenant); audit != auditBefore {
			t.Errorf("audit entries: got %d, want %d (nothing written)", audit, auditBefore)
		}
		r := e.do("POST", "/v1/employees/import", admin, "subject,name,role,tier\n")
		expect(t, r, 415, "JSON content type")
	})
}

func TestEmployeeWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		sub := e.subscribe(tenant, "employee")
		boss := e.do("POST", "/v1/employees", admin, map[string]any{"subject": "boss", "name": "Boss", "email": "Boss@Acme.test", "role": "DevOps Engineer", "tier": "senior"})
		expect(t, boss, 201, "create boss")
		bossID := boss.json(t)["id"].(string)
		if b := boss.json(t); b["email"] != "boss@acme.test" || b["role"].(map[string]any)["slug"] != "devops-engineer" || b["manager_id"] != nil {
			t.Errorf("boss: got %v", b)
		}
		rep := e.do("POST", "/v1/employees", admin, map[string]any{"subject": "rep", "name": "Rep", "role": "devops-engineer", "tier": "mid", "manager_id": bossID, "team": "platform"})
		expect(t, rep, 201, "create report")
		repID := rep.json(t)["id"].(string)
		ev := nextEvent(t, sub)
		var created events.EmployeeCreated
		if ev.DecodeData(&created); ev.Type != events.TypeEmployeeCreated || created.EmployeeID != bossID || created.ContextRevision == 0 {
			t.Errorf("first event: got %s %+v", ev.Type, created)
		}
		next := nextEvent(t, sub)
		var second events.EmployeeCreated
		next.DecodeData(&second)
		if second.ContextRevision != created.ContextRevision {
			t.Errorf("a second employee of a role already held bumped the context revision: %d → %d", created.ContextRevision, second.ContextRevision)
		}

		for name, body := range map[string]map[string]any{
			"bad tier":        {"subject": "x", "name": "X", "role": "devops-engineer", "tier": "guru"},
			"unknown role":    {"subject": "x", "name": "X", "role": "Chief Vibes Officer", "tier": "mid"},
			"bad email":       {"subject": "x", "name": "X", "role": "devops-engineer", "tier": "mid", "email": "not an email"},
			"missing manager": {"subject": "x", "name": "X", "role": "devops-engineer", "tier": "mid", "manager_id": "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c"},
		} {
			expect(t, e.do("POST", "/v1/employees", admin, body), 422, name)
		}
		expect(t, e.do("POST", "/v1/employees", admin, map[string]any{"subject": "boss", "name": "Again", "role": "devops-engineer", "tier": "mid"}), 409, "duplicate subject")
		expect(t, e.do("PATCH", "/v1/employees/"+bossID, admin, map[string]any{"manager_id": repID}), 422, "reporting cycle")
		expect(t, e.do("PATCH", "/v1/employees/"+bossID, admin, map[string]any{"manager_id": bossID}), 422, "own manager")

		r := e.do("PATCH", "/v1/employees/"+repID, admin, map[string]any{"tier": "senior", "role": "data-analyst"})
		expect(t, r, 200, "patch")
		if b := r.json(t); b["tier"] != "senior" || b["role"].(map[string]any)["slug"] != "data-analyst" || b["manager_id"] != bossID {
			t.Errorf("patched: got %v", b)
		}
		ev = nextEvent(t, sub)
		var upd events.EmployeeUpdated
		ev.DecodeData(&upd)
		if ev.Type != events.TypeEmployeeUpdated || upd.ContextRevision <= created.ContextRevision || strings.Join(upd.Changed, ",") != "role,tier" {
			t.Errorf("update event: got %s %+v (a new role held must bump the revision)", ev.Type, upd)
		}
		r = e.do("GET", "/v1/employees?role=data-analyst", admin, nil)
		expect(t, r, 200, "filter by role")
		if items := r.json(t)["items"].([]any); len(items) != 1 {
			t.Errorf("role filter: got %d items, want 1", len(items))
		}

		expect(t, e.do("DELETE", "/v1/employees/"+bossID, admin, nil), 204, "delete boss")
		ev = nextEvent(t, sub)
		if ev.Type != events.TypeEmployeeDeleted || ev.Resource != bossID {
			t.Errorf("delete event: got %s %s", ev.Type, ev.Resource)
		}
		if b := e.do("GET", "/v1/employees/"+repID, admin, nil).json(t); b["manager_id"] != nil {
			t.Errorf("report of a deleted manager: manager_id %v, want null", b["manager_id"])
		}
		expect(t, e.do("GET", "/v1/employees/"+bossID, admin, nil), 404, "deleted")
	})
}

// people is a tenant with an admin, a manager with one report, another
// employee outside the manager's team, and an analyst; tokens by name.
type people struct {
	tenant                  tenants.ID
	tokens                  map[string]string
	manager, report, other  string // employee ids
	otherManager, otherTeam string
}

func seedPeople(t *testing.T, e *env, slug string) people {
	t.Helper()
	tenant, admin := e.createTenant(slug)
	csv := "subject,name,role,tier,manager,team\n" +
		"mgr,Manager,devops-engineer,senior,,a\n" +
		"rep,Report,devops-engineer,mid,mgr,a\n" +
		"mgr2,Other Manager,devops-engineer,senior,,b\n" +
		"oth,Other,devops-engineer,mid,mgr2,b\n"
	expect(t, e.importCSV(admin, csv), 200, "seed people")
	p := people{tenant: tenant, tokens: map[string]string{
		"admin":        admin,
		"manager":      e.token(tenant, "mgr", tenants.RoleManager, tenants.RoleEmployee),
		"report":       e.token(tenant, "rep", tenants.RoleEmployee),
		"other":        e.token(tenant, "oth", tenants.RoleEmployee),
		"otherManager": e.token(tenant, "mgr2", tenants.RoleManager, tenants.RoleEmployee),
		"analyst":      e.token(tenant, "bi", tenants.RoleAnalyst),
	}}
	p.manager, p.report, p.other = e.employeeID(tenant, "mgr"), e.employeeID(tenant, "rep"), e.employeeID(tenant, "oth")
	p.otherManager = e.employeeID(tenant, "mgr2")
	return p
}

func TestEmployeeAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a := seedPeople(t, e, "acme")
		b := seedPeople(t, e, "globex")
		tok := a.tokens
		// Reads: the report is visible to themselves, their manager and the
		// admin; not to another employee, another manager, another tenant;
		// analysts are refused.
		path := "/v1/employees/" + a.report
		for who, want := range map[string]int{"report": 200, "manager": 200, "admin": 200, "other": 404, "otherManager": 404, "analyst": 403} {
			expect(t, e.do("GET", path, tok[who], nil), want, "GET report as "+who)
		}
		expect(t, e.do("GET", path, b.tokens["admin"], nil), 404, "GET report as another tenant's admin")
		expect(t, e.do("GET", "/v1/employees/"+b.report, tok["admin"], nil), 404, "GET another tenant's employee")

		// Lists are scoped: admin all, a manager their reports, an employee
		// themselves.
		for who, want := range map[string]int{"admin": 4, "manager": 1, "otherManager": 1, "report": 1} {
			r := e.do("GET", "/v1/employees", tok[who], nil)
			expect(t, r, 200, "list as "+who)
			if got := len(r.json(t)["items"].([]any)); got != want {
				t.Errorf("list as %s: got %d, want %d", who, got, want)
			}
		}
		r := e.do("GET", "/v1/employees", tok["manager"], nil)
		if id := r.json(t)["items"].([]any)[0].(map[string]any)["id"]; id != a.report {
			t.Errorf("manager's list: got %v, want the report", id)
		}
		expect(t, e.do("GET", "/v1/employees", tok["analyst"], nil), 403, "list as analyst")

		// Writes are the admin's; another tenant's admin finds nothing.
		patch := map[string]any{"team": "z"}
		for _, who := range []string{"report", "manager", "other", "analyst"} {
			expect(t, e.do("PATCH", path, tok[who], patch), 403, "PATCH as "+who)
			expect(t, e.do("DELETE", path, tok[who], nil), 403, "DELETE as "+who)
			expect(t, e.do("POST", "/v1/employees", tok[who], map[string]any{"subject": "n", "name": "N", "role": "devops-engineer", "tier": "mid"}), 403, "POST as "+who)
			expect(t, e.importCSV(tok[who], "subject,name,role,tier\nn,N,devops-engineer,mid\n"), 403, "import as "+who)
		}
		expect(t, e.do("PATCH", path, b.tokens["admin"], patch), 404, "PATCH from another tenant")
		expect(t, e.do("DELETE", path, b.tokens["admin"], nil), 404, "DELETE from another tenant")
		if got := e.do("GET", path, tok["admin"], nil).json(t); got["team"] != "a" {
			t.Errorf("after refused writes: team %v, want a", got["team"])
		}
		if n := e.employeeCount(a.tenant); n != 4 {
			t.Errorf("employees after refused writes: got %d, want 4", n)
		}

		// /v1/me: the caller's own record; analysts refused; no record 404.
		r = e.do("GET", "/v1/me", tok["report"], nil)
		expect(t, r, 200, "me")
		me := r.json(t)
		if me["employee"].(map[string]any)["id"] != a.report || me["framework"].(map[string]any)["tier"] != "mid" || me["latest_results"] != nil {
			t.Errorf("me: got %v", me)
		}
		if n := len(me["framework"].(map[string]any)["competencies"].([]any)); n == 0 {
			t.Errorf("me: framework has no competencies")
		}
		expect(t, e.do("GET", "/v1/me", tok["analyst"], nil), 403, "me as analyst")
		expect(t, e.do("GET", "/v1/me", e.token(a.tenant, "stranger", tenants.RoleEmployee), nil), 404, "me without a record")
	})
}
