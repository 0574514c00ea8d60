package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/tenants"
)

// PlanFanout is a tenant-wide plan rebuild in progress (migration 00011):
// the event that started it and the last employee whose plan it has
// rebuilt. Employees are rebuilt in id order, a chunk per transaction; the
// transaction that rebuilds a chunk also moves the mark, so a rebuild
// interrupted between chunks resumes after the last chunk committed.
type PlanFanout struct {
	EventID string
	// After is the last employee done; uuid.Nil when none is.
	After     uuid.UUID
	StartedAt time.Time
	UpdatedAt time.Time
}

type planFanoutRow struct {
	TenantID      string `gorm:"primaryKey"`
	EventID       string
	AfterEmployee *string
	StartedAt     time.Time
	UpdatedAt     time.Time
}

func (planFanoutRow) TableName() string { return "plan_fanouts" }

func (r planFanoutRow) toFanout() (PlanFanout, error) {
	f := PlanFanout{EventID: r.EventID, StartedAt: r.StartedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.AfterEmployee != nil {
		id, err := storedUUID("plan_fanouts.after_employee", *r.AfterEmployee)
		if err != nil {
			return PlanFanout{}, err
		}
		f.After = id
	}
	return f, nil
}

// StartPlanFanout records a tenant-wide plan rebuild started by eventID,
// from the first employee. A rebuild already in progress restarts: the new
// one rebuilds every plan from the latest library, which covers what the
// old one had still to do. The row stays locked until the transaction
// ends.
func (tx *Tx) StartPlanFanout(eventID string, now time.Time) error {
	now = now.UTC()
	row := planFanoutRow{TenantID: tx.tenant.String(), EventID: eventID, StartedAt: now, UpdatedAt: now}
	err := tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant_id"}},
		DoUpdates: clause.Assignments(map[string]any{"event_id": eventID, "after_employee": nil, "started_at": now, "updated_at": now}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("start plan fan-out: %w", translate(err))
	}
	return nil
}

// ClaimPlanFanout returns the tenant's rebuild in progress, locked until the
// transaction ends (on PostgreSQL; a second claimer waits for the first's
// chunk to commit, then sees its mark). None in progress is ErrNotFound.
func (tx *Tx) ClaimPlanFanout() (PlanFanout, error) {
	q := tx.db.Where("tenant_id = ?", tx.tenant.String())
	if tx.store.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row planFanoutRow
	if err := q.Take(&row).Error; err != nil {
		return PlanFanout{}, fmt.Errorf("claim plan fan-out: %w", translate(err))
	}
	return row.toFanout()
}

// AdvancePlanFanout moves the mark of the tenant's rebuild past the
// employee after (claimed first with ClaimPlanFanout). After the commit the
// store calls the functions given to OnPlanFanout: the rebuild goes on.
func (tx *Tx) AdvancePlanFanout(after uuid.UUID, now time.Time) error {
	res := tx.db.Model(&planFanoutRow{}).Where("tenant_id = ?", tx.tenant.String()).
		Updates(map[string]any{"after_employee": after.String(), "updated_at": now.UTC()})
	if res.Error != nil {
		return fmt.Errorf("advance plan fan-out: %w", translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("advance plan fan-out: %w", ErrNotFound)
	}
	tx.fanout = true
	return nil
}

// FinishPlanFanout removes the tenant's rebuild: every plan is rebuilt.
func (tx *Tx) FinishPlanFanout() error {
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Delete(&planFanoutRow{}).Error; err != nil {
		return fmt.Errorf("finish plan fan-out: %w", translate(err))
	}
	return nil
}

// PlanFanoutTenants lists the tenants with a plan rebuild in progress,
// oldest update first, at most limit. It is a platform operation (the
// fan-out driver's scan).
func (s *Store) PlanFanoutTenants(ctx context.Context, limit int) ([]tenants.ID, error) {
	var ids []string
	err := s.inPlatform(ctx, func(db *gorm.DB) error {
		return db.Model(&planFanoutRow{}).Order("updated_at").Limit(limit).Pluck("tenant_id", &ids).Error
	})
	if err != nil {
		return nil, fmt.Errorf("list plan fan-outs: %w", err)
	}
	return convertRows(ids, func(s string) (tenants.ID, error) { return storedTenant("plan_fanouts.tenant_id", s) })
}

// OnPlanFanout registers fn to be called after every commit that left a
// plan fan-out to go on (AdvancePlanFanout): the fan-out driver's wake-up. fn must not
// block.
func (s *Store) OnPlanFanout(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onFanout = append(s.onFanout, fn)
}

func (s *Store) fanoutStarted() {
	s.mu.Lock()
	fns := s.onFanout
	s.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}
