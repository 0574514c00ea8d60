package store

import "fmt"

// Value is one of the company's values.
type Value struct {
	Name        string
	Description string
}

type valueRow struct {
	TenantID    string `gorm:"primaryKey"`
	Position    int    `gorm:"primaryKey"`
	Name        string
	Description string
}

func (valueRow) TableName() string { return "company_values" }

// Values returns the tenant's values in their order.
func (tx *Tx) Values() ([]Value, error) {
	var rows []valueRow
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("position").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list values: %w", err)
	}
	out := make([]Value, len(rows))
	for i, r := range rows {
		out[i] = Value{Name: r.Name, Description: r.Description}
	}
	return out, nil
}

// ReplaceValues replaces the tenant's whole set of values.
func (tx *Tx) ReplaceValues(values []Value) error {
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Delete(&valueRow{}).Error; err != nil {
		return fmt.Errorf("replace values: %w", err)
	}
	if len(values) == 0 {
		return nil
	}
	rows := make([]valueRow, len(values))
	for i, v := range values {
		rows[i] = valueRow{TenantID: tx.tenant.String(), Position: i, Name: v.Name, Description: v.Description}
	}
	if err := tx.db.CreateInBatches(rows, 200).Error; err != nil {
		return fmt.Errorf("replace values: %w", err)
	}
	return nil
}
