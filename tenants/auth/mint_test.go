package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
)

func TestMintRoundTrip(t *testing.T) {
	t.Parallel()
	f := keys()
	v := newVerifier(t, auth.Config{Secret: f.secret})
	tenant := tenants.NewID()
	tests := []struct {
		name string
		p    tenants.Principal
	}{
		{"tenant admin", tenants.Principal{Subject: "ada", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAdmin}}},
		{"manager and employee", tenants.Principal{Subject: "bob", Tenant: tenant, Roles: []tenants.Role{tenants.RoleManager, tenants.RoleEmployee}}},
		{"analyst", tenants.Principal{Subject: "bi-tool", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAnalyst}}},
		{"platform admin", tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := time.Now().Truncate(time.Second) // exp has whole seconds
			tok, err := auth.Mint(f.secret, tt.p, auth.DefaultIssuer, auth.DefaultAudience, time.Hour, now)
			if err != nil {
				t.Fatalf("Mint() error = %v, want nil", err)
			}
			got, err := v.Verify(tok)
			if err != nil {
				t.Fatalf("Verify(Mint()) error = %v, want nil", err)
			}
			want := tt.p
			want.Expires = now.Add(time.Hour + auth.DefaultLeeway)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Verify(Mint()) principal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMintExpiry(t *testing.T) {
	t.Parallel()
	f := keys()
	v := newVerifier(t, auth.Config{Secret: f.secret})
	p := tenants.Principal{Subject: "ada", Tenant: tenants.NewID(), Roles: []tenants.Role{tenants.RoleEmployee}}
	tests := []struct {
		name    string
		ttl     time.Duration
		now     time.Time
		wantErr bool
	}{
		{"valid now", time.Minute, time.Now(), false},
		{"expired", time.Minute, time.Now().Add(-time.Hour), true},
		{"not yet valid", time.Hour, time.Now().Add(10 * time.Minute), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := auth.Mint(f.secret, p, auth.DefaultIssuer, auth.DefaultAudience, tt.ttl, tt.now)
			if err != nil {
				t.Fatalf("Mint() error = %v, want nil", err)
			}
			_, err = v.Verify(tok)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("Verify(Mint()) error = %v, want error %t", err, tt.wantErr)
			}
		})
	}
}

func TestMintRejects(t *testing.T) {
	t.Parallel()
	secret := keys().secret
	tenant := tenants.NewID()
	ok := tenants.Principal{Subject: "ada", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAdmin}}
	tests := []struct {
		name     string
		secret   []byte
		p        tenants.Principal
		iss, aud string
		ttl      time.Duration
	}{
		{"short secret", []byte("short"), ok, "cadre", "cadre-api", time.Hour},
		{"zero ttl", secret, ok, "cadre", "cadre-api", 0},
		{"empty issuer", secret, ok, "", "cadre-api", time.Hour},
		{"empty audience", secret, ok, "cadre", "", time.Hour},
		{"no subject", secret, tenants.Principal{Tenant: tenant, Roles: []tenants.Role{tenants.RoleAdmin}}, "cadre", "cadre-api", time.Hour},
		{"no roles", secret, tenants.Principal{Subject: "ada", Tenant: tenant}, "cadre", "cadre-api", time.Hour},
		{"unknown role", secret, tenants.Principal{Subject: "ada", Tenant: tenant, Roles: []tenants.Role{"root"}}, "cadre", "cadre-api", time.Hour},
		{"tenant role without tenant", secret, tenants.Principal{Subject: "ada", Roles: []tenants.Role{tenants.RoleAdmin}}, "cadre", "cadre-api", time.Hour},
		{"platform admin with tenant", secret, tenants.Principal{Subject: "ops", Tenant: tenant, Roles: []tenants.Role{tenants.RolePlatformAdmin}}, "cadre", "cadre-api", time.Hour},
		{"platform admin with other roles", secret, tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin, tenants.RoleAdmin}}, "cadre", "cadre-api", time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := auth.Mint(tt.secret, tt.p, tt.iss, tt.aud, tt.ttl, time.Now())
			if !errors.Is(err, auth.ErrConfig) {
				t.Errorf("Mint() = %q, %v; want error wrapping %v", got, err, auth.ErrConfig)
			}
		})
	}
}
