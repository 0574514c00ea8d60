package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

type processedRow struct {
	TenantID    string `gorm:"primaryKey"`
	Consumer    string `gorm:"primaryKey"`
	EventID     string `gorm:"primaryKey"`
	ProcessedAt time.Time
}

func (processedRow) TableName() string { return "processed_events" }

// ErrAlreadyProcessed reports an event this consumer has applied before.
var ErrAlreadyProcessed = errors.New("store: event already processed")

// MarkProcessed records that consumer applied eventID, in the same
// transaction as the handler's effects; an event already marked is
// ErrAlreadyProcessed, and the caller skips it.
func (tx *Tx) MarkProcessed(consumer, eventID string) error {
	res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&processedRow{
		TenantID: tx.tenant.String(), Consumer: consumer, EventID: eventID, ProcessedAt: time.Now().UTC()})
	if res.Error != nil {
		return fmt.Errorf("mark processed: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrAlreadyProcessed
	}
	return nil
}

// Processed reports whether consumer has applied eventID.
func (tx *Tx) Processed(consumer, eventID string) (bool, error) {
	var n int64
	err := tx.db.Model(&processedRow{}).Where("tenant_id = ? AND consumer = ? AND event_id = ?", tx.tenant.String(), consumer, eventID).Count(&n).Error
	return n > 0, err
}
