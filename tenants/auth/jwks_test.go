package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cadrehq/cadre/tenants/auth"
)

// jwksServer serves a JWK Set that a test can replace, and counts fetches.
type jwksServer struct {
	mu      sync.Mutex // guards body and fetches
	body    []byte
	fetches int
}

func (s *jwksServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	body := s.body
	s.fetches++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (s *jwksServer) set(body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body = body
}

func (s *jwksServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// startJWKS serves body until the test ends.
func startJWKS(t *testing.T, body []byte) (*jwksServer, string) {
	t.Helper()
	s := &jwksServer{body: body}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func TestJWKSRotation(t *testing.T) {
	t.Parallel()
	f := keys()
	rotated := fixture{secret: f.secret, rsa: f.other, ec: f.ec, ed: f.ed}
	s, url := startJWKS(t, jwksJSON(t, f))
	v := newVerifier(t, auth.Config{JWKSURL: url})

	// The identity provider publishes a new RSA key under a new kid.
	body := strings.Replace(string(jwksJSON(t, rotated)), `"`+kidRSA+`"`, `"rsa-2"`, 1)
	s.set([]byte(body))
	tok := sign(t, jwt.SigningMethodRS256, f.other, "rsa-2", valid(nil))
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("Verify(token of the rotated key) error = %v, want nil", err)
	}
	if got, want := s.count(), 2; got != want {
		t.Errorf("jwks fetches = %d, want %d (start and one refresh for the unknown kid)", got, want)
	}
}

func TestJWKSUnknownKIDRefreshIsRateLimited(t *testing.T) {
	t.Parallel()
	f := keys()
	s, url := startJWKS(t, jwksJSON(t, f))
	v := newVerifier(t, auth.Config{JWKSURL: url})
	for i := range 5 {
		tok := sign(t, jwt.SigningMethodRS256, f.other, "attacker", valid(nil))
		if _, err := v.Verify(tok); err == nil {
			t.Fatalf("Verify(unknown kid) #%d error = nil, want error", i)
		}
	}
	if got, want := s.count(), 2; got != want {
		t.Errorf("jwks fetches = %d, want %d (start and one rate-limited refresh)", got, want)
	}
}

func TestJWKSTooLarge(t *testing.T) {
	t.Parallel()
	f := keys()
	body := jwksJSON(t, f)
	huge := append([]byte(`{"pad":"`+strings.Repeat("x", auth.MaxJWKSBytes)+`",`), body[1:]...)
	_, url := startJWKS(t, huge)
	if _, err := auth.New(context.Background(), auth.Config{JWKSURL: url}); err == nil {
		t.Errorf("New(jwks of %d bytes) error = nil, want error", len(huge))
	}
}
