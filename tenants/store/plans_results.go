package store

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

// Results is an employee's latest result per competency and the assessment
// of the newest of them.
type Results struct {
	Current []plan.Current
	// AssessmentID is the assessment of the most recently scored result.
	AssessmentID string
}

type latestResultRow struct {
	EmployeeID     string
	AssessmentID   string
	CompetencySlug string
	Score          float64
	Level          int
	Confidence     float64
	ScoredAt       time.Time
}

// LatestResultsByEmployee returns, for the given employees (every employee
// of the tenant when ids is nil), their latest scored result per competency
// (a competency the newest assessment did not cover keeps its result from an
// earlier one), in one query per lookupBatch ids; employees never assessed
// are absent.
func (tx *Tx) LatestResultsByEmployee(ids []uuid.UUID) (map[uuid.UUID]Results, error) {
	out := map[uuid.UUID]Results{}
	if ids != nil && len(ids) == 0 {
		return out, nil
	}
	for chunk := range tx.idChunks(ids) {
		filter, args := "", []any{tx.tenant.String()}
		if chunk != nil {
			filter, args = " AND employee_id IN ?", append(args, chunk)
		}
		q := `SELECT employee_id, assessment_id, competency_slug, score, level, confidence, scored_at FROM (
			SELECT employee_id, assessment_id, competency_slug, score, level, confidence, scored_at,
				ROW_NUMBER() OVER (PARTITION BY employee_id, competency_slug ORDER BY scored_at DESC, assessment_id DESC) AS rn
			FROM assessment_results WHERE tenant_id = ?` + filter + `) latest
			WHERE rn = 1 ORDER BY employee_id, competency_slug`
		if tx.store.dialect == Postgres {
			q = `SELECT DISTINCT ON (employee_id, competency_slug)
				employee_id, assessment_id, competency_slug, score, level, confidence, scored_at
				FROM assessment_results WHERE tenant_id = ?` + filter + `
				ORDER BY employee_id, competency_slug, scored_at DESC, assessment_id DESC`
		}
		// Scanned by hand: a tenant-wide fan-out reads every result row
		// (80,000 for 10,000 employees), where gorm's reflection costs more
		// than the query.
		rows, err := tx.db.Raw(q, args...).Rows()
		if err != nil {
			return nil, fmt.Errorf("latest results: %w", err)
		}
		// Rows come ordered by employee: each employee's results are
		// gathered locally and stored once.
		var (
			r      latestResultRow
			lastID string
			id     uuid.UUID
			cur    Results
			newest time.Time
		)
		flush := func() {
			if lastID != "" {
				out[id] = cur
			}
		}
		for rows.Next() {
			if err := rows.Scan(&r.EmployeeID, &r.AssessmentID, &r.CompetencySlug, &r.Score, &r.Level, &r.Confidence, &r.ScoredAt); err != nil {
				rows.Close()
				return nil, fmt.Errorf("latest results: %w", err)
			}
			if r.EmployeeID != lastID {
				flush()
				if id, err = uuid.Parse(r.EmployeeID); err != nil {
					rows.Close()
					return nil, fmt.Errorf("latest results: %w", err)
				}
				lastID, cur, newest = r.EmployeeID, Results{Current: make([]plan.Current, 0, 8)}, r.ScoredAt
				cur.AssessmentID = r.AssessmentID
			} else if r.ScoredAt.After(newest) || (r.ScoredAt.Equal(newest) && r.AssessmentID > cur.AssessmentID) {
				newest, cur.AssessmentID = r.ScoredAt, r.AssessmentID
			}
			cur.Current = append(cur.Current, plan.Current{Slug: r.CompetencySlug, Level: competency.Level(max(0, min(r.Level, 255))),
				Score: r.Score, Confidence: r.Confidence})
		}
		flush()
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, fmt.Errorf("latest results: %w", err)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("latest results: %w", err)
		}
	}
	return out, nil
}
