// Package tenant holds the identity of a tenant (a company), the one value
// every tenant-scoped part of Cadre carries. It lives in domain so that
// packages below tenants, such as events, can name a tenant without
// importing the tenants package above them.
package tenant

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// ID identifies a tenant (a company). The zero ID is no tenant.
type ID uuid.UUID

// ErrInvalidID reports a string that is not a tenant ID. Its text names
// the tenants package, where it was first declared, so that messages built
// on it read as they always have.
var ErrInvalidID = errors.New("tenants: invalid tenant id")

// ParseID parses the canonical UUID form of a tenant ID.
func ParseID(s string) (ID, error) {
	u, err := uuid.Parse(s)
	if err != nil || u == uuid.Nil || len(s) != 36 {
		return ID{}, fmt.Errorf("%w: %q", ErrInvalidID, s)
	}
	return ID(u), nil
}

// NewID returns a fresh, time-ordered tenant ID (UUIDv7).
func NewID() ID { return ID(uuid.Must(uuid.NewV7())) }

// String returns the canonical UUID form.
func (id ID) String() string { return uuid.UUID(id).String() }

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// UUID returns id as a uuid.UUID.
func (id ID) UUID() uuid.UUID { return uuid.UUID(id) }
