package auth

import "errors"

// ErrUnauthenticated reports a token that cannot be trusted: malformed,
// badly signed, expired, for another issuer or audience, or with claims that
// do not make a valid principal. The wrapped reason never contains the token.
// The API answers it with 401.
var ErrUnauthenticated = errors.New("auth: unauthenticated")

// ErrConfig reports a Config that cannot make a Verifier, or arguments that
// cannot make a token.
var ErrConfig = errors.New("auth: invalid configuration")
