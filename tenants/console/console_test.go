package console_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/console"
)

// TestNoDevSignInWithASecret: with development sign-in off (a JWT secret or
// JWKS is configured), there is no sign-in link and the page is not found;
// every answer carries the security headers; a cross-origin post is
// refused before any handler runs.
func TestNoDevSignInWithASecret(t *testing.T) {
	c, err := console.New(console.Config{App: app.New(app.Config{})})
	if err != nil {
		t.Fatal(err)
	}
	if link := c.DevSignInLink("http://127.0.0.1:8080"); link != "" {
		t.Errorf("DevSignInLink: got %q, want none", link)
	}
	tests := []struct {
		name, method, path string
		header             map[string]string
		status             int
	}{
		{"sign-in page", "GET", "/signin/dev", nil, http.StatusNotFound},
		{"a spent or made-up code", "GET", "/signin/dev?code=00", nil, http.StatusNotFound},
		{"a page without a session", "GET", "/library", nil, http.StatusUnauthorized},
		{"cross-site post", "POST", "/signin/dev", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"cross-origin post", "POST", "/signout", map[string]string{"Origin": "https://evil.example", "Host": "cadre.example"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("got %d, want %d", rec.Code, tt.status)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers: got CSP %q, nosniff %q", csp, rec.Header().Get("X-Content-Type-Options"))
			}
		})
	}
}
