package text_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/text"
)

func TestClean(t *testing.T) {
	for _, tt := range []struct {
		s             string
		multi, single bool
	}{
		{"plain words", true, true},
		{"tab\tinside", true, true},
		{"two\nlines\r\n", true, false},
		{"nul\x00", false, false},
		{"bell\x07", false, false},
		{"del\x7f", false, false},
		{"bad \xff utf-8", false, false},
		{"", true, true},
	} {
		if got := text.Clean(tt.s, true); got != tt.multi {
			t.Errorf("Clean(%q, true) = %v, want %v", tt.s, got, tt.multi)
		}
		if got := text.Clean(tt.s, false); got != tt.single {
			t.Errorf("Clean(%q, false) = %v, want %v", tt.s, got, tt.single)
		}
	}
}

func TestName(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"Engineering handbook", true},
		{"مرحبا بالعالم", true}, // right-to-left text itself is fine
		{"Zürich office", true},
		{"invoice\u202efdp.exe", false},
		{"isolate \u2067x\u2069", false},
		{"mark \u200f", false},
		{"two\nlines", false},
		{"bad \xff", false},
	} {
		if got := text.Name(tt.s); got != tt.want {
			t.Errorf("Name(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
