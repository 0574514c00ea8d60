package auth

import (
	"fmt"
	"net/http"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	// DefaultIssuer is the `iss` a token must carry.
	DefaultIssuer = "cadre"
	// DefaultAudience is the `aud` a token must carry.
	DefaultAudience = "cadre-api"
	// DefaultLeeway is the clock skew tolerated on `exp`, `nbf` and `iat`.
	DefaultLeeway = 30 * time.Second
	// DefaultMaxTokenBytes is the longest token accepted; longer ones are
	// rejected before any decoding.
	DefaultMaxTokenBytes = 8192
	// DefaultMaxTTL is the longest a token may still be valid: an `exp`
	// further ahead than this (plus the leeway) is refused, so a leaked or
	// minted-for-ever token (issue 17: `exp` in year 9999) cannot outlive a
	// day. Identity providers issue access tokens for minutes to hours.
	DefaultMaxTTL = 24 * time.Hour
	// DefaultJWKSTimeout bounds one fetch of the JWKS URL.
	DefaultJWKSTimeout = 10 * time.Second
	// MinSecretBytes is the shortest HS256 secret accepted (256 bits, the
	// size of the HMAC-SHA256 output, RFC 7518 §3.2).
	MinSecretBytes = 32
)

// Config says which tokens a Verifier accepts. At least one of Secret and
// JWKSURL must be set.
type Config struct {
	// Secret enables HS256 with this key. It must be at least
	// MinSecretBytes long. Empty disables HS256.
	Secret []byte
	// JWKSURL enables RS256, ES256 and EdDSA with the keys published at this
	// URL, fetched once by New and refreshed in the background. Empty
	// disables asymmetric algorithms.
	JWKSURL string
	// Issuer is the required `iss`. Default DefaultIssuer.
	Issuer string
	// Audience is the required `aud` (one of the token's audiences).
	// Default DefaultAudience.
	Audience string
	// Leeway is the tolerated clock skew. Default DefaultLeeway; negative is
	// an error.
	Leeway time.Duration
	// MaxTTL is the longest remaining lifetime accepted: a token whose `exp`
	// lies further ahead than MaxTTL plus Leeway is refused. Default
	// DefaultMaxTTL; negative is an error.
	MaxTTL time.Duration
	// MaxTokenBytes is the longest token accepted. Default
	// DefaultMaxTokenBytes; negative is an error.
	MaxTokenBytes int
	// HTTPClient fetches the JWKS. Default: a client with a
	// DefaultJWKSTimeout timeout.
	HTTPClient *http.Client
}

// withDefaults returns cfg with zero fields set to their defaults, or an
// error when cfg cannot make a Verifier.
func (cfg Config) withDefaults() (Config, error) {
	if len(cfg.Secret) == 0 && cfg.JWKSURL == "" {
		return cfg, fmt.Errorf("%w: neither a jwt secret nor a jwks url is set", ErrConfig)
	}
	if len(cfg.Secret) > 0 && len(cfg.Secret) < MinSecretBytes {
		return cfg, fmt.Errorf("%w: jwt secret is %d bytes, want at least %d", ErrConfig, len(cfg.Secret), MinSecretBytes)
	}
	if cfg.Leeway < 0 {
		return cfg, fmt.Errorf("%w: negative leeway %s", ErrConfig, cfg.Leeway)
	}
	if cfg.MaxTTL < 0 {
		return cfg, fmt.Errorf("%w: negative max token lifetime %s", ErrConfig, cfg.MaxTTL)
	}
	if cfg.MaxTTL == 0 {
		cfg.MaxTTL = DefaultMaxTTL
	}
	if cfg.MaxTokenBytes < 0 {
		return cfg, fmt.Errorf("%w: negative max token bytes %d", ErrConfig, cfg.MaxTokenBytes)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.Audience == "" {
		cfg.Audience = DefaultAudience
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultLeeway
	}
	if cfg.MaxTokenBytes == 0 {
		cfg.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultJWKSTimeout}
	}
	return cfg, nil
}
