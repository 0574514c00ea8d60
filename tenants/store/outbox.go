package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/events"
)

type outboxRow struct {
	TenantID    string `gorm:"primaryKey"`
	ID          string `gorm:"primaryKey"`
	Seq         int64  `gorm:"->"`
	Subject     string
	Type        string
	Payload     []byte
	CreatedAt   time.Time
	PublishedAt *time.Time
}

func (outboxRow) TableName() string { return "outbox" }

// Emit records an event of the transaction's tenant in the outbox, in the
// same transaction as the change it describes; the relay publishes it after
// the commit. resource is the id of the resource the event is about.
func (tx *Tx) Emit(typ events.Type, resource string, data any) (events.Event, error) {
	ev, err := events.New(tx.tenant, typ, resource, data, time.Now())
	if err != nil {
		return events.Event{}, fmt.Errorf("emit %s: %w", typ, err)
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return events.Event{}, fmt.Errorf("emit %s: %w", typ, err)
	}
	row := outboxRow{TenantID: tx.tenant.String(), ID: ev.ID, Subject: ev.Subject(), Type: string(typ), Payload: payload, CreatedAt: ev.Time}
	if err := tx.db.Omit("seq").Create(&row).Error; err != nil {
		return events.Event{}, fmt.Errorf("emit %s: %w", typ, err)
	}
	tx.emitted++
	return ev, nil
}

// Outbox is the store's side of the outbox relay (events.Outbox).
type Outbox struct{ s *Store }

// Outbox returns the relay's view of the outbox.
func (s *Store) Outbox() *Outbox { return &Outbox{s: s} }

var _ events.Outbox = (*Outbox)(nil)

// Drain locks up to limit pending records, oldest first, hands them to
// publish, and marks the prefix publish reports done. On PostgreSQL the rows
// stay locked (FOR UPDATE SKIP LOCKED) until the marks commit, so several
// relays share the work without publishing a row twice at once; a relay
// that dies after the PubAck and before the commit leaves the rows pending,
// and the stream's duplicate window (Nats-Msg-Id = event id) absorbs the
// second publish. On SQLite one process owns the file and runs one relay, so
// the rows are read, published, then marked, without holding the single
// connection during the publish.
func (o *Outbox) Drain(ctx context.Context, limit int, publish func(ctx context.Context, recs []events.OutboxRecord) (int, error)) (int, error) {
	if o.s.dialect == SQLite {
		var rows []outboxRow
		err := o.s.inPlatform(ctx, func(db *gorm.DB) error {
			return db.Where("published_at IS NULL").Order("seq").Limit(limit).Find(&rows).Error
		})
		if err != nil || len(rows) == 0 {
			return 0, err
		}
		recs, err := convertRows(rows, outboxRow.toRecord)
		if err != nil {
			return 0, fmt.Errorf("drain outbox: %w", err)
		}
		done, perr := publish(ctx, recs)
		if done > 0 {
			if err := o.s.inPlatform(ctx, func(db *gorm.DB) error { return markPublished(db, rows[:done]) }); err != nil {
				return 0, err
			}
		}
		return done, perr
	}
	var done int
	var perr error
	err := o.s.inPlatform(ctx, func(db *gorm.DB) error {
		var rows []outboxRow
		err := db.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).
			Where("published_at IS NULL").Order("seq").Limit(limit).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		recs, err := convertRows(rows, outboxRow.toRecord)
		if err != nil {
			return err
		}
		done, perr = publish(ctx, recs)
		if done == 0 {
			return nil
		}
		return markPublished(db, rows[:done])
	})
	if err != nil {
		return 0, fmt.Errorf("drain outbox: %w", err)
	}
	return done, perr
}

func (r outboxRow) toRecord() (events.OutboxRecord, error) {
	t, err := storedTenant("outbox.tenant_id", r.TenantID)
	if err != nil {
		return events.OutboxRecord{}, err
	}
	return events.OutboxRecord{ID: r.ID, Tenant: t, Subject: r.Subject, Type: events.Type(r.Type), Payload: r.Payload}, nil
}

// markPublished marks rows published. The tenant.deleted event is the last
// trace of an erased tenant: once it is in the stream, its row goes.
func markPublished(db *gorm.DB, rows []outboxRow) error {
	now := time.Now().UTC()
	for _, r := range rows {
		q := db.Model(&outboxRow{}).Where("tenant_id = ? AND id = ?", r.TenantID, r.ID)
		var err error
		if r.Type == string(events.TypeTenantDeleted) {
			err = q.Delete(&outboxRow{}).Error
		} else {
			err = q.Update("published_at", now).Error
		}
		if err != nil {
			return fmt.Errorf("mark published: %w", err)
		}
	}
	return nil
}

// Prune deletes records published before the cutoff.
func (o *Outbox) Prune(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := o.s.inPlatform(ctx, func(db *gorm.DB) error {
		res := db.Where("published_at IS NOT NULL AND published_at < ?", before.UTC()).Delete(&outboxRow{})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	return int(n), nil
}

// Pending reports the backlog: how many records wait and the age of the oldest.
func (o *Outbox) Pending(ctx context.Context) (int, time.Duration, error) {
	var res struct {
		N      int64
		Oldest *time.Time
	}
	err := o.s.inPlatform(ctx, func(db *gorm.DB) error {
		var rows []outboxRow
		if err := db.Model(&outboxRow{}).Where("published_at IS NULL").Count(&res.N).Error; err != nil {
			return err
		}
		if res.N == 0 {
			return nil
		}
		if err := db.Select("created_at").Where("published_at IS NULL").Order("seq").Limit(1).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 1 {
			res.Oldest = &rows[0].CreatedAt
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("outbox backlog: %w", err)
	}
	var age time.Duration
	if res.Oldest != nil {
		age = time.Since(*res.Oldest)
	}
	return int(res.N), age, nil
}
