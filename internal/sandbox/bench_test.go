package sandbox

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/cadrehq/cadre/domain/text/extract"
)

// BenchmarkExtract compares extracting in process with extracting in a
// child process (this test binary re-executed), for a short HTML page and a
// 20-page PDF: the difference is what the bound costs per upload.
func BenchmarkExtract(b *testing.B) {
	html := []byte("<html><body><h1>Handbook</h1><p>" + strings.Repeat("Our engineers review each other's code. ", 50) + "</p></body></html>")
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetFont("Helvetica", "", 11)
	for p := range 20 {
		doc.AddPage()
		for l := range 30 {
			doc.Cell(0, 8, fmt.Sprintf("Page %d line %d: the quick brown fox jumps over the lazy dog.", p, l))
			doc.Ln(8)
		}
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		b.Fatal(err)
	}
	pool, err := New(Config{Concurrency: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []struct {
		name, ct string
		data     []byte
	}{{"html-2KB", extract.TypeHTML, html}, {fmt.Sprintf("pdf-20pages-%dKB", buf.Len()>>10), extract.TypePDF, buf.Bytes()}} {
		b.Run(d.name+"/in-process", func(b *testing.B) {
			for b.Loop() {
				if _, err := extract.Extract(d.ct, d.data, extract.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(d.name+"/child-process", func(b *testing.B) {
			for b.Loop() {
				if _, err := pool.Extract(b.Context(), d.ct, d.data, extract.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
