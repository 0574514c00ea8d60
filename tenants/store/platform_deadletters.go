package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PlatformDeadLetter is a message on the stream that is no Cadre event and
// names no tenant that exists, parked by a consumer for a platform admin to
// inspect. It can never be applied, so it is listed but not replayed. (An
// unreadable message of a tenant is that tenant's DeadLetter.)
type PlatformDeadLetter struct {
	ID         uuid.UUID
	Consumer   string
	StreamSeq  uint64
	Subject    string
	Payload    []byte
	Error      string
	Deliveries int
	CreatedAt  time.Time
}

type platformDeadLetterRow struct {
	ID         string `gorm:"primaryKey"`
	Consumer   string
	StreamSeq  int64
	Subject    string
	Payload    []byte
	Error      string
	Deliveries int
	CreatedAt  time.Time
}

func (platformDeadLetterRow) TableName() string { return "platform_dead_letters" }

func (r platformDeadLetterRow) toDeadLetter() (PlatformDeadLetter, error) {
	id, err := storedUUID("platform_dead_letters.id", r.ID)
	if err != nil {
		return PlatformDeadLetter{}, err
	}
	return PlatformDeadLetter{ID: id, Consumer: r.Consumer, StreamSeq: uint64(r.StreamSeq), Subject: r.Subject,
		Payload: r.Payload, Error: r.Error, Deliveries: r.Deliveries, CreatedAt: r.CreatedAt.UTC()}, nil
}

// ParkPlatform records a platform dead letter; parking the same message
// (stream sequence) for the same consumer again updates the error and
// delivery count. It is a platform operation.
func (s *Store) ParkPlatform(ctx context.Context, d PlatformDeadLetter) error {
	payload := d.Payload
	if payload == nil {
		payload = []byte{} // the column is NOT NULL; an empty message is still a message
	}
	row := platformDeadLetterRow{ID: uuid.Must(uuid.NewV7()).String(), Consumer: d.Consumer, StreamSeq: int64(d.StreamSeq),
		Subject: d.Subject, Payload: payload, Error: d.Error, Deliveries: d.Deliveries, CreatedAt: time.Now().UTC()}
	err := s.inPlatform(ctx, func(db *gorm.DB) error {
		return db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "consumer"}, {Name: "stream_seq"}},
			DoUpdates: clause.AssignmentColumns([]string{"error", "deliveries"}),
		}).Create(&row).Error
	})
	if err != nil {
		return fmt.Errorf("park platform dead letter: %w", err)
	}
	return nil
}

// PlatformDeadLetters lists platform dead letters, oldest first, after the
// cursor id, at most limit of them. It is a platform operation.
func (s *Store) PlatformDeadLetters(ctx context.Context, after uuid.UUID, limit int) ([]PlatformDeadLetter, error) {
	var rows []platformDeadLetterRow
	err := s.inPlatform(ctx, func(db *gorm.DB) error {
		q := db.Order("id").Limit(limit)
		if after != uuid.Nil {
			q = q.Where("id > ?", after.String())
		}
		return q.Find(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("list platform dead letters: %w", err)
	}
	return convertRows(rows, platformDeadLetterRow.toDeadLetter)
}
