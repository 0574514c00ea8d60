package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cadrehq/cadre/tenants"
)

// The algorithms of DESIGN §8. Anything else, "none" included, is rejected.
const (
	algHS256 = "HS256"
	algRS256 = "RS256"
	algES256 = "ES256"
	algEdDSA = "EdDSA"
)

// asymmetric lists the algorithms verified with keys from the JWKS.
var asymmetric = []string{algRS256, algES256, algEdDSA}

// Reasons the key of a token cannot be chosen.
var (
	errAlgDisabled = errors.New("algorithm not enabled")
	errNoKeyID     = errors.New("missing kid header")
	errUnknownKey  = errors.New("unknown signing key")
)

// Verifier checks tokens and returns their principal. It is safe for
// concurrent use.
type Verifier struct {
	secret   []byte
	jwks     keyfunc.Keyfunc // nil when no JWKS URL is configured
	parser   *jwt.Parser
	maxBytes int
	leeway   time.Duration
	maxTTL   time.Duration
}

// New returns a Verifier for cfg. With a JWKS URL it fetches the key set
// once, failing if that fetch fails, and then refreshes it in the background
// (hourly, and at most every five minutes when a token names an unknown
// kid) until ctx is done.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new verifier: %w", err)
	}
	v := &Verifier{maxBytes: cfg.MaxTokenBytes, leeway: cfg.Leeway, maxTTL: cfg.MaxTTL}
	var methods []string
	if len(cfg.Secret) > 0 {
		v.secret = append([]byte(nil), cfg.Secret...)
		methods = append(methods, algHS256)
	}
	if cfg.JWKSURL != "" {
		v.jwks, err = newJWKS(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("new verifier: %w", err)
		}
		methods = append(methods, asymmetric...)
	}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods(methods),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithStrictDecoding(),
	)
	return v, nil
}

// Verify checks raw (the compact JWT, without "Bearer ") and returns the
// principal it carries. Every failure wraps ErrUnauthenticated.
func (v *Verifier) Verify(raw string) (tenants.Principal, error) {
	if len(raw) > v.maxBytes {
		return tenants.Principal{}, fmt.Errorf("verify token: %w: token longer than %d bytes", ErrUnauthenticated, v.maxBytes)
	}
	var c claims
	if _, err := v.parser.ParseWithClaims(raw, &c, v.key); err != nil {
		return tenants.Principal{}, fmt.Errorf("verify token: %w: %w", ErrUnauthenticated, err)
	}
	// The library reads a quoted "exp" as a number; Cadre does not.
	if err := checkClaimTypes(raw); err != nil {
		return tenants.Principal{}, fmt.Errorf("verify token: %w: %w", ErrUnauthenticated, err)
	}
	if c.ExpiresAt != nil && c.ExpiresAt.After(time.Now().Add(v.maxTTL+v.leeway)) {
		return tenants.Principal{}, fmt.Errorf("verify token: %w: %w: exp is more than %s ahead", ErrUnauthenticated, errLifetime, v.maxTTL)
	}
	p, err := c.principal()
	if err != nil {
		return tenants.Principal{}, fmt.Errorf("verify token: %w: %w", ErrUnauthenticated, err)
	}
	if c.ExpiresAt != nil { // required by the parser
		p.Expires = c.ExpiresAt.Add(v.leeway)
	}
	return p, nil
}

// key picks the verification key by the token's algorithm: the secret for
// HS256, the JWKS key named by kid for the asymmetric ones. The parser has
// already checked the algorithm against the enabled ones; the method type is
// checked again so that a secret is never handed to an RSA or EC method nor
// a public key to HMAC.
func (v *Verifier) key(t *jwt.Token) (any, error) {
	switch t.Method.(type) {
	case *jwt.SigningMethodHMAC:
		if t.Method.Alg() != algHS256 || v.secret == nil {
			return nil, errAlgDisabled
		}
		return v.secret, nil
	case *jwt.SigningMethodRSA, *jwt.SigningMethodECDSA, *jwt.SigningMethodEd25519:
		if v.jwks == nil {
			return nil, errAlgDisabled
		}
		kid, _ := t.Header["kid"].(string)
		if strings.TrimSpace(kid) == "" {
			return nil, errNoKeyID
		}
		k, err := v.jwks.Keyfunc(t)
		if err != nil {
			// The keyfunc error names the kid; keep token contents out.
			return nil, errUnknownKey
		}
		return k, nil
	default:
		return nil, errAlgDisabled
	}
}
