package tenant_test

import (
	"errors"
	"testing"

	"github.com/cadrehq/cadre/domain/tenant"
)

func TestParseID(t *testing.T) {
	t.Parallel()
	id := tenant.NewID()
	tests := []struct {
		name    string
		in      string
		want    tenant.ID
		wantErr bool
	}{
		{name: "canonical", in: id.String(), want: id},
		{name: "empty", in: "", wantErr: true},
		{name: "nil uuid", in: "00000000-0000-0000-0000-000000000000", wantErr: true},
		{name: "braces", in: "{" + id.String() + "}", wantErr: true},
		{name: "urn", in: "urn:uuid:" + id.String(), wantErr: true},
		{name: "not a uuid", in: "acme", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tenant.ParseID(tt.in)
			if tt.wantErr {
				if !errors.Is(err, tenant.ErrInvalidID) {
					t.Errorf("ParseID(%q) error = %v, want ErrInvalidID", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseID(%q) = %v, %v, want %v, nil", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestIDZero(t *testing.T) {
	t.Parallel()
	if !(tenant.ID{}).IsZero() {
		t.Error("zero ID: IsZero() = false, want true")
	}
	if id := tenant.NewID(); id.IsZero() || id.UUID().Version() != 7 {
		t.Errorf("NewID() = %v (version %d), want a non-zero UUIDv7", id, id.UUID().Version())
	}
}
