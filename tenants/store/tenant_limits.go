package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// TenantLimits are the platform admin's overrides of one tenant's quotas and
// analytics threshold; a nil field means the server's default.
type TenantLimits struct {
	MaxDocuments     *int64
	MaxDocumentBytes *int64
	MaxEmployees     *int64
	// AnalyticsMinCell is k: analytics cells of fewer employees are
	// suppressed. Never below 3 (the database refuses less).
	AnalyticsMinCell *int
	UpdatedBy        string
	UpdatedAt        time.Time
}

type tenantLimitsRow struct {
	TenantID         string `gorm:"primaryKey"`
	MaxDocuments     *int64
	MaxDocumentBytes *int64
	MaxEmployees     *int64
	AnalyticsMinCell *int
	UpdatedBy        string
	UpdatedAt        time.Time
}

func (tenantLimitsRow) TableName() string { return "tenant_limits" }

// TenantLimits reads the tenant's overrides; none set is the zero value.
func (tx *Tx) TenantLimits() (TenantLimits, error) {
	var row tenantLimitsRow
	err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Take(&row).Error
	if err != nil {
		if err = translate(err); errors.Is(err, ErrNotFound) {
			return TenantLimits{}, nil
		}
		return TenantLimits{}, fmt.Errorf("tenant limits: %w", err)
	}
	return TenantLimits{MaxDocuments: row.MaxDocuments, MaxDocumentBytes: row.MaxDocumentBytes, MaxEmployees: row.MaxEmployees,
		AnalyticsMinCell: row.AnalyticsMinCell, UpdatedBy: row.UpdatedBy, UpdatedAt: row.UpdatedAt.UTC()}, nil
}

// PutTenantLimits replaces the tenant's overrides.
func (tx *Tx) PutTenantLimits(l TenantLimits) error {
	row := tenantLimitsRow{TenantID: tx.tenant.String(), MaxDocuments: l.MaxDocuments, MaxDocumentBytes: l.MaxDocumentBytes,
		MaxEmployees: l.MaxEmployees, AnalyticsMinCell: l.AnalyticsMinCell, UpdatedBy: l.UpdatedBy, UpdatedAt: l.UpdatedAt.UTC()}
	err := tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"max_documents", "max_document_bytes", "max_employees", "analytics_min_cell", "updated_by", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("put tenant limits: %w", translate(err))
	}
	return nil
}
