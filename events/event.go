package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cadrehq/cadre/domain/tenant"
	"github.com/google/uuid"
)

// CloudEvents constants used by every Cadre event.
const (
	// SpecVersion is the CloudEvents specification version.
	SpecVersion = "1.0"
	// ContentType is the content type of every event's data.
	ContentType = "application/json"
	// sourcePrefix starts the source of every event.
	sourcePrefix = "/tenants/"
)

// Event is a CloudEvents 1.0 event in structured JSON mode. The CloudEvents
// `subject` attribute (the id of the resource the event is about) is the
// field Resource, because the method Subject returns the NATS subject.
type Event struct {
	// SpecVersion is always "1.0".
	SpecVersion string `json:"specversion"`
	// ID is a UUIDv7, unique per event; it is also the Nats-Msg-Id.
	ID string `json:"id"`
	// Source is "/tenants/{tenant_id}".
	Source string `json:"source"`
	// Type is "cadre.<aggregate>.<verb>".
	Type Type `json:"type"`
	// Resource is the CloudEvents subject: the id of the resource.
	Resource string `json:"subject"`
	// Time is when the change happened, in UTC (RFC 3339 on the wire).
	Time time.Time `json:"time"`
	// DataContentType is always "application/json".
	DataContentType string `json:"datacontenttype"`
	// TenantID is the CloudEvents extension `tenantid`.
	TenantID string `json:"tenantid"`
	// Data is the JSON payload, one of the payload types of this package.
	Data json.RawMessage `json:"data"`
}

// New builds a valid event of type typ about the resource subject of the
// tenant, with a fresh UUIDv7 id and the time now (in UTC). data is marshaled
// to JSON unless it is already a json.RawMessage; a Payload of another type
// than typ is refused.
func New(tid tenant.ID, typ Type, subject string, data any, now time.Time) (Event, error) {
	if p, ok := data.(Payload); ok && p.EventType() != typ {
		return Event{}, fmt.Errorf("new event: %w: %T for %s", ErrTypeMismatch, data, typ)
	}
	var raw json.RawMessage
	switch d := data.(type) {
	case json.RawMessage:
		raw = d
	case nil:
		return Event{}, fmt.Errorf("new event: %w: no data", ErrInvalidEvent)
	default:
		b, err := json.Marshal(d)
		if err != nil {
			return Event{}, fmt.Errorf("new event: marshal data: %w", err)
		}
		raw = b
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Event{}, fmt.Errorf("new event: id: %w", err)
	}
	e := Event{
		SpecVersion:     SpecVersion,
		ID:              id.String(),
		Source:          sourcePrefix + tid.String(),
		Type:            typ,
		Resource:        subject,
		Time:            now.UTC(),
		DataContentType: ContentType,
		TenantID:        tid.String(),
		Data:            raw,
	}
	if err := e.Validate(); err != nil {
		return Event{}, fmt.Errorf("new event: %w", err)
	}
	return e, nil
}

// Parse decodes a structured-mode CloudEvent and validates it.
func Parse(b []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(b, &e); err != nil {
		return Event{}, fmt.Errorf("parse event: %w: %w", ErrInvalidEvent, err)
	}
	if err := e.Validate(); err != nil {
		return Event{}, fmt.Errorf("parse event: %w", err)
	}
	return e, nil
}

// Validate checks the envelope: spec version, a UUIDv7 id, a known type, a
// tenant id that matches the source, a resource, a time, the content type
// and a JSON object as data. Every error wraps ErrInvalidEvent.
func (e Event) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidEvent}, args...)...))
	}
	if e.SpecVersion != SpecVersion {
		bad("specversion %q", e.SpecVersion)
	}
	if id, err := uuid.Parse(e.ID); err != nil || id.Version() != 7 || len(e.ID) != 36 {
		bad("id %q is not a uuidv7", e.ID)
	}
	tid, err := tenant.ParseID(e.TenantID)
	if err != nil {
		bad("tenantid %q", e.TenantID)
	} else if e.Source != sourcePrefix+tid.String() {
		bad("source %q does not match tenantid %q", e.Source, e.TenantID)
	}
	if _, err := ParseType(string(e.Type)); err != nil {
		bad("type %q", e.Type)
	}
	if e.Resource == "" {
		bad("empty subject")
	}
	if e.Time.IsZero() {
		bad("zero time")
	}
	if e.DataContentType != ContentType {
		bad("datacontenttype %q", e.DataContentType)
	}
	if d := bytes.TrimSpace(e.Data); len(d) == 0 || d[0] != '{' || !json.Valid(d) {
		bad("data is not a json object")
	}
	return errors.Join(errs...)
}

// Tenant returns the tenant of the event, zero if TenantID is not valid.
func (e Event) Tenant() tenant.ID {
	id, err := tenant.ParseID(e.TenantID)
	if err != nil {
		return tenant.ID{}
	}
	return id
}

// Subject returns the NATS subject of the event:
// "cadre.{tenant_id}.{aggregate}.{verb}".
func (e Event) Subject() string {
	return typePrefix + e.TenantID + "." + e.Type.Aggregate() + "." + e.Type.Verb()
}

// DecodeData unmarshals the event's data into v, typically a pointer to the
// payload type of e.Type (see NewPayload).
func (e Event) DecodeData(v any) error {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("decode %s data: %w", e.Type, err)
	}
	return nil
}

// Payload decodes the event's data into a fresh value of its payload type
// and returns a pointer to it (e.g. *DocumentUploaded).
func (e Event) Payload() (Payload, error) {
	p, err := NewPayload(e.Type)
	if err != nil {
		return nil, err
	}
	if err := e.DecodeData(p); err != nil {
		return nil, err
	}
	return p, nil
}
