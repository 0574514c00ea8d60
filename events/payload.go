package events

import "fmt"

// Payload is the data of one event type. Every payload type of this package
// implements it, by value and by pointer; events/schema/events.json
// describes each one as JSON Schema.
type Payload interface {
	// EventType returns the event type the payload belongs to.
	EventType() Type
}

// payloadFactories maps every known type to a constructor of its zero
// payload; it is also the set of known types.
var payloadFactories = map[Type]func() Payload{
	TypeTenantCreated:       func() Payload { return &TenantCreated{} },
	TypeTenantDeleted:       func() Payload { return &TenantDeleted{} },
	TypeDocumentUploaded:    func() Payload { return &DocumentUploaded{} },
	TypeDocumentDeleted:     func() Payload { return &DocumentDeleted{} },
	TypeValuesUpdated:       func() Payload { return &ValuesUpdated{} },
	TypeLibraryChanged:      func() Payload { return &LibraryChanged{} },
	TypeLibraryRebuilt:      func() Payload { return &LibraryRebuilt{} },
	TypeEmployeeCreated:     func() Payload { return &EmployeeCreated{} },
	TypeEmployeeUpdated:     func() Payload { return &EmployeeUpdated{} },
	TypeEmployeeDeleted:     func() Payload { return &EmployeeDeleted{} },
	TypeAssessmentSubmitted: func() Payload { return &AssessmentSubmitted{} },
	TypeAssessmentScored:    func() Payload { return &AssessmentScored{} },
	TypeAssessmentReviewed:  func() Payload { return &AssessmentReviewed{} },
	TypePlanUpdated:         func() Payload { return &PlanUpdated{} },
}

// NewPayload returns a pointer to a zero payload of type t, ready to decode
// an event's data into.
func NewPayload(t Type) (Payload, error) {
	f, ok := payloadFactories[t]
	if !ok {
		return nil, fmt.Errorf("new payload: %w: %q", ErrUnknownType, t)
	}
	return f(), nil
}
