package events_test

import (
	"errors"
	"testing"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
)

func TestParseType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		wantErr   bool
		aggregate string
		verb      string
	}{
		{in: "cadre.document.uploaded", aggregate: "document", verb: "uploaded"},
		{in: "cadre.library.rebuilt", aggregate: "library", verb: "rebuilt"},
		{in: "cadre.values.updated", aggregate: "values", verb: "updated"},
		{in: "cadre.plan.updated", aggregate: "plan", verb: "updated"},
		{in: "cadre.document.exploded", wantErr: true},
		{in: "document.uploaded", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := events.ParseType(tt.in)
		if tt.wantErr {
			if !errors.Is(err, events.ErrUnknownType) {
				t.Errorf("ParseType(%q) error = %v, want ErrUnknownType", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseType(%q): %v", tt.in, err)
			continue
		}
		if got.Aggregate() != tt.aggregate || got.Verb() != tt.verb {
			t.Errorf("ParseType(%q) = %s/%s, want %s/%s", tt.in, got.Aggregate(), got.Verb(), tt.aggregate, tt.verb)
		}
	}
}

func TestTypesAreKnownWithPayloads(t *testing.T) {
	t.Parallel()
	if got, want := len(events.Types()), 14; got != want {
		t.Errorf("len(Types()) = %d, want %d", got, want)
	}
	for _, typ := range events.Types() {
		if _, err := events.ParseType(string(typ)); err != nil {
			t.Errorf("ParseType(%s): %v", typ, err)
		}
		p, err := events.NewPayload(typ)
		if err != nil {
			t.Errorf("NewPayload(%s): %v", typ, err)
			continue
		}
		if got := p.EventType(); got != typ {
			t.Errorf("NewPayload(%s).EventType() = %s, want %s", typ, got, typ)
		}
	}
}

func TestSubjects(t *testing.T) {
	t.Parallel()
	tenant, err := tenants.ParseID("0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7b")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, got, want string
	}{
		{"SubjectFor", events.SubjectFor(tenant, events.TypeDocumentUploaded), "cadre.0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7b.document.uploaded"},
		{"TenantFilter", events.TenantFilter(tenant), "cadre.0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7b.>"},
		{"TypeFilter", events.TypeFilter(events.TypeLibraryRebuilt), "cadre.*.library.rebuilt.*"},
		{"PartitionFilter", events.PartitionFilter(events.TypeLibraryRebuilt, 3), "cadre.*.library.rebuilt.3"},
		{"PartitionDurable", events.PartitionDurable("library", 3), "library-3"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
