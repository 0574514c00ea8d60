package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cadrehq/cadre/tenants/auth"
)

// Key IDs published by the test JWKS.
const (
	kidRSA = "rsa-1"
	kidEC  = "ec-1"
	kidEd  = "ed-1"
)

// fixture holds the keys of the test JWKS and a secret, generated once per
// test binary: RSA key generation is slow under -race.
type fixture struct {
	secret []byte
	rsa    *rsa.PrivateKey
	other  *rsa.PrivateKey // not in the JWKS
	ec     *ecdsa.PrivateKey
	ed     ed25519.PrivateKey
}

var keys = sync.OnceValue(func() fixture {
	f := fixture{secret: []byte("0123456789abcdef0123456789abcdef-test-secret")}
	var err error
	if f.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if f.other, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if f.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	if _, f.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
		panic(err)
	}
	return f
})

// b64 is unpadded base64url, as JWK and JWS use.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwksJSON is the public JWK Set of f: one RS256, one ES256 and one EdDSA key.
func jwksJSON(t testing.TB, f fixture) []byte {
	t.Helper()
	ecdh, err := f.ec.PublicKey.ECDH()
	if err != nil {
		t.Fatalf("ec public key: %v", err)
	}
	point := ecdh.Bytes() // 0x04 || X || Y
	set := map[string]any{"keys": []map[string]string{
		{"kty": "RSA", "kid": kidRSA, "alg": "RS256", "use": "sig",
			"n": b64(f.rsa.N.Bytes()), "e": b64(big.NewInt(int64(f.rsa.E)).Bytes())},
		{"kty": "EC", "kid": kidEC, "alg": "ES256", "use": "sig", "crv": "P-256",
			"x": b64(point[1:33]), "y": b64(point[33:])},
		{"kty": "OKP", "kid": kidEd, "alg": "EdDSA", "use": "sig", "crv": "Ed25519",
			"x": b64(f.ed.Public().(ed25519.PublicKey))},
	}}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatalf("marshal jwks: %v", err)
	}
	return b
}

// serveJWKS serves f's JWK Set until the test ends and returns its URL.
func serveJWKS(t testing.TB, f fixture) string {
	t.Helper()
	body := jwksJSON(t, f)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// newVerifier returns a verifier for cfg whose background refresh stops when
// the test ends.
func newVerifier(t testing.TB, cfg auth.Config) *auth.Verifier {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	v, err := auth.New(ctx, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// sign returns a token with claims c signed by key with method m, carrying
// kid in its header when kid is not empty.
func sign(t testing.TB, m jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign %s: %v", m.Alg(), err)
	}
	return s
}

// rsaPublicPEM is the PKIX PEM of f's JWKS RSA key, the bytes an attacker
// uses as an HMAC secret in the algorithm confusion attack.
func rsaPublicPEM(t testing.TB, f fixture) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&f.rsa.PublicKey)
	if err != nil {
		t.Fatalf("marshal rsa public key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Claim values shared by the tests.
const (
	testTenant = "0190b5a2-7c4e-7d1a-9f3b-2a1c3e5d7f90"
	testSub    = "user-42"
)

// valid returns the claims of a valid tenant admin token, changed by edit.
func valid(edit func(jwt.MapClaims)) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"sub":       testSub,
		"tenant_id": testTenant,
		"roles":     []string{"admin", "employee"},
		"iss":       auth.DefaultIssuer,
		"aud":       auth.DefaultAudience,
		"exp":       now.Add(time.Hour).Unix(),
		"iat":       now.Unix(),
	}
	if edit != nil {
		edit(c)
	}
	return c
}
