package console_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/console"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestTeamShowsDirectReportsOnly: a manager's team page lists their direct
// reports and no one else; a manager of another tenant with the same
// subject sees none of them; an employee may not open it, on both
// databases.
func TestTeamShowsDirectReportsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		a := app.New(app.Config{Store: db.Store})
		c, err := console.New(console.Config{App: a, DevSignIn: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		acme, other := newTenant(t, db.Store, "acme"), newTenant(t, db.Store, "other")
		admin := tenants.Principal{Subject: "setup", Tenant: acme, Roles: []tenants.Role{tenants.RoleAdmin}}
		add := func(subject, name string, manager *string) string {
			e, err := a.CreateEmployee(t.Context(), admin, app.NewEmployee{Subject: subject, Name: name, Role: "devops-engineer", Tier: "mid", ManagerID: manager})
			if err != nil {
				t.Fatalf("create %s: %v", subject, err)
			}
			return e.ID.String()
		}
		boss := add("boss", "Bea Boss", nil)
		add("report", "Rita Report", &boss)
		add("elsewhere", "Otto Elsewhere", nil)

		page := func(tenant tenants.ID, role, subject string) (int, string) {
			session := signInAs(t, c, tenant, role, subject)
			req := httptest.NewRequest("GET", "/team", nil)
			req.AddCookie(session)
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		status, body := page(acme, "manager", "boss")
		if status != http.StatusOK || !strings.Contains(body, "Rita Report") || strings.Contains(body, "Otto Elsewhere") {
			t.Errorf("the manager's team: got %d, want Rita only:\n%s", status, body)
		}
		if status, body := page(other, "manager", "boss"); status != http.StatusOK || strings.Contains(body, "Rita") || !strings.Contains(body, "no employee record") {
			t.Errorf("another tenant's manager: got %d, want no record and no reports", status)
		}
		if status, _ := page(acme, "employee", "report"); status != http.StatusForbidden {
			t.Errorf("an employee: got %d, want 403", status)
		}
	})
}

// signInAs signs in through the development sign-in as subject with role.
func signInAs(t testing.TB, c *console.Console, tenant tenants.ID, role, subject string) *http.Cookie {
	t.Helper()
	link, err := url.Parse(c.DevSignInLink("http://cadre.test"))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("GET", link.RequestURI(), nil))
	grant := rec.Result().Cookies()
	if len(grant) != 1 {
		t.Fatalf("sign-in link: %d", rec.Code)
	}
	form := url.Values{"tenant": {tenant.String()}, "role": {role}, "subject": {subject}}
	req := httptest.NewRequest("POST", "/signin/dev", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(grant[0])
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "cadre_session" {
			return ck
		}
	}
	t.Fatalf("sign-in: %d, no session", rec.Code)
	return nil
}
