package auth

import (
	"errors"
	"fmt"
	"strings"
)

// errNoBearer reports an Authorization header that holds no bearer token.
var errNoBearer = errors.New("authorization header is not a bearer token")

// FromHeader returns the token of an Authorization header value of the form
// "Bearer <token>" (the scheme is case-insensitive, RFC 9110 §11.1). A
// missing header, another scheme or an empty token wraps
// ErrUnauthenticated.
func FromHeader(h string) (string, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("read token: %w: %w", ErrUnauthenticated, errNoBearer)
	}
	token = strings.TrimSpace(token)
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", fmt.Errorf("read token: %w: %w", ErrUnauthenticated, errNoBearer)
	}
	return token, nil
}
