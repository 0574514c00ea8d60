package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/MicahParks/keyfunc/v3"
)

// MaxJWKSBytes bounds a JWKS response; a longer one fails to decode and the
// keys already held are kept.
const MaxJWKSBytes = 1 << 20

// newJWKS fetches the key set at cfg.JWKSURL and keeps it fresh until ctx is
// done. An unknown kid triggers a refresh at most every five minutes (the
// keyfunc default); a caller never waits longer than one fetch for it.
func newJWKS(ctx context.Context, cfg Config) (keyfunc.Keyfunc, error) {
	failFirst := false
	timeout := cfg.HTTPClient.Timeout
	if timeout <= 0 {
		timeout = DefaultJWKSTimeout
	}
	client := *cfg.HTTPClient
	client.Transport = limitTransport{base: client.Transport, max: MaxJWKSBytes}
	k, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.JWKSURL}, keyfunc.Override{
		Client:                    &client,
		HTTPTimeout:               timeout,
		NoErrorReturnFirstHTTPReq: &failFirst,
		RateLimitWaitMax:          timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("jwks %s: %w", cfg.JWKSURL, err)
	}
	return k, nil
}

// limitTransport cuts response bodies after max bytes, so that a hostile or
// broken JWKS endpoint cannot make the verifier read without end.
type limitTransport struct {
	base http.RoundTripper // nil means http.DefaultTransport
	max  int64
}

// RoundTrip implements http.RoundTripper.
func (t limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = limitedBody{Reader: io.LimitReader(resp.Body, t.max), Closer: resp.Body}
	return resp, nil
}

// limitedBody reads through a limit and closes the original body.
type limitedBody struct {
	io.Reader
	io.Closer
}
