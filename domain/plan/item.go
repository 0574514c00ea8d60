package plan

import (
	"slices"
	"time"

	"github.com/cadrehq/cadre/domain/competency"
)

// Item is one competency the employee is developing (or was: a closed item
// stays as history). CurrentLevel, TargetLevel, Gap, Priority and Actions are
// recomputed at every build while the item is not closed; a closed item keeps
// the values it had when it closed (a Met item shows the level that met the
// target, with Gap 0 and Priority 0).
type Item struct {
	// ID is stable across rebuilds; see Build for how new ids are made.
	ID             string `json:"id"`
	CompetencySlug string `json:"competency_slug"`
	// CurrentLevel is the employee's latest level (1 when unassessed).
	CurrentLevel competency.Level `json:"current_level"`
	// Assessed is false when no result exists for the competency and
	// CurrentLevel is the assumed level 1.
	Assessed bool `json:"assessed"`
	// TargetLevel is the level the target tier requires.
	TargetLevel competency.Level `json:"target_level"`
	// Gap is TargetLevel − CurrentLevel, at least 0.
	Gap int `json:"gap"`
	// Priority is Gap × group weight × (0.5 + relevance); see Priority.
	Priority float64 `json:"priority"`
	// Actions are development actions for the levels above CurrentLevel up
	// to TargetLevel, at most MaxActions.
	Actions []competency.Action `json:"actions"`
	// DueDate is midnight UTC of the day the item should be done by.
	DueDate      time.Time    `json:"due_date"`
	Status       Status       `json:"status"`
	ClosedReason ClosedReason `json:"closed_reason,omitzero"`
	Note         string       `json:"note,omitzero"`
	CreatedAt    time.Time    `json:"created_at"`
	ClosedAt     time.Time    `json:"closed_at,omitzero"`
}

// Open reports whether the item still asks something of the employee: it is
// neither done nor closed.
func (it Item) Open() bool { return it.Status == NotStarted || it.Status == InProgress }

// equal reports whether it and o hold the same content.
func (it Item) equal(o Item) bool {
	return it.ID == o.ID &&
		it.CompetencySlug == o.CompetencySlug &&
		it.CurrentLevel == o.CurrentLevel &&
		it.Assessed == o.Assessed &&
		it.TargetLevel == o.TargetLevel &&
		it.Gap == o.Gap &&
		it.Priority == o.Priority &&
		slices.Equal(it.Actions, o.Actions) &&
		it.DueDate.Equal(o.DueDate) &&
		it.Status == o.Status &&
		it.ClosedReason == o.ClosedReason &&
		it.Note == o.Note &&
		it.CreatedAt.Equal(o.CreatedAt) &&
		it.ClosedAt.Equal(o.ClosedAt)
}
