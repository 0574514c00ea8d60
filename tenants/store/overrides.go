package store

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/domain/library"
)

// OverrideRecord is one stored admin curation of a library competency: the
// override itself, who first made it and when it last changed.
type OverrideRecord struct {
	Override  library.Override
	CreatedBy string
	UpdatedAt time.Time
}

type overrideRow struct {
	TenantID  string `gorm:"primaryKey"`
	Slug      string `gorm:"primaryKey"`
	Override  string
	CreatedBy string
	UpdatedAt time.Time
}

func (overrideRow) TableName() string { return "library_overrides" }

func (r overrideRow) toRecord() (OverrideRecord, error) {
	var o library.Override
	if err := json.Unmarshal([]byte(r.Override), &o); err != nil {
		return OverrideRecord{}, corrupt("library_overrides.override of "+r.Slug, err)
	}
	o.Slug = r.Slug
	return OverrideRecord{Override: o, CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC()}, nil
}

// Overrides returns the tenant's library overrides in slug order (the
// library builder's input).
func (tx *Tx) Overrides() ([]library.Override, error) {
	var rows []overrideRow
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("slug").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list overrides: %w", err)
	}
	out := make([]library.Override, 0, len(rows))
	for _, r := range rows {
		rec, err := r.toRecord()
		if err != nil {
			return nil, err
		}
		out = append(out, rec.Override)
	}
	return out, nil
}

// Override returns the tenant's override of one competency, or ErrNotFound.
func (tx *Tx) Override(slug string) (OverrideRecord, error) {
	var row overrideRow
	if err := tx.db.Where("tenant_id = ? AND slug = ?", tx.tenant.String(), slug).Take(&row).Error; err != nil {
		return OverrideRecord{}, translate(err)
	}
	return row.toRecord()
}

// PutOverride stores o as the tenant's override of o.Slug, replacing any
// earlier one (whose creator is kept). by is the acting subject.
func (tx *Tx) PutOverride(o library.Override, by string) error {
	if o.Slug == "" {
		return fmt.Errorf("put override: %w", library.ErrInvalidOverride)
	}
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("put override: %w", err)
	}
	row := overrideRow{TenantID: tx.tenant.String(), Slug: o.Slug, Override: string(b), CreatedBy: by, UpdatedAt: time.Now().UTC()}
	err = tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant_id"}, {Name: "slug"}},
		DoUpdates: clause.AssignmentColumns([]string{"override", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("put override: %w", translate(err))
	}
	return nil
}

// BuildMark is what the library builder last examined for a tenant: the
// context revision, the employees' role slugs and the digest of the inputs
// then. Events the mark covers need no build, even when that build made no
// new version because its digest was unchanged.
type BuildMark struct {
	ContextRevision int64
	Roles           []string
	Digest          string
	CheckedAt       time.Time
}

type buildMarkRow struct {
	TenantID        string `gorm:"primaryKey"`
	ContextRevision int64
	Roles           string
	Digest          string
	CheckedAt       time.Time
}

func (buildMarkRow) TableName() string { return "library_builds" }

// LibraryBuildMark returns the tenant's build mark, or ErrNotFound before the
// first build.
func (tx *Tx) LibraryBuildMark() (BuildMark, error) {
	var row buildMarkRow
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Take(&row).Error; err != nil {
		return BuildMark{}, translate(err)
	}
	m := BuildMark{ContextRevision: row.ContextRevision, Digest: row.Digest, CheckedAt: row.CheckedAt.UTC()}
	if err := json.Unmarshal([]byte(row.Roles), &m.Roles); err != nil {
		return BuildMark{}, corrupt("library_builds.roles", err)
	}
	return m, nil
}

// SetLibraryBuildMark records what a build examined.
func (tx *Tx) SetLibraryBuildMark(m BuildMark) error {
	if m.Roles == nil {
		m.Roles = []string{}
	}
	roles, err := json.Marshal(m.Roles)
	if err != nil {
		return fmt.Errorf("set library build mark: %w", err)
	}
	row := buildMarkRow{TenantID: tx.tenant.String(), ContextRevision: m.ContextRevision, Roles: string(roles), Digest: m.Digest, CheckedAt: m.CheckedAt.UTC()}
	err = tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"context_revision", "roles", "digest", "checked_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set library build mark: %w", err)
	}
	return nil
}
