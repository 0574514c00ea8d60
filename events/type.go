package events

import (
	"fmt"
	"strings"
)

// Type is a CloudEvents type of Cadre, "cadre.<aggregate>.<verb>". A Type
// obtained from ParseType or from the constants below is always known.
type Type string

// Cadre's event types (DESIGN §5).
const (
	TypeTenantCreated       Type = "cadre.tenant.created"
	TypeTenantDeleted       Type = "cadre.tenant.deleted"
	TypeDocumentUploaded    Type = "cadre.document.uploaded"
	TypeDocumentDeleted     Type = "cadre.document.deleted"
	TypeValuesUpdated       Type = "cadre.values.updated"
	TypeLibraryChanged      Type = "cadre.library.changed"
	TypeLibraryRebuilt      Type = "cadre.library.rebuilt"
	TypeEmployeeCreated     Type = "cadre.employee.created"
	TypeEmployeeUpdated     Type = "cadre.employee.updated"
	TypeEmployeeDeleted     Type = "cadre.employee.deleted"
	TypeAssessmentSubmitted Type = "cadre.assessment.submitted"
	TypeAssessmentScored    Type = "cadre.assessment.scored"
	TypeAssessmentReviewed  Type = "cadre.assessment.reviewed"
	TypePlanUpdated         Type = "cadre.plan.updated"
)

// typePrefix starts every Cadre type and every Cadre subject.
const typePrefix = "cadre."

// Types lists every known event type, in a stable order.
func Types() []Type {
	return []Type{
		TypeTenantCreated, TypeTenantDeleted,
		TypeDocumentUploaded, TypeDocumentDeleted,
		TypeValuesUpdated,
		TypeLibraryChanged, TypeLibraryRebuilt,
		TypeEmployeeCreated, TypeEmployeeUpdated, TypeEmployeeDeleted,
		TypeAssessmentSubmitted, TypeAssessmentScored, TypeAssessmentReviewed,
		TypePlanUpdated,
	}
}

// ParseType returns s as a Type if it is one of Cadre's event types.
func ParseType(s string) (Type, error) {
	t := Type(s)
	if _, ok := payloadFactories[t]; !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownType, s)
	}
	return t, nil
}

// Aggregate returns the aggregate part of the type: "document" for
// "cadre.document.uploaded".
func (t Type) Aggregate() string {
	agg, _ := t.split()
	return agg
}

// Verb returns the verb part of the type: "uploaded" for
// "cadre.document.uploaded".
func (t Type) Verb() string {
	_, verb := t.split()
	return verb
}

// String returns the CloudEvents type string.
func (t Type) String() string { return string(t) }

func (t Type) split() (aggregate, verb string) {
	rest, ok := strings.CutPrefix(string(t), typePrefix)
	if !ok {
		return "", ""
	}
	aggregate, verb, _ = strings.Cut(rest, ".")
	return aggregate, verb
}
