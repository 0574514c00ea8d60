package store

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
)

// MaxScoredTakes caps how many employees' latest scored assessments one
// quality read decodes: the item and calibration analytics compute on
// request from the stored results, and each result is a JSON document of a
// few kilobytes, so 5000 takers bound one request to some tens of
// megabytes and well under a second of decoding while covering every tenant
// we serve today. A larger tenant reads the first MaxScoredTakes employees
// (by id) and is told the figures are truncated.
const MaxScoredTakes = 5000

// ScoredTake is one employee's latest scored assessment as the quality
// analytics read it: the items (without the answer key) and the results,
// and the employee's team. The responses, and with them every free-text
// answer, are not read.
type ScoredTake struct {
	EmployeeID   uuid.UUID
	AssessmentID uuid.UUID
	Team         string
	Items        []assessment.Item
	Results      assessment.Result
}

type scoredTakeRow struct {
	ID, EmployeeID, Team, Items string
	Results                     *string
}

// LatestScoredTakes reads the latest scored assessment (the newest
// scored_at, the greatest id breaking ties) of at most limit employees of
// the tenant, by employee id, and reports whether more employees have one.
// A limit outside 1..MaxScoredTakes is MaxScoredTakes.
func (tx *Tx) LatestScoredTakes(limit int) ([]ScoredTake, bool, error) {
	if limit <= 0 || limit > MaxScoredTakes {
		limit = MaxScoredTakes
	}
	t := tx.tenant.String()
	var rows []scoredTakeRow
	err := tx.db.Raw(`SELECT a.id, a.employee_id, e.team, a.items, a.results FROM (
			SELECT id, employee_id, items, results,
				ROW_NUMBER() OVER (PARTITION BY employee_id ORDER BY scored_at DESC, id DESC) AS rn
			FROM assessments WHERE tenant_id = ? AND status = ? AND results IS NOT NULL) a
		JOIN employees e ON e.tenant_id = ? AND e.id = a.employee_id
		WHERE a.rn = 1
		ORDER BY a.employee_id LIMIT ?`, t, string(AssessmentScored), t, limit+1).Scan(&rows).Error
	if err != nil {
		return nil, false, fmt.Errorf("latest scored takes: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]ScoredTake, 0, len(rows))
	for _, r := range rows {
		var st ScoredTake
		if st.AssessmentID, err = storedUUID("assessments.id", r.ID); err != nil {
			return nil, false, err
		}
		if st.EmployeeID, err = storedUUID("assessments.employee_id", r.EmployeeID); err != nil {
			return nil, false, err
		}
		st.Team = r.Team
		if err := json.Unmarshal([]byte(r.Items), &st.Items); err != nil {
			return nil, false, corrupt("assessments.items", err)
		}
		if r.Results != nil {
			if err := json.Unmarshal([]byte(*r.Results), &st.Results); err != nil {
				return nil, false, corrupt("assessments.results", err)
			}
		}
		out = append(out, st)
	}
	return out, more, nil
}
