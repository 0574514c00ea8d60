package auth_test

import (
	"errors"
	"testing"

	"github.com/cadrehq/cadre/tenants/auth"
)

func TestFromHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		header  string
		want    string
		wantErr bool
	}{
		{"bearer", "Bearer abc.def.ghi", "abc.def.ghi", false},
		{"lower case scheme", "bearer abc.def.ghi", "abc.def.ghi", false},
		{"upper case scheme", "BEARER abc.def.ghi", "abc.def.ghi", false},
		{"extra spaces", "  Bearer   abc.def.ghi  ", "abc.def.ghi", false},
		{"empty", "", "", true},
		{"scheme only", "Bearer", "", true},
		{"scheme and space", "Bearer ", "", true},
		{"basic", "Basic dXNlcjpwYXNz", "", true},
		{"no scheme", "abc.def.ghi", "", true},
		{"two tokens", "Bearer abc def", "", true},
		{"bearer prefix of another scheme", "Bearerx abc", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := auth.FromHeader(tt.header)
			if tt.wantErr {
				if !errors.Is(err, auth.ErrUnauthenticated) {
					t.Errorf("FromHeader(%q) = %q, %v; want error wrapping %v", tt.header, got, err, auth.ErrUnauthenticated)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("FromHeader(%q) = %q, %v; want %q, nil", tt.header, got, err, tt.want)
			}
		})
	}
}
