package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
)

// AssessmentStatus is where an assessment is in its life: open (being
// answered), submitted (waiting for the scorer) or scored.
type AssessmentStatus string

// The assessment statuses.
const (
	AssessmentOpen      AssessmentStatus = "open"
	AssessmentSubmitted AssessmentStatus = "submitted"
	AssessmentScored    AssessmentStatus = "scored"
)

// Errors of the assessment flow. Both wrap ErrConflict.
var (
	// ErrStaleVersion: the caller saved against an older version of the
	// responses than the stored one.
	ErrStaleVersion = fmt.Errorf("%w: stale assessment version", ErrConflict)
	// ErrAssessmentClosed: the assessment was submitted already; it takes no
	// more answers and cannot be submitted again.
	ErrAssessmentClosed = fmt.Errorf("%w: assessment already submitted", ErrConflict)
)

// Assessment is a stored assessment: the generated items and their key (the
// key never leaves the server), the taker's responses so far, and the
// results once scored.
type Assessment struct {
	ID             uuid.UUID
	EmployeeID     uuid.UUID
	Status         AssessmentStatus
	LibraryVersion int
	RoleSlug       string
	Tier           competency.Tier
	Seed           string
	Items          []assessment.Item
	Key            assessment.AnswerKey
	Responses      []assessment.Response
	// Version counts saves of the responses, starting at 1; a save names
	// the version it read (optimistic concurrency).
	Version     int
	Results     *assessment.Result
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt *time.Time
	ScoredAt    *time.Time
}

// Domain returns the assessment as the domain package knows it, for
// validating and scoring responses; maxAnswerChars bounds open-text answers
// (zero: the domain default).
func (a Assessment) Domain(maxAnswerChars int) assessment.Assessment {
	return assessment.Assessment{Tier: a.Tier, Items: a.Items, Key: a.Key, MaxAnswerChars: maxAnswerChars}
}

type assessmentRow struct {
	TenantID       string `gorm:"primaryKey"`
	ID             string `gorm:"primaryKey"`
	EmployeeID     string
	Status         string
	LibraryVersion int
	RoleSlug       string
	Tier           string
	Seed           string
	Items          string
	Key            string
	Responses      string
	Version        int
	Results        *string
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	SubmittedAt    *time.Time
	ScoredAt       *time.Time
}

func (assessmentRow) TableName() string { return "assessments" }

func (r assessmentRow) toAssessment() (Assessment, error) {
	a := Assessment{Status: AssessmentStatus(r.Status),
		LibraryVersion: r.LibraryVersion, RoleSlug: r.RoleSlug, Seed: r.Seed, Version: r.Version, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), SubmittedAt: utcPtr(r.SubmittedAt), ScoredAt: utcPtr(r.ScoredAt)}
	var err error
	if a.ID, err = storedUUID("assessments.id", r.ID); err != nil {
		return Assessment{}, err
	}
	if a.EmployeeID, err = storedUUID("assessments.employee_id", r.EmployeeID); err != nil {
		return Assessment{}, err
	}
	if a.Tier, err = storedTier("assessments.tier", r.Tier); err != nil {
		return Assessment{}, err
	}
	if err := json.Unmarshal([]byte(r.Items), &a.Items); err != nil {
		return Assessment{}, corrupt("assessments.items", err)
	}
	if r.Key != "" {
		if err := json.Unmarshal([]byte(r.Key), &a.Key); err != nil {
			return Assessment{}, corrupt("assessments.key", err)
		}
	}
	if r.Responses != "" {
		if err := json.Unmarshal([]byte(r.Responses), &a.Responses); err != nil {
			return Assessment{}, corrupt("assessments.responses", err)
		}
	}
	if r.Results != nil {
		var res assessment.Result
		if err := json.Unmarshal([]byte(*r.Results), &res); err != nil {
			return Assessment{}, corrupt("assessments.results", err)
		}
		a.Results = &res
	}
	return a, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// InsertAssessment stores a new open assessment at version 1.
func (tx *Tx) InsertAssessment(a Assessment) error {
	items, err := json.Marshal(a.Items)
	if err != nil {
		return fmt.Errorf("insert assessment: %w", err)
	}
	key, err := json.Marshal(a.Key)
	if err != nil {
		return fmt.Errorf("insert assessment: %w", err)
	}
	if a.Responses == nil {
		a.Responses = []assessment.Response{}
	}
	responses, err := tx.sealResponses(a.Responses)
	if err != nil {
		return fmt.Errorf("insert assessment: %w", err)
	}
	row := assessmentRow{TenantID: tx.tenant.String(), ID: a.ID.String(), EmployeeID: a.EmployeeID.String(), Status: string(AssessmentOpen),
		LibraryVersion: a.LibraryVersion, RoleSlug: a.RoleSlug, Tier: a.Tier.String(), Seed: a.Seed, Items: string(items), Key: string(key),
		Responses: responses, Version: 1, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.CreatedAt.UTC()}
	if err := tx.db.Create(&row).Error; err != nil {
		return fmt.Errorf("insert assessment: %w", translate(err))
	}
	return nil
}

// Assessment reads one assessment with its key, responses and results.
func (tx *Tx) Assessment(id uuid.UUID) (Assessment, error) {
	var row assessmentRow
	if err := tx.db.Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Take(&row).Error; err != nil {
		return Assessment{}, translate(err)
	}
	responses, err := tx.unseal(responsesColumn, row.Responses)
	if err != nil {
		return Assessment{}, err
	}
	row.Responses = responses
	return row.toAssessment()
}

// responsesColumn is the sealed column of an assessment's responses: the
// taker's answers, free text included.
const responsesColumn = "assessments.responses"

// sealResponses encodes responses as JSON sealed with the tenant's key.
func (tx *Tx) sealResponses(responses []assessment.Response) (string, error) {
	if responses == nil {
		responses = []assessment.Response{}
	}
	b, err := json.Marshal(responses)
	if err != nil {
		return "", err
	}
	return tx.seal(responsesColumn, string(b))
}

// assessmentSummaryColumns are what a list shows (no items, key or responses).
const assessmentSummaryColumns = "tenant_id, id, employee_id, status, library_version, role_slug, tier, seed, version, results, created_by, created_at, updated_at, submitted_at, scored_at"

// Assessments lists an employee's assessments in id (creation) order after
// the cursor, at most limit, without items, key or responses.
func (tx *Tx) Assessments(employeeID, after uuid.UUID, limit int) ([]Assessment, error) {
	q := tx.db.Select(assessmentSummaryColumns).Where("tenant_id = ? AND employee_id = ?", tx.tenant.String(), employeeID.String()).Order("id")
	if after != uuid.Nil {
		q = q.Where("id > ?", after.String())
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []assessmentRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	out := make([]Assessment, len(rows))
	for i, r := range rows {
		r.Items = "[]"
		a, err := r.toAssessment()
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// CountAssessments counts the tenant's assessments.
func (tx *Tx) CountAssessments() (int, error) {
	var n int64
	if err := tx.db.Model(&assessmentRow{}).Where("tenant_id = ?", tx.tenant.String()).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count assessments: %w", err)
	}
	return int(n), nil
}

// SaveResponses replaces the responses of an open assessment if its version
// is still version, and returns the new version. A newer stored version is
// ErrStaleVersion, a submitted assessment ErrAssessmentClosed, a missing one
// ErrNotFound.
func (tx *Tx) SaveResponses(id uuid.UUID, version int, responses []assessment.Response) (int, error) {
	sealed, err := tx.sealResponses(responses)
	if err != nil {
		return 0, fmt.Errorf("save responses: %w", err)
	}
	res := tx.db.Model(&assessmentRow{}).
		Where("tenant_id = ? AND id = ? AND status = ? AND version = ?", tx.tenant.String(), id.String(), string(AssessmentOpen), version).
		Updates(map[string]any{"responses": sealed, "version": version + 1, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return 0, fmt.Errorf("save responses: %w", res.Error)
	}
	if res.RowsAffected == 1 {
		return version + 1, nil
	}
	return 0, tx.whyNotOpen(id)
}

// whyNotOpen explains why a conditional update of an open assessment
// matched no row.
func (tx *Tx) whyNotOpen(id uuid.UUID) error {
	var row assessmentRow
	err := tx.db.Select("status", "version").Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Take(&row).Error
	switch {
	case err != nil:
		return translate(err)
	case row.Status != string(AssessmentOpen):
		return ErrAssessmentClosed
	}
	return ErrStaleVersion
}

// SubmitAssessment closes an open assessment for scoring and returns it. A
// submitted one is ErrAssessmentClosed.
func (tx *Tx) SubmitAssessment(id uuid.UUID) (Assessment, error) {
	a, err := tx.Assessment(id)
	if err != nil {
		return Assessment{}, err
	}
	if a.Status != AssessmentOpen {
		return Assessment{}, ErrAssessmentClosed
	}
	return tx.Submit(a)
}

// Submit closes a, an open assessment the caller has just read in this
// transaction, for scoring if it is still open at a.Version, and returns it
// submitted without reading it again (submit is on the path of every scored
// assessment). A submitted one is ErrAssessmentClosed, a newer version
// ErrStaleVersion, a missing one ErrNotFound.
func (tx *Tx) Submit(a Assessment) (Assessment, error) {
	// Microseconds: what PostgreSQL keeps, so the returned times equal a
	// later read's.
	now := time.Now().UTC().Truncate(time.Microsecond)
	res := tx.db.Model(&assessmentRow{}).
		Where("tenant_id = ? AND id = ? AND status = ? AND version = ?", tx.tenant.String(), a.ID.String(), string(AssessmentOpen), a.Version).
		Updates(map[string]any{"status": string(AssessmentSubmitted), "submitted_at": now, "updated_at": now})
	if res.Error != nil {
		return Assessment{}, fmt.Errorf("submit assessment: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return Assessment{}, tx.whyNotOpen(a.ID)
	}
	a.Status, a.SubmittedAt, a.UpdatedAt = AssessmentSubmitted, &now, now
	return a, nil
}

// CompetencyResult is one scored competency of one assessment, as later
// readers (plans, analytics) query it.
type CompetencyResult struct {
	AssessmentID   uuid.UUID
	EmployeeID     uuid.UUID
	CompetencySlug string
	Score          float64
	Level          competency.Level
	RequiredLevel  competency.Level
	Gap            int
	Confidence     float64
	ScoredAt       time.Time
}

type resultRow struct {
	TenantID       string `gorm:"primaryKey"`
	AssessmentID   string `gorm:"primaryKey"`
	EmployeeID     string
	CompetencySlug string `gorm:"primaryKey"`
	Score          float64
	Level          int
	RequiredLevel  int
	Gap            int
	Confidence     float64
	ScoredAt       time.Time
}

func (resultRow) TableName() string { return "assessment_results" }

func (r resultRow) toResult() (CompetencyResult, error) {
	c := CompetencyResult{CompetencySlug: r.CompetencySlug,
		Score: r.Score, Level: competency.Level(r.Level), RequiredLevel: competency.Level(r.RequiredLevel), Gap: r.Gap,
		Confidence: r.Confidence, ScoredAt: r.ScoredAt.UTC()}
	var err error
	if c.AssessmentID, err = storedUUID("assessment_results.assessment_id", r.AssessmentID); err != nil {
		return CompetencyResult{}, err
	}
	if c.EmployeeID, err = storedUUID("assessment_results.employee_id", r.EmployeeID); err != nil {
		return CompetencyResult{}, err
	}
	return c, nil
}

// SaveResults records the scored results of a submitted assessment: the
// whole result as JSON on the assessment and one row per competency, and
// marks it scored. An assessment that is not submitted (still open, or
// scored already) is ErrConflict.
func (tx *Tx) SaveResults(id uuid.UUID, res assessment.Result, scoredAt time.Time) error {
	// Only the status and the employee: the items, key and responses are
	// not needed here.
	var row assessmentRow
	err := tx.db.Select("id", "employee_id", "status").Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Take(&row).Error
	if err != nil {
		return translate(err)
	}
	if row.Status != string(AssessmentSubmitted) {
		return fmt.Errorf("save results: %w: assessment is %s", ErrConflict, row.Status)
	}
	employee, err := storedUUID("assessments.employee_id", row.EmployeeID)
	if err != nil {
		return err
	}
	return tx.SaveResultsOf(Assessment{ID: id, EmployeeID: employee}, res, scoredAt)
}

// SaveResultsOf is SaveResults for a, an assessment the caller has read in
// this transaction: it does not read it again (the scorer's path). The
// update is conditional on the stored status, so an assessment that is no
// longer submitted is ErrConflict all the same.
func (tx *Tx) SaveResultsOf(a Assessment, res assessment.Result, scoredAt time.Time) error {
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("save results: %w", err)
	}
	id := a.ID
	scoredAt = scoredAt.UTC()
	upd := tx.db.Model(&assessmentRow{}).
		Where("tenant_id = ? AND id = ? AND status = ?", tx.tenant.String(), id.String(), string(AssessmentSubmitted)).
		Updates(map[string]any{"status": string(AssessmentScored), "results": string(b), "scored_at": scoredAt, "updated_at": scoredAt})
	if upd.Error != nil {
		return fmt.Errorf("save results: %w", upd.Error)
	}
	if upd.RowsAffected != 1 {
		return fmt.Errorf("save results: %w: assessment is not submitted", ErrConflict)
	}
	rows := make([]resultRow, len(res.Competencies))
	for i, c := range res.Competencies {
		rows[i] = resultRow{TenantID: tx.tenant.String(), AssessmentID: id.String(), EmployeeID: a.EmployeeID.String(),
			CompetencySlug: c.CompetencySlug, Score: c.Score, Level: int(c.Level), RequiredLevel: int(c.RequiredLevel),
			Gap: c.Gap, Confidence: c.Confidence, ScoredAt: scoredAt}
	}
	if len(rows) > 0 {
		if err := tx.db.CreateInBatches(rows, 500).Error; err != nil {
			return fmt.Errorf("save results: %w", translate(err))
		}
	}
	return nil
}

// LatestAssessmentResults returns the per-competency results of the employee's most
// recently scored assessment, in competency-slug order; ErrNotFound when
// none is scored.
func (tx *Tx) LatestAssessmentResults(employeeID uuid.UUID) ([]CompetencyResult, error) {
	var latest resultRow
	err := tx.db.Select("assessment_id", "scored_at").Where("tenant_id = ? AND employee_id = ?", tx.tenant.String(), employeeID.String()).
		Order("scored_at DESC, assessment_id DESC").Take(&latest).Error
	if err != nil {
		return nil, translate(err)
	}
	id, err := storedUUID("assessment_results.assessment_id", latest.AssessmentID)
	if err != nil {
		return nil, err
	}
	return tx.ResultsOf(id)
}

// ResultsOf returns the per-competency result rows of one assessment, in
// competency-slug order (none before it is scored).
func (tx *Tx) ResultsOf(assessmentID uuid.UUID) ([]CompetencyResult, error) {
	var rows []resultRow
	err := tx.db.Where("tenant_id = ? AND assessment_id = ?", tx.tenant.String(), assessmentID.String()).Order("competency_slug").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("assessment results: %w", err)
	}
	return convertRows(rows, resultRow.toResult)
}
