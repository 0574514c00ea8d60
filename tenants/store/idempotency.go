package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cadrehq/cadre/tenants"
)

// PlatformScope is the idempotency scope of platform (tenant-less) requests.
var PlatformScope = tenants.ID{}

// IdempotentResponse is a stored answer to a POST with an Idempotency-Key.
type IdempotentResponse struct {
	Subject     string
	RequestHash string
	Status      int
	Body        []byte
}

type idempotencyRow struct {
	TenantID    string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	Subject     string
	RequestHash string
	Status      int
	Response    []byte
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

func scopeTx(s *Store, ctx context.Context, scope tenants.ID, fn func(tx *Tx) error) error {
	if scope.IsZero() {
		// Platform requests keep their keys under the nil tenant, which no
		// tenant can name.
		return s.inScope(ctx, "00000000-0000-0000-0000-000000000000", nil, fn)
	}
	return s.InTenant(ctx, scope, fn)
}

// IdempotentResponse finds the stored answer for key in scope, or ErrNotFound.
func (s *Store) IdempotentResponse(ctx context.Context, scope tenants.ID, key string) (IdempotentResponse, error) {
	var row idempotencyRow
	err := scopeTx(s, ctx, scope, func(tx *Tx) error {
		return tx.db.Where("tenant_id = ? AND key = ?", tx.scopeID(), key).Take(&row).Error
	})
	if err != nil {
		return IdempotentResponse{}, translate(err)
	}
	return IdempotentResponse{Subject: row.Subject, RequestHash: row.RequestHash, Status: row.Status, Body: row.Response}, nil
}

// SaveIdempotentResponse stores the answer for key; a key already stored is
// ErrConflict (a concurrent request with the same key won).
func (s *Store) SaveIdempotentResponse(ctx context.Context, scope tenants.ID, key string, r IdempotentResponse) error {
	err := scopeTx(s, ctx, scope, func(tx *Tx) error {
		return tx.db.Create(&idempotencyRow{TenantID: tx.scopeID(), Key: key, Subject: r.Subject, RequestHash: r.RequestHash,
			Status: r.Status, Response: r.Body, CreatedAt: time.Now().UTC()}).Error
	})
	if err != nil {
		return fmt.Errorf("save idempotent response: %w", translate(err))
	}
	return nil
}
