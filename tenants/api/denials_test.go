package api_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
)

// TestDenialsAreLoggedWithoutTheToken: a 401 (bad token), a 403 (an
// employee on an admin route) and a 429 (over the tenant's rate) each log
// one "request denied" warning with the status, route, tenant, subject and
// reason that apply, and no record holds the token.
func TestDenialsAreLoggedWithoutTheToken(t *testing.T) {
	b := newBareServerLimits(t, api.Limits{Extract: extract.DefaultLimits(), MaxValues: 100, RatePerSecond: 0.001, Burst: 2})
	tenant, admin := b.tenant("acme")
	employee, err := auth.Mint(testSecret, tenants.Principal{Subject: "emp-1", Tenant: tenant, Roles: []tenants.Role{tenants.RoleEmployee}}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	forged := admin[:len(admin)-4] + "AAAA" // a bad signature
	for _, c := range []struct {
		path, token, id string
		status          int
	}{
		{"/v1/documents", forged, "req-401", http.StatusUnauthorized},
		{"/v1/documents", employee, "req-403", http.StatusForbidden},
		{"/v1/values", admin, "", http.StatusOK},                     // the tenant's second request (the 403 was its first)
		{"/v1/values", admin, "req-429", http.StatusTooManyRequests}, // the third: over the burst of 2
	} {
		if w := b.get(c.path, c.token, c.id); w.Code != c.status {
			t.Fatalf("GET %s (%s): got %d %s, want %d", c.path, c.id, w.Code, w.Body, c.status)
		}
	}

	byID := map[string]map[string]string{}
	for _, rec := range b.log.atLeast(slog.LevelWarn) {
		for k, v := range rec {
			for _, tok := range []string{admin, employee, forged} {
				if strings.Contains(v, tok) || strings.Contains(v, strings.Split(tok, ".")[2]) {
					t.Errorf("log %s=%q holds a token", k, v)
				}
			}
		}
		if rec["msg"] == "request denied" {
			byID[rec["request_id"]] = rec
		}
	}
	for id, want := range map[string]map[string]string{
		"req-401": {"status": "401", "path": "/v1/documents", "reason": "signature is invalid"},
		"req-403": {"status": "403", "tenant_id": tenant.String(), "subject": "emp-1"},
		"req-429": {"status": "429", "tenant_id": tenant.String(), "subject": "admin-acme", "reason": "rate limit of " + tenant.String()},
	} {
		got, ok := byID[id]
		if !ok {
			t.Errorf("%s: no denial logged (records %v)", id, b.log.atLeast(slog.LevelWarn))
			continue
		}
		for k, v := range want {
			if !strings.Contains(got[k], v) {
				t.Errorf("%s: log %s = %q, want it to contain %q", id, k, got[k], v)
			}
		}
	}
}
