package events_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/google/go-cmp/cmp"
)

func TestNewRoundTrip(t *testing.T) {
	t.Parallel()
	tenant := tenants.NewID()
	now := time.Date(2026, 3, 1, 13, 14, 15, 123456789, time.FixedZone("CET", 3600))
	payload := events.LibraryRebuilt{Version: 3, Digest: "sha256:abc", ContextRevision: 7, Added: 2, Removed: 1, Changed: 4}
	e, err := events.New(tenant, events.TypeLibraryRebuilt, "library", payload, now)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got, want := e.Time, now.UTC(); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Time = %v, want %v in UTC", got, want)
	}
	if got, want := e.Source, "/tenants/"+tenant.String(); got != want {
		t.Errorf("Source = %q, want %q", got, want)
	}
	if got, want := e.Subject(), "cadre."+tenant.String()+".library.rebuilt"; got != want {
		t.Errorf("Subject() = %q, want %q", got, want)
	}
	if got := e.Tenant(); got != tenant {
		t.Errorf("Tenant() = %s, want %s", got, tenant)
	}

	wire := mustJSON(t, e)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(wire, &fields); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	wantKeys := []string{"data", "datacontenttype", "id", "source", "specversion", "subject", "tenantid", "time", "type"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("wire keys (-want +got):\n%s", diff)
	}
	if got, want := string(fields["time"]), `"2026-03-01T12:14:15.123456789Z"`; got != want {
		t.Errorf("wire time = %s, want %s", got, want)
	}

	back, err := events.Parse(wire)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if diff := cmp.Diff(e, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	p, err := back.Payload()
	if err != nil {
		t.Fatalf("Payload: %v", err)
	}
	if diff := cmp.Diff(&payload, p); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	tenant := tenants.NewID()
	now := time.Now()
	tests := []struct {
		name    string
		typ     events.Type
		subject string
		data    any
		want    error
	}{
		{"payload of another type", events.TypeDocumentDeleted, "d1", events.DocumentUploaded{}, events.ErrTypeMismatch},
		{"payload pointer of another type", events.TypeDocumentDeleted, "d1", &events.PlanUpdated{}, events.ErrTypeMismatch},
		{"nil data", events.TypeDocumentDeleted, "d1", nil, events.ErrInvalidEvent},
		{"invalid raw data", events.TypeDocumentDeleted, "d1", json.RawMessage(`{"a":`), events.ErrInvalidEvent},
		{"unknown type", events.Type("cadre.document.exploded"), "d1", json.RawMessage(`{}`), events.ErrInvalidEvent},
		{"empty subject", events.TypeDocumentDeleted, "", events.DocumentDeleted{}, events.ErrInvalidEvent},
	}
	for _, tt := range tests {
		_, err := events.New(tenant, tt.typ, tt.subject, tt.data, now)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: New error = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := events.New(tenants.ID{}, events.TypeDocumentDeleted, "d1", events.DocumentDeleted{}, now); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("zero tenant: New error = %v, want ErrInvalidEvent", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	valid := newEvent(t, tenants.NewID(), 1)
	other := tenants.NewID()
	tests := []struct {
		name   string
		change func(e *events.Event)
		want   string // in the error; "" for valid
	}{
		{"valid", func(*events.Event) {}, ""},
		{"spec version", func(e *events.Event) { e.SpecVersion = "0.3" }, "specversion"},
		{"uuidv4 id", func(e *events.Event) { e.ID = "7d444840-9dc0-41d4-a716-446655440000" }, "uuidv7"},
		{"garbage id", func(e *events.Event) { e.ID = "x" }, "uuidv7"},
		{"source of another tenant", func(e *events.Event) { e.Source = "/tenants/" + other.String() }, "source"},
		{"bad tenantid", func(e *events.Event) { e.TenantID = "acme" }, "tenantid"},
		{"unknown type", func(e *events.Event) { e.Type = "cadre.thing.happened" }, "type"},
		{"no subject", func(e *events.Event) { e.Resource = "" }, "subject"},
		{"zero time", func(e *events.Event) { e.Time = time.Time{} }, "time"},
		{"content type", func(e *events.Event) { e.DataContentType = "text/plain" }, "datacontenttype"},
		{"no data", func(e *events.Event) { e.Data = nil }, "data"},
		{"bad data", func(e *events.Event) { e.Data = json.RawMessage("{") }, "data"},
		{"array data", func(e *events.Event) { e.Data = json.RawMessage("[1]") }, "data"},
	}
	for _, tt := range tests {
		e := valid
		tt.change(&e)
		err := e.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		case tt.want != "" && (!errors.Is(err, events.ErrInvalidEvent) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v, want ErrInvalidEvent mentioning %q", tt.name, err, tt.want)
		}
		if wire, err := json.Marshal(e); err == nil && tt.want != "" {
			if _, err := events.Parse(wire); !errors.Is(err, events.ErrInvalidEvent) {
				t.Errorf("%s: Parse error = %v, want ErrInvalidEvent", tt.name, err)
			}
		}
	}
	if _, err := events.Parse([]byte("not json")); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("Parse(not json) error = %v, want ErrInvalidEvent", err)
	}
}

func TestNewOutboxRecord(t *testing.T) {
	t.Parallel()
	tenant := tenants.NewID()
	e := newEvent(t, tenant, 2)
	rec, err := events.NewOutboxRecord(e)
	if err != nil {
		t.Fatalf("NewOutboxRecord: %v", err)
	}
	want := events.OutboxRecord{ID: e.ID, Tenant: tenant, Subject: e.Subject(), Type: events.TypeDocumentUploaded, Payload: mustJSON(t, e)}
	if diff := cmp.Diff(want, rec); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	e.ID = ""
	if _, err := events.NewOutboxRecord(e); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("invalid event: error = %v, want ErrInvalidEvent", err)
	}
}
