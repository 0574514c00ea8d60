package auth

import (
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cadrehq/cadre/tenants"
)

// Mint signs an HS256 token for p, valid from now for ttl, for the
// `cadre token` development command and for tests. It refuses what Verify
// would reject: a short secret, a non-positive ttl, an empty issuer or
// audience, and a principal without subject or roles, with unknown roles,
// or mixing platform_admin with a tenant. Errors wrap ErrConfig.
func Mint(secret []byte, p tenants.Principal, issuer, audience string, ttl time.Duration, now time.Time) (string, error) {
	switch {
	case len(secret) < MinSecretBytes:
		return "", fmt.Errorf("mint token: %w: secret is %d bytes, want at least %d", ErrConfig, len(secret), MinSecretBytes)
	case ttl <= 0:
		return "", fmt.Errorf("mint token: %w: ttl %s is not positive", ErrConfig, ttl)
	case issuer == "" || audience == "":
		return "", fmt.Errorf("mint token: %w: empty issuer or audience", ErrConfig)
	}
	if err := check(p); err != nil {
		return "", fmt.Errorf("mint token: %w: %w", ErrConfig, err)
	}
	c := newClaims(p, issuer, audience, *jwt.NewNumericDate(now), *jwt.NewNumericDate(now.Add(ttl)))
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, &c).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	return s, nil
}
