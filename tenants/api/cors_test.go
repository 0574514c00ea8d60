package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func TestParseCORSOrigins(t *testing.T) {
	got, err := api.ParseCORSOrigins(" https://Dash.example.com, http://127.0.0.1:3000 ,")
	if err != nil || len(got) != 2 || got[0] != "https://dash.example.com" || got[1] != "http://127.0.0.1:3000" {
		t.Errorf("ParseCORSOrigins: %v, %v", got, err)
	}
	if got, err := api.ParseCORSOrigins(""); err != nil || got != nil {
		t.Errorf("empty: %v, %v; want none", got, err)
	}
	for _, bad := range []string{"*", "https://*.example.com", "dash.example.com", "https://dash.example.com/path", "ftp://x", "https://u:p@x"} {
		if _, err := api.ParseCORSOrigins(bad); err == nil {
			t.Errorf("ParseCORSOrigins(%q) accepted", bad)
		}
	}
}

// TestCORS: a dashboard on an allowed origin gets its preflight answered
// without a token and may read the answers of the stream and the API; any
// other origin gets no CORS headers, and with no origins configured there
// is no CORS at all.
func TestCORS(t *testing.T) {
	db := storetest.SQLite(t)
	verifier, err := auth.New(t.Context(), auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	newSrv := func(origins ...string) *httptest.Server {
		srv := httptest.NewServer(api.New(api.Config{Store: db.Store, Verifier: verifier, CORSOrigins: origins,
			Limits: api.Limits{RatePerSecond: -1}}).Handler())
		t.Cleanup(srv.Close)
		return srv
	}
	tenant := tenants.NewID()
	tok, err := auth.Mint(testSecret, tenants.Principal{Subject: "a", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAnalyst}}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	send := func(srv *httptest.Server, method, origin string, hdr ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+"/v1/events/stream", nil)
		req.Header.Set("Origin", origin)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	srv := newSrv("https://dash.example.com")
	pre := send(srv, "OPTIONS", "https://dash.example.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
	if pre.StatusCode != 204 || pre.Header.Get("Access-Control-Allow-Origin") != "https://dash.example.com" ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight from an allowed origin: %d %v", pre.StatusCode, pre.Header)
	}
	if pre := send(srv, "OPTIONS", "https://evil.example.com", "Access-Control-Request-Method", "GET"); pre.StatusCode != 403 || pre.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", pre.StatusCode, pre.Header)
	}
	// The actual request: a token for an unknown tenant is 401, but the
	// allowed page may read that answer (and its request id).
	res := send(srv, "GET", "https://dash.example.com", "Authorization", "Bearer "+tok)
	if res.Header.Get("Access-Control-Allow-Origin") != "https://dash.example.com" || !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Errorf("request from an allowed origin: %d %v", res.StatusCode, res.Header)
	}
	if res := send(srv, "GET", "https://evil.example.com", "Authorization", "Bearer "+tok); res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("request from another origin got %q", res.Header.Get("Access-Control-Allow-Origin"))
	}
	// None configured: the preflight is an unauthenticated request.
	if pre := send(newSrv(), "OPTIONS", "https://dash.example.com", "Access-Control-Request-Method", "GET"); pre.Header.Get("Access-Control-Allow-Origin") != "" || pre.StatusCode != 401 {
		t.Errorf("no origins configured: %d %v", pre.StatusCode, pre.Header)
	}
}
