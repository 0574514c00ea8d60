package store

import (
	"fmt"
	"time"
)

// LibraryVersion is one immutable, numbered version of a tenant's library.
type LibraryVersion struct {
	Version         int
	Digest          string
	ContextRevision int64
	BuiltAt         time.Time
	// Content is the library document (JSON).
	Content []byte
	// Summary is the change summary against the previous version (JSON).
	Summary []byte
}

type libraryVersionRow struct {
	TenantID        string `gorm:"primaryKey"`
	Version         int    `gorm:"primaryKey"`
	Digest          string
	ContextRevision int64
	BuiltAt         time.Time
	Content         string
	Summary         string
}

func (libraryVersionRow) TableName() string { return "library_versions" }

func (r libraryVersionRow) toVersion() LibraryVersion {
	return LibraryVersion{Version: r.Version, Digest: r.Digest, ContextRevision: r.ContextRevision, BuiltAt: r.BuiltAt.UTC(),
		Content: []byte(r.Content), Summary: []byte(r.Summary)}
}

// LatestLibrary returns the newest library version, or ErrNotFound.
func (tx *Tx) LatestLibrary() (LibraryVersion, error) {
	var row libraryVersionRow
	err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("version DESC").Limit(1).Take(&row).Error
	if err != nil {
		return LibraryVersion{}, translate(err)
	}
	return row.toVersion(), nil
}

// LibraryVersion returns version n, or ErrNotFound.
func (tx *Tx) LibraryVersion(n int) (LibraryVersion, error) {
	var row libraryVersionRow
	if err := tx.db.Where("tenant_id = ? AND version = ?", tx.tenant.String(), n).Take(&row).Error; err != nil {
		return LibraryVersion{}, translate(err)
	}
	return row.toVersion(), nil
}

// LibraryVersions lists versions newest first, without their content.
func (tx *Tx) LibraryVersions(before, limit int) ([]LibraryVersion, error) {
	var rows []libraryVersionRow
	q := tx.db.Select("tenant_id, version, digest, context_revision, built_at, summary").
		Where("tenant_id = ?", tx.tenant.String()).Order("version DESC").Limit(limit)
	if before > 0 {
		q = q.Where("version < ?", before)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list library versions: %w", err)
	}
	out := make([]LibraryVersion, len(rows))
	for i, r := range rows {
		out[i] = r.toVersion()
	}
	return out, nil
}

// InsertLibraryVersion stores a new version; a version number taken by a
// concurrent builder is ErrConflict.
func (tx *Tx) InsertLibraryVersion(v LibraryVersion) error {
	row := libraryVersionRow{TenantID: tx.tenant.String(), Version: v.Version, Digest: v.Digest, ContextRevision: v.ContextRevision,
		BuiltAt: v.BuiltAt.UTC(), Content: string(v.Content), Summary: string(v.Summary)}
	if err := tx.db.Create(&row).Error; err != nil {
		return fmt.Errorf("insert library version: %w", translate(err))
	}
	return nil
}

// LockTenant serializes the caller with every other holder of the tenant's
// lock until the transaction ends: a transaction-scoped advisory lock on
// PostgreSQL. On SQLite the single connection already serializes
// transactions.
func (tx *Tx) LockTenant(purpose string) error {
	if tx.store.dialect != Postgres {
		return nil
	}
	if err := tx.db.Exec("SELECT pg_advisory_xact_lock(hashtextextended(? || ':' || ?, 0))", purpose, tx.tenant.String()).Error; err != nil {
		return fmt.Errorf("lock tenant: %w", err)
	}
	return nil
}
