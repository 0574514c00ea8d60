package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/tenants"
)

// PlatformScope is the idempotency scope of platform (tenant-less) requests.
var PlatformScope = tenants.ID{}

// Idempotency keys are honoured for IdempotencyTTL after their first use
// (the IETF Idempotency-Key draft lets a server expire keys; a day covers
// every client retry loop we know of); a claim whose request has not
// answered after IdempotencyInFlightTTL belongs to a process that died
// mid-request, and a new request may take it over. The in-flight bound is
// the longest a request may run (uploads extract under a deadline well
// below it).
const (
	IdempotencyTTL         = 24 * time.Hour
	IdempotencyInFlightTTL = 5 * time.Minute
)

// IdempotencyScope names what a key is scoped to besides the tenant: the
// subject who sent it, the method and the route. The same key sent by
// another person, or to another route, is another key.
type IdempotencyScope struct {
	Subject string
	Method  string
	Route   string
	Key     string
}

// storedKey is the key column: a digest of the whole scope, so a key of up
// to 200 characters and a long route fit one bounded primary key.
func (k IdempotencyScope) storedKey() string {
	h := sha256.New()
	for _, part := range []string{k.Subject, k.Method, k.Route, k.Key} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// IdempotentResponse is a stored answer to a POST with an Idempotency-Key.
// Status 0 means the first request with the key is still being answered.
type IdempotentResponse struct {
	Subject     string
	RequestHash string
	Status      int
	Body        []byte
}

// InFlight reports whether the first request with the key has not answered
// yet.
func (r IdempotentResponse) InFlight() bool { return r.Status == 0 }

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

// ClaimIdempotencyKey claims key for a request whose body hashes to
// requestHash. It returns claimed true when this request is the first (or
// the key had expired, or its earlier claim was abandoned): the caller must
// then CompleteIdempotencyKey or ReleaseIdempotencyKey. Otherwise it returns
// the row that holds the key: an answer to replay, or one in flight.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, scope tenants.ID, key IdempotencyScope, requestHash string) (prev IdempotentResponse, claimed bool, err error) {
	stored := key.storedKey()
	err = scopeTx(s, ctx, scope, func(tx *Tx) error {
		now := time.Now().UTC()
		// An expired answer or an abandoned claim no longer holds the key.
		if err := tx.db.Where("tenant_id = ? AND key = ? AND (created_at < ? OR (status = 0 AND created_at < ?))",
			tx.scopeID(), stored, now.Add(-IdempotencyTTL), now.Add(-IdempotencyInFlightTTL)).
			Delete(&idempotencyRow{}).Error; err != nil {
			return err
		}
		res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&idempotencyRow{
			TenantID: tx.scopeID(), Key: stored, Subject: key.Subject, RequestHash: requestHash,
			Status: 0, Response: []byte{}, CreatedAt: now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			claimed = true
			return nil
		}
		var row idempotencyRow
		if err := tx.db.Where("tenant_id = ? AND key = ?", tx.scopeID(), stored).Take(&row).Error; err != nil {
			return err
		}
		prev = IdempotentResponse{Subject: row.Subject, RequestHash: row.RequestHash, Status: row.Status, Body: row.Response}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			// The holder was released between our insert and our read:
			// the client may simply retry.
			return IdempotentResponse{}, false, fmt.Errorf("claim idempotency key: %w", ErrRetry)
		}
		return IdempotentResponse{}, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	return prev, claimed, nil
}

// CompleteIdempotencyKey stores the answer to the request that claimed key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, scope tenants.ID, key IdempotencyScope, r IdempotentResponse) error {
	err := scopeTx(s, ctx, scope, func(tx *Tx) error {
		return tx.db.Model(&idempotencyRow{}).
			Where("tenant_id = ? AND key = ? AND status = 0", tx.scopeID(), key.storedKey()).
			Updates(map[string]any{"status": r.Status, "response": r.Body}).Error
	})
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey gives up the claim on key (the request failed, so a
// corrected retry with the same key must run).
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, scope tenants.ID, key IdempotencyScope) error {
	err := scopeTx(s, ctx, scope, func(tx *Tx) error {
		return tx.db.Where("tenant_id = ? AND key = ? AND status = 0", tx.scopeID(), key.storedKey()).
			Delete(&idempotencyRow{}).Error
	})
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}
