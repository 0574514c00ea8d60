package auth_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
)

// tamper replaces the payload of tok by edit's version of it and keeps the
// original header and signature.
func tamper(t *testing.T, tok string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("unmarshal payload: %v", err)
	}
	edit(c)
	raw, err = json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal payload: %v", err)
	}
	parts[1] = b64(raw)
	return strings.Join(parts, ".")
}

// unsigned returns a token with alg "none" and an empty signature.
func unsigned(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatalf("sign none: %v", err)
	}
	return s
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	f := keys()
	url := serveJWKS(t, f)
	both := newVerifier(t, auth.Config{Secret: f.secret, JWKSURL: url})
	jwksOnly := newVerifier(t, auth.Config{JWKSURL: url})
	secretOnly := newVerifier(t, auth.Config{Secret: f.secret})
	hs := func(edit func(jwt.MapClaims)) string {
		return sign(t, jwt.SigningMethodHS256, f.secret, "", valid(edit))
	}

	tests := []struct {
		name    string
		v       *auth.Verifier
		token   string
		wantIs  error  // a jwt error the rejection must wrap, if any
		wantMsg string // a reason the error must state, if any
	}{
		{
			name:    "alg none",
			v:       both,
			token:   unsigned(t, valid(nil)),
			wantMsg: "signing method none is invalid",
		},
		{
			name:    "alg none without secret",
			v:       jwksOnly,
			token:   unsigned(t, valid(nil)),
			wantMsg: "signing method none is invalid",
		},
		{
			name:   "hs256 with rsa public key pem as secret",
			v:      both,
			token:  sign(t, jwt.SigningMethodHS256, rsaPublicPEM(t, f), kidRSA, valid(nil)),
			wantIs: jwt.ErrTokenSignatureInvalid,
		},
		{
			name:    "hs256 with rsa public key pem as secret and no secret configured",
			v:       jwksOnly,
			token:   sign(t, jwt.SigningMethodHS256, rsaPublicPEM(t, f), kidRSA, valid(nil)),
			wantMsg: "signing method HS256 is invalid",
		},
		{
			name:    "hs512 with the secret",
			v:       both,
			token:   sign(t, jwt.SigningMethodHS512, f.secret, "", valid(nil)),
			wantMsg: "signing method HS512 is invalid",
		},
		{
			name:    "rs256 without jwks configured",
			v:       secretOnly,
			token:   sign(t, jwt.SigningMethodRS256, f.rsa, kidRSA, valid(nil)),
			wantMsg: "signing method RS256 is invalid",
		},
		{
			name: "expired",
			v:    both,
			token: hs(func(c jwt.MapClaims) {
				c["exp"] = time.Now().Add(-time.Hour).Unix()
				c["iat"] = time.Now().Add(-2 * time.Hour).Unix()
			}),
			wantIs: jwt.ErrTokenExpired,
		},
		{
			name:   "expired beyond leeway",
			v:      both,
			token:  hs(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-2 * auth.DefaultLeeway).Unix() }),
			wantIs: jwt.ErrTokenExpired,
		},
		{
			name:   "nbf in the future",
			v:      both,
			token:  hs(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() }),
			wantIs: jwt.ErrTokenNotValidYet,
		},
		{
			name:   "iat in the future",
			v:      both,
			token:  hs(func(c jwt.MapClaims) { c["iat"] = time.Now().Add(time.Hour).Unix() }),
			wantIs: jwt.ErrTokenUsedBeforeIssued,
		},
		{
			name:    "exp in year 9999",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["exp"] = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix() }),
			wantMsg: "exp is more than 24h0m0s ahead",
		},
		{
			name: "exp a day and a minute ahead",
			v:    both,
			token: hs(func(c jwt.MapClaims) {
				c["exp"] = time.Now().Add(auth.DefaultMaxTTL + auth.DefaultLeeway + time.Minute).Unix()
			}),
			wantMsg: "token lifetime too long",
		},
		{
			name:    "exp as a string",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["exp"] = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10) }),
			wantMsg: "exp must be a number",
		},
		{
			name:    "iat as a string",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["iat"] = strconv.FormatInt(time.Now().Unix(), 10) }),
			wantMsg: "iat must be a number",
		},
		{
			name:   "no exp",
			v:      both,
			token:  hs(func(c jwt.MapClaims) { delete(c, "exp") }),
			wantIs: jwt.ErrTokenRequiredClaimMissing,
		},
		{
			name:   "wrong iss",
			v:      both,
			token:  hs(func(c jwt.MapClaims) { c["iss"] = "someone-else" }),
			wantIs: jwt.ErrTokenInvalidIssuer,
		},
		{
			name:    "no iss",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { delete(c, "iss") }),
			wantIs:  jwt.ErrTokenRequiredClaimMissing,
			wantMsg: "iss claim is required",
		},
		{
			name:   "wrong aud",
			v:      both,
			token:  hs(func(c jwt.MapClaims) { c["aud"] = []string{"other-api"} }),
			wantIs: jwt.ErrTokenInvalidAudience,
		},
		{
			name:    "no aud",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { delete(c, "aud") }),
			wantIs:  jwt.ErrTokenRequiredClaimMissing,
			wantMsg: "aud claim is required",
		},
		{
			name:   "tampered payload",
			v:      both,
			token:  tamper(t, hs(func(c jwt.MapClaims) { c["roles"] = []string{"employee"} }), func(c map[string]any) { c["roles"] = []string{"admin"} }),
			wantIs: jwt.ErrTokenSignatureInvalid,
		},
		{
			name:   "tampered payload of rs256",
			v:      both,
			token:  tamper(t, sign(t, jwt.SigningMethodRS256, f.rsa, kidRSA, valid(nil)), func(c map[string]any) { c["sub"] = "someone-else" }),
			wantIs: jwt.ErrTokenSignatureInvalid,
		},
		{
			name:    "unknown kid",
			v:       both,
			token:   sign(t, jwt.SigningMethodRS256, f.other, "rsa-unknown", valid(nil)),
			wantMsg: "unknown signing key",
		},
		{
			name:    "known kid signed by another key",
			v:       both,
			token:   sign(t, jwt.SigningMethodRS256, f.other, kidRSA, valid(nil)),
			wantIs:  jwt.ErrTokenSignatureInvalid,
			wantMsg: "verification error",
		},
		{
			name:    "no kid",
			v:       both,
			token:   sign(t, jwt.SigningMethodRS256, f.rsa, "", valid(nil)),
			wantMsg: "missing kid header",
		},
		{
			name:    "es256 with the rsa kid",
			v:       both,
			token:   sign(t, jwt.SigningMethodES256, f.ec, kidRSA, valid(nil)),
			wantMsg: "unknown signing key",
		},
		{
			name:    "huge token",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("x", 1<<20) }),
			wantMsg: "token longer than 8192 bytes",
		},
		{
			name:    "missing sub",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { delete(c, "sub") }),
			wantMsg: "missing sub claim",
		},
		{
			name:    "empty sub",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["sub"] = "" }),
			wantMsg: "missing sub claim",
		},
		{
			name: "platform_admin with tenant_id",
			v:    both,
			token: hs(func(c jwt.MapClaims) {
				c["roles"] = []string{"platform_admin"}
			}),
			wantMsg: "platform_admin together with tenant_id",
		},
		{
			name: "platform_admin with empty tenant_id",
			v:    both,
			token: hs(func(c jwt.MapClaims) {
				c["roles"] = []string{"platform_admin"}
				c["tenant_id"] = ""
			}),
			wantMsg: "platform_admin together with tenant_id",
		},
		{
			name: "platform_admin with tenant roles",
			v:    both,
			token: hs(func(c jwt.MapClaims) {
				c["roles"] = []string{"platform_admin", "admin"}
				delete(c, "tenant_id")
			}),
			wantMsg: "platform_admin together with other roles",
		},
		{
			name:    "tenant role without tenant_id",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { delete(c, "tenant_id") }),
			wantMsg: "tenant roles without tenant_id",
		},
		{
			name:    "tenant_id not a uuid",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["tenant_id"] = "acme" }),
			wantIs:  tenants.ErrInvalidID,
			wantMsg: "tenant_id claim",
		},
		{
			name:    "unknown role",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["roles"] = []string{"employee", "superuser"} }),
			wantMsg: "unknown role",
		},
		{
			name:    "no roles",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { delete(c, "roles") }),
			wantMsg: "missing roles claim",
		},
		{
			name:    "empty roles",
			v:       both,
			token:   hs(func(c jwt.MapClaims) { c["roles"] = []string{} }),
			wantMsg: "missing roles claim",
		},
		{
			name:   "roles not an array",
			v:      both,
			token:  hs(func(c jwt.MapClaims) { c["roles"] = "admin" }),
			wantIs: jwt.ErrTokenMalformed,
		},
		{
			name:   "not a jwt",
			v:      both,
			token:  "not-a-token",
			wantIs: jwt.ErrTokenMalformed,
		},
		{
			name:   "empty",
			v:      both,
			token:  "",
			wantIs: jwt.ErrTokenMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.v.Verify(tt.token)
			if !errors.Is(err, auth.ErrUnauthenticated) {
				t.Fatalf("Verify() = %+v, %v; want error wrapping %v", got, err, auth.ErrUnauthenticated)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Verify() error = %q, want it to wrap %q", err, tt.wantIs)
			}
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Verify() error = %q, want it to contain %q", err, tt.wantMsg)
			}
			if diff := cmp.Diff(tenants.Principal{}, got); diff != "" {
				t.Errorf("Verify() principal on error (-want +got):\n%s", diff)
			}
			if parts := strings.Split(tt.token, "."); len(parts) == 3 && strings.Contains(err.Error(), parts[1]) {
				t.Errorf("Verify() error = %q, want it not to echo the token", err)
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	t.Parallel()
	f := keys()
	url := serveJWKS(t, f)
	both := newVerifier(t, auth.Config{Secret: f.secret, JWKSURL: url})
	jwksOnly := newVerifier(t, auth.Config{JWKSURL: url})
	secretOnly := newVerifier(t, auth.Config{Secret: f.secret})
	tenant, err := tenants.ParseID(testTenant)
	if err != nil {
		t.Fatalf("ParseID: %v", err)
	}
	admin := tenants.Principal{Subject: testSub, Tenant: tenant, Roles: []tenants.Role{tenants.RoleAdmin, tenants.RoleEmployee}}
	platform := func(c jwt.MapClaims) {
		c["roles"] = []string{"platform_admin"}
		delete(c, "tenant_id")
	}

	tests := []struct {
		name  string
		v     *auth.Verifier
		token string
		want  tenants.Principal
	}{
		{"hs256", both, sign(t, jwt.SigningMethodHS256, f.secret, "", valid(nil)), admin},
		{"hs256 secret only", secretOnly, sign(t, jwt.SigningMethodHS256, f.secret, "", valid(nil)), admin},
		{"hs256 platform_admin", both, sign(t, jwt.SigningMethodHS256, f.secret, "", valid(platform)),
			tenants.Principal{Subject: testSub, Roles: []tenants.Role{tenants.RolePlatformAdmin}}},
		{"rs256 from jwks", both, sign(t, jwt.SigningMethodRS256, f.rsa, kidRSA, valid(nil)), admin},
		{"rs256 jwks only", jwksOnly, sign(t, jwt.SigningMethodRS256, f.rsa, kidRSA, valid(nil)), admin},
		{"es256 from jwks", both, sign(t, jwt.SigningMethodES256, f.ec, kidEC, valid(nil)), admin},
		{"eddsa from jwks", both, sign(t, jwt.SigningMethodEdDSA, f.ed, kidEd, valid(nil)), admin},
		{"expired within leeway", both, sign(t, jwt.SigningMethodHS256, f.secret, "", valid(func(c jwt.MapClaims) {
			c["exp"] = time.Now().Add(-auth.DefaultLeeway / 3).Unix()
		})), admin},
		{"aud among several", both, sign(t, jwt.SigningMethodHS256, f.secret, "", valid(func(c jwt.MapClaims) {
			c["aud"] = []string{"other-api", auth.DefaultAudience}
		})), admin},
		{"duplicate roles", both, sign(t, jwt.SigningMethodHS256, f.secret, "", valid(func(c jwt.MapClaims) {
			c["roles"] = []string{"admin", "employee", "admin"}
		})), admin},
		{"nbf and no iat", both, sign(t, jwt.SigningMethodHS256, f.secret, "", valid(func(c jwt.MapClaims) {
			delete(c, "iat")
			c["nbf"] = time.Now().Add(-time.Minute).Unix()
		})), admin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.v.Verify(tt.token)
			if err != nil {
				t.Fatalf("Verify() error = %v, want nil", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(tenants.Principal{}, "Expires")); diff != "" {
				t.Errorf("Verify() principal (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerifyExpires: the principal expires when its token does, plus the
// tolerated clock skew.
func TestVerifyExpires(t *testing.T) {
	t.Parallel()
	f := keys()
	v := newVerifier(t, auth.Config{Secret: f.secret, Leeway: 10 * time.Second})
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	got, err := v.Verify(sign(t, jwt.SigningMethodHS256, f.secret, "", valid(func(c jwt.MapClaims) { c["exp"] = exp.Unix() })))
	if err != nil {
		t.Fatalf("Verify() error = %v", err)
	}
	if want := exp.Add(10 * time.Second); !got.Expires.Equal(want) {
		t.Errorf("Expires = %s, want %s (exp + leeway)", got.Expires, want)
	}
}

func TestVerifyCustomIssuerAudience(t *testing.T) {
	t.Parallel()
	f := keys()
	v := newVerifier(t, auth.Config{Secret: f.secret, Issuer: "https://id.example.com", Audience: "cadre-prod"})
	tests := []struct {
		name     string
		iss, aud string
		wantErr  bool
	}{
		{"configured", "https://id.example.com", "cadre-prod", false},
		{"defaults", auth.DefaultIssuer, auth.DefaultAudience, true},
		{"right iss wrong aud", "https://id.example.com", auth.DefaultAudience, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := sign(t, jwt.SigningMethodHS256, f.secret, "", valid(func(c jwt.MapClaims) {
				c["iss"], c["aud"] = tt.iss, tt.aud
			}))
			_, err := v.Verify(tok)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("Verify() error = %v, want error %t", err, tt.wantErr)
			}
		})
	}
}
