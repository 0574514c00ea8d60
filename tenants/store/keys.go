package store

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/internal/crypt"
)

// The tenant's data key seals its personal data in the database (documents'
// text, assessment responses, review comments, library evidence): the
// value written is sealed text (crypt.DataKey.SealText), bound to the
// tenant and the column. The key itself is stored wrapped by the store's
// KMS (tenant_keys); deleting the tenant deletes it (crypto-shredding).

type tenantKeyRow struct {
	TenantID   string `gorm:"primaryKey"`
	WrappedKey []byte
	CreatedAt  time.Time
}

func (tenantKeyRow) TableName() string { return "tenant_keys" }

// keyCache holds the unwrapped data keys this process has read from the
// database, by tenant. A key created by a transaction is cached only once
// a later transaction reads it back, so a rolled-back key is never used.
type keyCache struct{ m sync.Map }

func (c *keyCache) get(tenant string) (*crypt.DataKey, bool) {
	k, ok := c.m.Load(tenant)
	if !ok {
		return nil, false
	}
	return k.(*crypt.DataKey), true
}

func (c *keyCache) put(tenant string, k *crypt.DataKey) { c.m.Store(tenant, k) }
func (c *keyCache) drop(tenant string)                  { c.m.Delete(tenant) }

// errNoTenantKey: sealed data of a tenant that has no key (any more).
var errNoTenantKey = errors.New("store: the tenant has no data key")

// dataKey returns the transaction's tenant's data key; create makes one
// when the tenant has none yet (tenants created before keys existed get
// theirs on their first sealed write).
func (tx *Tx) dataKey(create bool) (*crypt.DataKey, error) {
	if tx.key != nil {
		return tx.key, nil
	}
	if k, ok := tx.store.keys.get(tx.scope); ok {
		tx.key = k
		return k, nil
	}
	k, err := tx.readKey()
	if err == nil {
		tx.store.keys.put(tx.scope, k)
		tx.key = k
		return k, nil
	}
	if !errors.Is(err, ErrNotFound) || !create {
		return nil, err
	}
	raw := crypt.NewKey()
	wrapped, err := tx.store.kms.Wrap(tx.db.Statement.Context, raw, []byte(tx.scope))
	if err != nil {
		return nil, fmt.Errorf("wrap tenant key: %w", err)
	}
	row := tenantKeyRow{TenantID: tx.scope, WrappedKey: wrapped, CreatedAt: time.Now().UTC()}
	if err := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("store tenant key: %w", translate(err))
	}
	// A concurrent transaction may have stored its key first: read back
	// whichever is stored, and keep it for this transaction only.
	if k, err = tx.readKey(); err != nil {
		return nil, err
	}
	tx.key = k
	return k, nil
}

// readKey reads and unwraps the tenant's stored key.
func (tx *Tx) readKey() (*crypt.DataKey, error) {
	var row tenantKeyRow
	if err := tx.db.Where("tenant_id = ?", tx.scope).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	raw, err := tx.store.kms.Unwrap(tx.db.Statement.Context, row.WrappedKey, []byte(tx.scope))
	if err != nil {
		return nil, fmt.Errorf("unwrap tenant key: %w", err)
	}
	return crypt.NewDataKey(raw)
}

// sealAAD binds a sealed value to its tenant and column, so that a value
// copied into another tenant's row or another column does not open.
func (tx *Tx) sealAAD(column string) []byte { return []byte(tx.scope + "/" + column) }

// seal encrypts a value of column with the tenant's data key.
func (tx *Tx) seal(column, plain string) (string, error) {
	if tx.store.plaintext {
		return plain, nil
	}
	k, err := tx.dataKey(true)
	if err != nil {
		return "", fmt.Errorf("seal %s: %w", column, err)
	}
	return k.SealText(plain, tx.sealAAD(column)), nil
}

// unseal decrypts a value of column; a value stored before encryption
// (plain) is returned as it is.
func (tx *Tx) unseal(column, stored string) (string, error) {
	if !crypt.IsSealedText(stored) {
		return stored, nil
	}
	k, err := tx.dataKey(false)
	if errors.Is(err, ErrNotFound) {
		err = errNoTenantKey
	}
	if err != nil {
		return "", corrupt(column, err)
	}
	plain, err := k.OpenText(stored, tx.sealAAD(column))
	if err != nil {
		return "", corrupt(column, err)
	}
	return plain, nil
}
