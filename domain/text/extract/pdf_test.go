package extract_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/text/extract"
)

func TestExtractPDF(t *testing.T) {
	t.Parallel()
	doc := buildPDF(t,
		[]string{"Site Reliability Engineer", "Owns incident response and on-call rotations."},
		[]string{"Writes postmortems and mentors peers."},
	)
	got, err := extract.Extract("application/pdf", doc, extract.DefaultLimits())
	if err != nil {
		t.Fatalf("Extract: got error %v, want nil", err)
	}
	for _, want := range []string{"Site Reliability Engineer", "Owns incident response and on-call rotations.", "Writes postmortems and mentors peers."} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("Extract text %q: want it to contain %q", got.Text, want)
		}
	}
	if got.Format != extract.FormatPDF {
		t.Errorf("Extract format: got %q, want %q", got.Format, extract.FormatPDF)
	}
}

func TestExtractPDFErrors(t *testing.T) {
	t.Parallel()
	one := buildPDF(t, []string{"hello world"})
	three := buildPDF(t, []string{"a"}, []string{"b"}, []string{"c"})
	tests := []struct {
		name string
		data []byte
		lim  extract.Limits
		want error
	}{
		{"truncated", one[:len(one)*2/3], extract.Limits{}, extract.ErrUnreadable},
		{"header only", []byte("%PDF-1.4\n"), extract.Limits{}, extract.ErrUnreadable},
		{"garbage after header", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"), extract.Limits{}, extract.ErrUnreadable},
		{"too many pages", three, extract.Limits{MaxPDFPages: 2}, extract.ErrTooLarge},
		{"at page limit", three, extract.Limits{MaxPDFPages: 3}, nil},
		{"blank page", buildPDF(t, []string{}), extract.Limits{}, extract.ErrUnreadable},
		{"content over decompressed limit", one, extract.Limits{MaxDecompressedBytes: 10}, extract.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := extract.Extract(extract.TypePDF, tt.data, tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract: got error %v, want %v", err, tt.want)
			}
		})
	}
}
