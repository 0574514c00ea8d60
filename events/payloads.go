package events

import "github.com/cadrehq/cadre/domain/plan"

// The payloads below carry ids, names and numbers, never document text or
// free-text answers: analysts read the stream (DESIGN §1). Fields that bump
// the tenant's context revision carry the new revision, so that the library
// worker can coalesce a burst of changes (DESIGN §5).

// TenantCreated is the data of cadre.tenant.created.
type TenantCreated struct {
	Name     string `json:"name"`
	Slug     string `json:"slug"`
	Industry string `json:"industry"`
}

// TenantDeleted is the data of cadre.tenant.deleted; the tenant's data and
// events are being erased.
type TenantDeleted struct {
	Slug string `json:"slug"`
}

// DocumentUploaded is the data of cadre.document.uploaded.
type DocumentUploaded struct {
	DocumentID      string `json:"document_id"`
	Title           string `json:"title"`
	ContentType     string `json:"content_type"`
	SizeBytes       int64  `json:"size_bytes"`
	SHA256          string `json:"sha256"`
	ContextRevision int64  `json:"context_revision"`
}

// DocumentDeleted is the data of cadre.document.deleted.
type DocumentDeleted struct {
	DocumentID      string `json:"document_id"`
	ContextRevision int64  `json:"context_revision"`
}

// ValuesUpdated is the data of cadre.values.updated: the names of the
// company's values after the change.
type ValuesUpdated struct {
	Values          []string `json:"values"`
	ContextRevision int64    `json:"context_revision"`
}

// LibraryChanged is the data of cadre.library.changed, an admin override.
// Change is one of "created", "edited", "approved", "restored" (a retired
// competency made active again), "retired", "pinned", "unpinned", or
// "rebuild" (POST /v1/library/rebuild; Slug is empty). One curation write
// that makes several kinds of change emits one event per kind.
type LibraryChanged struct {
	Slug            string `json:"slug"`
	Change          string `json:"change"`
	ContextRevision int64  `json:"context_revision"`
}

// LibraryRebuilt is the data of cadre.library.rebuilt: a new library version
// and how it differs from the previous one.
type LibraryRebuilt struct {
	Version         int    `json:"version"`
	Digest          string `json:"digest"`
	ContextRevision int64  `json:"context_revision"`
	Added           int    `json:"added"`
	Removed         int    `json:"removed"`
	Changed         int    `json:"changed"`
}

// EmployeeCreated is the data of cadre.employee.created.
type EmployeeCreated struct {
	EmployeeID      string `json:"employee_id"`
	Role            string `json:"role"`
	Tier            string `json:"tier"`
	Team            string `json:"team,omitempty"`
	ManagerID       string `json:"manager_id,omitempty"`
	ContextRevision int64  `json:"context_revision"`
}

// EmployeeUpdated is the data of cadre.employee.updated; Changed names the
// fields that changed (e.g. "role", "tier").
type EmployeeUpdated struct {
	EmployeeID      string   `json:"employee_id"`
	Role            string   `json:"role"`
	Tier            string   `json:"tier"`
	Team            string   `json:"team,omitempty"`
	ManagerID       string   `json:"manager_id,omitempty"`
	Changed         []string `json:"changed"`
	ContextRevision int64    `json:"context_revision"`
}

// EmployeeDeleted is the data of cadre.employee.deleted.
type EmployeeDeleted struct {
	EmployeeID      string `json:"employee_id"`
	ContextRevision int64  `json:"context_revision"`
}

// AssessmentSubmitted is the data of cadre.assessment.submitted.
type AssessmentSubmitted struct {
	AssessmentID   string `json:"assessment_id"`
	EmployeeID     string `json:"employee_id"`
	LibraryVersion int    `json:"library_version"`
	Tier           string `json:"tier"`
}

// AssessmentScored is the data of cadre.assessment.scored.
type AssessmentScored struct {
	AssessmentID   string             `json:"assessment_id"`
	EmployeeID     string             `json:"employee_id"`
	LibraryVersion int                `json:"library_version"`
	Tier           string             `json:"tier"`
	Results        []CompetencyResult `json:"results"`
}

// CompetencyResult is one competency's score in AssessmentScored.
type CompetencyResult struct {
	CompetencySlug string  `json:"competency_slug"`
	Score          float64 `json:"score"`
	Level          int     `json:"level"`
	RequiredLevel  int     `json:"required_level"`
	Gap            int     `json:"gap"`
	Confidence     float64 `json:"confidence"`
}

// AssessmentReviewed is the data of cadre.assessment.reviewed: a manager
// (or an admin) rated the employee per competency once the assessment was
// scored. It carries the levels only: the reviewer's comments are free
// text, which events never carry.
type AssessmentReviewed struct {
	AssessmentID string `json:"assessment_id"`
	EmployeeID   string `json:"employee_id"`
	// Reviewer is the token subject of who reviewed.
	Reviewer string         `json:"reviewer"`
	Ratings  []ReviewRating `json:"ratings"`
}

// ReviewRating is the level a reviewer gave one competency in
// AssessmentReviewed.
type ReviewRating struct {
	CompetencySlug string `json:"competency_slug"`
	Level          int    `json:"level"`
}

// PlanUpdated is the data of cadre.plan.updated: a new version of an
// employee's development plan, or an item of the current version updated by
// the employee (Cause PlanCauseItem, same Version); Items counts its items,
// Open those neither done nor closed and Closed the closed ones.
type PlanUpdated struct {
	EmployeeID     string `json:"employee_id"`
	Version        int    `json:"version"`
	TargetTier     string `json:"target_tier"`
	LibraryVersion int    `json:"library_version"`
	AssessmentID   string `json:"assessment_id,omitempty"`
	Items          int    `json:"items"`
	Open           int    `json:"open"`
	Closed         int    `json:"closed"`
	// Cause is what changed the plan: one of the PlanCause constants.
	Cause string `json:"cause"`
}

// NewPlanUpdated is the plan.updated data of p, changed for cause (one of
// the PlanCause constants).
func NewPlanUpdated(p plan.Plan, cause string) PlanUpdated {
	closed := 0
	for _, it := range p.Items {
		if it.Status == plan.Closed {
			closed++
		}
	}
	return PlanUpdated{EmployeeID: p.EmployeeID, Version: p.Version, TargetTier: p.TargetTier.String(),
		LibraryVersion: p.Basis.LibraryVersion, AssessmentID: p.Basis.AssessmentID, Items: len(p.Items), Open: p.Open(),
		Closed: closed, Cause: cause}
}

// The causes of a plan.updated event.
const (
	// PlanCauseAssessment: an assessment of the employee was scored.
	PlanCauseAssessment = "assessment"
	// PlanCauseLibrary: the tenant's library changed.
	PlanCauseLibrary = "library"
	// PlanCauseEmployee: the employee was created, or their role, tier or
	// target tier changed.
	PlanCauseEmployee = "employee"
	// PlanCauseItem: the employee changed an item's status or note.
	PlanCauseItem = "item"
)

// EventType implements Payload.
func (TenantCreated) EventType() Type { return TypeTenantCreated }

// EventType implements Payload.
func (TenantDeleted) EventType() Type { return TypeTenantDeleted }

// EventType implements Payload.
func (DocumentUploaded) EventType() Type { return TypeDocumentUploaded }

// EventType implements Payload.
func (DocumentDeleted) EventType() Type { return TypeDocumentDeleted }

// EventType implements Payload.
func (ValuesUpdated) EventType() Type { return TypeValuesUpdated }

// EventType implements Payload.
func (LibraryChanged) EventType() Type { return TypeLibraryChanged }

// EventType implements Payload.
func (LibraryRebuilt) EventType() Type { return TypeLibraryRebuilt }

// EventType implements Payload.
func (EmployeeCreated) EventType() Type { return TypeEmployeeCreated }

// EventType implements Payload.
func (EmployeeUpdated) EventType() Type { return TypeEmployeeUpdated }

// EventType implements Payload.
func (EmployeeDeleted) EventType() Type { return TypeEmployeeDeleted }

// EventType implements Payload.
func (AssessmentSubmitted) EventType() Type { return TypeAssessmentSubmitted }

// EventType implements Payload.
func (AssessmentScored) EventType() Type { return TypeAssessmentScored }

// EventType implements Payload.
func (AssessmentReviewed) EventType() Type { return TypeAssessmentReviewed }

// EventType implements Payload.
func (PlanUpdated) EventType() Type { return TypePlanUpdated }
