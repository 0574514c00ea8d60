package auth_test

import (
	"testing"
	"time"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
)

func BenchmarkVerifyHS256(b *testing.B) {
	secret := keys().secret
	v := newVerifier(b, auth.Config{Secret: secret})
	p := tenants.Principal{Subject: "ada", Tenant: tenants.NewID(), Roles: []tenants.Role{tenants.RoleAdmin, tenants.RoleEmployee}}
	tok, err := auth.Mint(secret, p, auth.DefaultIssuer, auth.DefaultAudience, time.Hour, time.Now())
	if err != nil {
		b.Fatalf("Mint: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok); err != nil {
			b.Fatalf("Verify: %v", err)
		}
	}
}
