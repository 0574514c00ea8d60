package api_test

import (
	"encoding/base64"
	"testing"

	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestNumbersBeyondInt32 gives version numbers and cursors past 2³¹−1 (an
// int4 column on PostgreSQL): each is a 400 problem, never a 500, and the
// largest accepted number is a plain 404.
func TestNumbersBeyondInt32(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		_, admin := e.createTenant("acme")
		planCursor := base64.RawURLEncoding.EncodeToString([]byte("plan-version:2147483648"))
		libCursor := base64.RawURLEncoding.EncodeToString([]byte("v2147483648"))
		for _, c := range []struct {
			path, kind string
			status     int
		}{
			{"/v1/library/versions/2147483648", "invalid-version", 400},
			{"/v1/library/versions/99999999999999999999", "invalid-version", 400},
			{"/v1/library/versions/2147483647", "not-found", 404},
			{"/v1/library/versions?before=2147483648", "invalid-version", 400},
			{"/v1/library/versions?cursor=" + libCursor, "invalid-cursor", 400},
			{"/v1/library/diff?from=1&to=2147483648", "invalid-version", 400},
			{"/v1/me/plan/history?cursor=" + planCursor, "invalid-cursor", 400},
		} {
			r := e.do("GET", c.path, admin, nil)
			expect(t, r, c.status, "GET "+c.path)
			if got := r.json(t)["type"]; got != api.ProblemBase+c.kind {
				t.Errorf("GET %s: got type %v, want %s", c.path, got, api.ProblemBase+c.kind)
			}
		}
	})
}
