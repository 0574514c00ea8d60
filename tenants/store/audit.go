package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// AuditEntry records one admin write: who did what to which resource.
type AuditEntry struct {
	ID        uuid.UUID
	Actor     string
	Action    string
	Resource  string
	Detail    map[string]any
	CreatedAt time.Time
}

type auditRow struct {
	TenantID  string `gorm:"primaryKey"`
	ID        string `gorm:"primaryKey"`
	Actor     string
	Action    string
	Resource  string
	Detail    string
	CreatedAt time.Time
}

func (auditRow) TableName() string { return "audit_log" }

func (r auditRow) toEntry() (AuditEntry, error) {
	id, err := storedUUID("audit_log.id", r.ID)
	if err != nil {
		return AuditEntry{}, err
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
		return AuditEntry{}, corrupt("audit_log.detail", err)
	}
	return AuditEntry{ID: id, Actor: r.Actor, Action: r.Action, Resource: r.Resource, Detail: d, CreatedAt: r.CreatedAt.UTC()}, nil
}

// Audit appends an entry to the tenant's audit log.
func (tx *Tx) Audit(actor, action, resource string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	row := auditRow{TenantID: tx.tenant.String(), ID: uuid.Must(uuid.NewV7()).String(), Actor: actor, Action: action,
		Resource: resource, Detail: string(b), CreatedAt: time.Now().UTC()}
	if err := tx.db.Create(&row).Error; err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditQuery selects audit entries: each set field must match (Resource is
// the object acted on); From and To bound the time, To excluded; After is
// a cursor (the last id of the previous page).
type AuditQuery struct {
	Actor, Action, Resource string
	From, To                time.Time
	After                   uuid.UUID
	Limit                   int
}

// AuditEntries returns the tenant's audit entries that q selects, oldest
// first (ids are UUIDv7, so id order is time order).
func (tx *Tx) AuditEntries(q AuditQuery) ([]AuditEntry, error) {
	var rows []auditRow
	db := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("id").Limit(q.Limit)
	for col, v := range map[string]string{"actor": q.Actor, "action": q.Action, "resource": q.Resource} {
		if v != "" {
			db = db.Where(col+" = ?", v)
		}
	}
	if !q.From.IsZero() {
		db = db.Where("created_at >= ?", q.From.UTC())
	}
	if !q.To.IsZero() {
		db = db.Where("created_at < ?", q.To.UTC())
	}
	if q.After != uuid.Nil {
		db = db.Where("id > ?", q.After.String())
	}
	if err := db.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	return convertRows(rows, auditRow.toEntry)
}

// AuditLog returns the tenant's audit entries, newest last.
func (tx *Tx) AuditLog(limit int) ([]AuditEntry, error) {
	var rows []auditRow
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return convertRows(rows, auditRow.toEntry)
}
