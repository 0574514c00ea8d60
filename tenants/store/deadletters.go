package store

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"
)

// DeadLetter is an event a consumer could not apply within its delivery
// bound, parked for an admin to inspect and replay.
type DeadLetter struct {
	ID         uuid.UUID
	Consumer   string
	EventID    string
	EventType  string
	Subject    string
	Payload    []byte
	Error      string
	Deliveries int
	CreatedAt  time.Time
	ReplayedAt *time.Time
}

type deadLetterRow struct {
	TenantID   string `gorm:"primaryKey"`
	ID         string `gorm:"primaryKey"`
	Consumer   string
	EventID    string
	EventType  string
	Subject    string
	Payload    []byte
	Error      string
	Deliveries int
	CreatedAt  time.Time
	ReplayedAt *time.Time
}

func (deadLetterRow) TableName() string { return "dead_letters" }

func (r deadLetterRow) toDeadLetter() (DeadLetter, error) {
	id, err := storedUUID("dead_letters.id", r.ID)
	if err != nil {
		return DeadLetter{}, err
	}
	var at *time.Time
	if r.ReplayedAt != nil {
		t := r.ReplayedAt.UTC()
		at = &t
	}
	return DeadLetter{ID: id, Consumer: r.Consumer, EventID: r.EventID, EventType: r.EventType, Subject: r.Subject,
		Payload: r.Payload, Error: r.Error, Deliveries: r.Deliveries, CreatedAt: r.CreatedAt.UTC(), ReplayedAt: at}, nil
}

// Park records a dead letter; parking the same event for the same consumer
// again updates the error and delivery count.
func (tx *Tx) Park(d DeadLetter) error {
	row := deadLetterRow{TenantID: tx.tenant.String(), ID: uuid.Must(uuid.NewV7()).String(), Consumer: d.Consumer, EventID: d.EventID,
		EventType: d.EventType, Subject: d.Subject, Payload: d.Payload, Error: d.Error, Deliveries: d.Deliveries, CreatedAt: time.Now().UTC()}
	err := tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant_id"}, {Name: "consumer"}, {Name: "event_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"error", "deliveries", "replayed_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("park event: %w", err)
	}
	return nil
}

// DeadLetters lists parked events, oldest first, after the cursor id.
func (tx *Tx) DeadLetters(after uuid.UUID, limit int) ([]DeadLetter, error) {
	var rows []deadLetterRow
	q := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("id").Limit(limit)
	if after != uuid.Nil {
		q = q.Where("id > ?", after.String())
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return convertRows(rows, deadLetterRow.toDeadLetter)
}

// MarkReplayed records that a dead letter was sent again, and forgets that
// its consumer processed the event so that the replay is applied.
func (tx *Tx) MarkReplayed(id uuid.UUID) (DeadLetter, error) {
	var row deadLetterRow
	if err := tx.db.Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Take(&row).Error; err != nil {
		return DeadLetter{}, translate(err)
	}
	now := time.Now().UTC()
	if err := tx.db.Model(&deadLetterRow{}).Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Update("replayed_at", now).Error; err != nil {
		return DeadLetter{}, fmt.Errorf("mark replayed: %w", err)
	}
	row.ReplayedAt = &now
	return row.toDeadLetter()
}
