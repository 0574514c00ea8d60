package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cadrehq/cadre/domain/library"
)

// LibraryVersion is one stored, immutable library version: the library
// that library.Build made, with the number, time, context revision, inputs
// and change summary the builder stored around it. Its JSON is the stored
// content of the version and the DESIGN §7.1 `library` shape. It is the
// one type every reader of a version gets (LatestLibrary, LibraryVersion,
// LibraryVersions).
type LibraryVersion struct {
	Version         int       `json:"version"`
	BuiltAt         time.Time `json:"built_at"`
	ContextRevision int64     `json:"context_revision"`
	library.Library
	Inputs  LibraryInputs  `json:"inputs"`
	Summary LibrarySummary `json:"summary"`
}

// LibraryInputs names what a version was built from, without any document
// text: the documents (id, title, hash), the value names, the employees'
// role slugs and how many overrides applied.
type LibraryInputs struct {
	Documents []LibraryInputDocument `json:"documents"`
	Values    []string               `json:"values"`
	Roles     []string               `json:"roles"`
	Overrides int                    `json:"overrides"`
}

// LibraryInputDocument is a document a version was built from.
type LibraryInputDocument struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	SHA256 string `json:"sha256"`
}

// LibrarySummary is how a version differs from the previous one: counts,
// and the slugs behind them (library.Diff). The first version adds
// everything.
type LibrarySummary struct {
	Added   int             `json:"added"`
	Removed int             `json:"removed"`
	Changed int             `json:"changed"`
	Changes library.Changes `json:"changes"`
}

// NewLibrarySummary counts c.
func NewLibrarySummary(c library.Changes) LibrarySummary {
	if c.Added == nil {
		c.Added = []string{}
	}
	if c.Removed == nil {
		c.Removed = []string{}
	}
	if c.Changed == nil {
		c.Changed = []library.Change{}
	}
	return LibrarySummary{Added: len(c.Added), Removed: len(c.Removed), Changed: len(c.Changed), Changes: c}
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

// toVersion decodes the row: its content when read (a full version), else
// only its summary (a version in the history). The columns are the truth
// for the metadata.
func (r libraryVersionRow) toVersion() (LibraryVersion, error) {
	var v LibraryVersion
	if r.Content != "" {
		if err := json.Unmarshal([]byte(r.Content), &v); err != nil {
			return LibraryVersion{}, fmt.Errorf("decode library version %d: %w", r.Version, err)
		}
	} else if err := json.Unmarshal([]byte(r.Summary), &v.Summary); err != nil {
		return LibraryVersion{}, fmt.Errorf("decode summary of library version %d: %w", r.Version, err)
	}
	v.Version, v.ContextRevision, v.BuiltAt = r.Version, r.ContextRevision, r.BuiltAt.UTC()
	if v.Digest == "" {
		v.Digest = r.Digest
	}
	return v, nil
}

// libraryContentColumn is the sealed column of a library version's content
// (its competencies carry evidence excerpts: document sentences).
const libraryContentColumn = "library_versions.content"

// openVersion decodes a row read with its content, unsealing the content.
func (tx *Tx) openVersion(r libraryVersionRow) (LibraryVersion, error) {
	content, err := tx.unseal(libraryContentColumn, r.Content)
	if err != nil {
		return LibraryVersion{}, err
	}
	r.Content = content
	return r.toVersion()
}

// LatestLibrary returns the newest library version, or ErrNotFound.
func (tx *Tx) LatestLibrary() (LibraryVersion, error) {
	var row libraryVersionRow
	err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("version DESC").Limit(1).Take(&row).Error
	if err != nil {
		return LibraryVersion{}, translate(err)
	}
	return tx.openVersion(row)
}

// LibraryVersion returns version n, or ErrNotFound.
func (tx *Tx) LibraryVersion(n int) (LibraryVersion, error) {
	var row libraryVersionRow
	if err := tx.db.Where("tenant_id = ? AND version = ?", tx.tenant.String(), n).Take(&row).Error; err != nil {
		return LibraryVersion{}, translate(err)
	}
	return tx.openVersion(row)
}

// LibraryVersions lists versions newest first with their summaries, without
// their content (their Library is zero but for the digest, their Inputs
// empty).
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
		v, err := r.toVersion()
		if err != nil {
			return nil, fmt.Errorf("list library versions: %w", err)
		}
		out[i] = v
	}
	return out, nil
}

// InsertLibraryVersion stores a new version (its JSON as the content, its
// summary's beside it); a version number taken by a concurrent builder is
// ErrConflict.
func (tx *Tx) InsertLibraryVersion(v LibraryVersion) error {
	content, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("insert library version: %w", err)
	}
	summary, err := json.Marshal(v.Summary)
	if err != nil {
		return fmt.Errorf("insert library version: %w", err)
	}
	sealed, err := tx.seal(libraryContentColumn, string(content))
	if err != nil {
		return fmt.Errorf("insert library version: %w", err)
	}
	row := libraryVersionRow{TenantID: tx.tenant.String(), Version: v.Version, Digest: v.Digest, ContextRevision: v.ContextRevision,
		BuiltAt: v.BuiltAt.UTC(), Content: sealed, Summary: string(summary)}
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
