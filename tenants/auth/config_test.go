package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/tenants/auth"
)

func TestNewRejectsConfig(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>"))
	}))
	t.Cleanup(notJSON.Close)
	secret := keys().secret

	tests := []struct {
		name      string
		cfg       auth.Config
		wantIs    error
		wantMatch string
	}{
		{"nothing set", auth.Config{}, auth.ErrConfig, "neither a jwt secret nor a jwks url"},
		{"short secret", auth.Config{Secret: []byte("too-short")}, auth.ErrConfig, "jwt secret is 9 bytes, want at least 32"},
		{"secret one byte short", auth.Config{Secret: secret[:auth.MinSecretBytes-1]}, auth.ErrConfig, "want at least 32"},
		{"negative leeway", auth.Config{Secret: secret, Leeway: -1}, auth.ErrConfig, "negative leeway"},
		{"negative max token bytes", auth.Config{Secret: secret, MaxTokenBytes: -1}, auth.ErrConfig, "negative max token bytes"},
		{"jwks answering 503", auth.Config{JWKSURL: down.URL}, nil, "503"},
		{"jwks not json", auth.Config{JWKSURL: notJSON.URL}, nil, "decode"},
		{"jwks url not a url", auth.Config{JWKSURL: "::not a url"}, nil, "parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := auth.New(ctx, tt.cfg)
			if err == nil {
				t.Fatal("New() error = nil, want error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("New() error = %v, want it to wrap %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMatch) {
				t.Errorf("New() error = %v, want it to contain %q", err, tt.wantMatch)
			}
		})
	}
}

func TestNewAcceptsMinimalSecret(t *testing.T) {
	t.Parallel()
	secret := keys().secret[:auth.MinSecretBytes]
	if _, err := auth.New(context.Background(), auth.Config{Secret: secret}); err != nil {
		t.Errorf("New() with a %d byte secret: error = %v, want nil", len(secret), err)
	}
}
