package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/tenants"
)

// Tenant is a company using Cadre.
type Tenant struct {
	ID              tenants.ID
	Name            string
	Slug            string
	Industry        string
	ContextRevision int64
	CreatedAt       time.Time
}

type tenantRow struct {
	ID              string `gorm:"primaryKey"`
	Name            string
	Slug            string
	Industry        string
	ContextRevision int64
	CreatedAt       time.Time
}

func (tenantRow) TableName() string { return "tenants" }

func (r tenantRow) toTenant() (Tenant, error) {
	id, err := storedTenant("tenants.id", r.ID)
	if err != nil {
		return Tenant{}, err
	}
	return Tenant{ID: id, Name: r.Name, Slug: r.Slug, Industry: r.Industry, ContextRevision: r.ContextRevision, CreatedAt: r.CreatedAt.UTC()}, nil
}

// CreateTenant inserts a tenant and runs fn (its first events and audit
// entries) in the same transaction, scoped to the new tenant. A taken slug
// is ErrConflict.
func (s *Store) CreateTenant(ctx context.Context, t Tenant, fn func(tx *Tx) error) error {
	return s.InTenant(ctx, t.ID, func(tx *Tx) error {
		row := tenantRow{ID: t.ID.String(), Name: t.Name, Slug: t.Slug, Industry: t.Industry, CreatedAt: t.CreatedAt.UTC()}
		if err := tx.db.Create(&row).Error; err != nil {
			return translate(err)
		}
		if _, err := tx.dataKey(true); err != nil {
			return err
		}
		if fn != nil {
			return fn(tx)
		}
		return nil
	})
}

// ListTenants lists tenants in ID (creation) order after the cursor ID (the
// zero ID: from the start), at most limit of them. It is a platform
// operation.
func (s *Store) ListTenants(ctx context.Context, after tenants.ID, limit int) ([]Tenant, error) {
	var rows []tenantRow
	err := s.inPlatform(ctx, func(db *gorm.DB) error {
		q := db.Order("id").Limit(limit)
		if !after.IsZero() {
			q = q.Where("id > ?", after.String())
		}
		return q.Find(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return convertRows(rows, tenantRow.toTenant)
}

// tenantTables lists every table holding tenant rows, children first. The
// deletion test checks it against the schema, so a new table cannot be
// forgotten.
var tenantTables = []string{
	"analytics_totals", "analytics_cells", "analytics_employee_scores", "analytics_employees",
	"plan_fanouts", "plan_heads", "plans", "assessment_reviews", "assessment_results", "assessments", "employees",
	"idempotency_keys", "audit_log", "company_values", "documents",
	"processed_events", "dead_letters", "library_builds", "library_overrides", "library_versions", "outbox", "tenant_limits",
	"tenant_keys",
}

// TenantTables returns the tables holding tenant-owned rows (besides tenants).
func TenantTables() []string { return append([]string(nil), tenantTables...) }

// DeleteTenant erases every row of the tenant in one transaction, then runs
// fn in it (to record the tenant.deleted event, which the relay publishes and
// then removes). A missing tenant is ErrNotFound.
func (s *Store) DeleteTenant(ctx context.Context, id tenants.ID, fn func(tx *Tx, t Tenant) error) error {
	// The tenant's data key goes with its rows (tenant_keys): every sealed
	// copy of its data left in freed pages, WAL or backups is unreadable.
	defer s.keys.drop(id.String())
	return s.InTenant(ctx, id, func(tx *Tx) error {
		t, err := tx.LoadTenant()
		if err != nil {
			return err
		}
		res := tx.db.Where("id = ?", id.String()).Delete(&tenantRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		for _, table := range tenantTables {
			if err := tx.db.Exec("DELETE FROM "+table+" WHERE tenant_id = ?", id.String()).Error; err != nil {
				return fmt.Errorf("delete tenant rows of %s: %w", table, err)
			}
		}
		if fn != nil {
			return fn(tx, t)
		}
		return nil
	})
}

// LoadTenant reads the transaction's own tenant row.
func (tx *Tx) LoadTenant() (Tenant, error) {
	var row tenantRow
	if err := tx.db.Where("id = ?", tx.tenant.String()).Take(&row).Error; err != nil {
		return Tenant{}, translate(err)
	}
	return row.toTenant()
}

// BumpContextRevision increments the tenant's context revision (every change
// to documents, values or curation does) and returns the new revision.
func (tx *Tx) BumpContextRevision() (int64, error) {
	var rev int64
	err := tx.db.Raw("UPDATE tenants SET context_revision = context_revision + 1 WHERE id = ? RETURNING context_revision", tx.tenant.String()).Scan(&rev).Error
	if err != nil {
		return 0, fmt.Errorf("bump context revision: %w", err)
	}
	return rev, nil
}

// TenantExists reports whether the tenant exists (used by authentication).
func (s *Store) TenantExists(ctx context.Context, id tenants.ID) (bool, error) {
	var n int64
	err := s.InTenant(ctx, id, func(tx *Tx) error {
		return tx.db.Model(&tenantRow{}).Where("id = ?", id.String()).Count(&n).Error
	})
	return n > 0, err
}

// ShareLockTenant reads the tenant row and, on PostgreSQL, holds a key
// share lock on it until the transaction ends, so that the tenant cannot be
// deleted underneath a worker's effects (deletion waits, then erases them).
// A key share lock (the one a foreign key takes) blocks only the deletion:
// the tenant's writes that update its row (an upload bumps the context
// revision) do not wait for a worker (issue 13.5; FOR SHARE made every
// upload wait for the worker's whole transaction). A deleted tenant is
// ErrNotFound.
func (tx *Tx) ShareLockTenant() error {
	q := tx.db.Model(&tenantRow{}).Select("id").Where("id = ?", tx.tenant.String())
	if tx.store.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "KEY SHARE"})
	}
	var row tenantRow
	return translate(q.Take(&row).Error)
}
