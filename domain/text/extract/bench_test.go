package extract_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/text/extract"
)

// benchParagraphs returns n paragraphs of realistic handbook prose.
func benchParagraphs(n int) []string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("Paragraph %d: engineers own incident response, write postmortems, review code and mentor peers; e.g. they improve observability by 5.5%% each quarter.", i)
	}
	return ps
}

func BenchmarkExtract(b *testing.B) {
	ps := benchParagraphs(2000)
	var lines [][]string
	for i := 0; i < len(ps); i += 40 {
		lines = append(lines, ps[i:i+40])
	}
	runs := make([][]string, len(ps))
	for i, p := range ps {
		runs[i] = []string{p}
	}
	var md, htm strings.Builder
	for i, p := range ps {
		fmt.Fprintf(&md, "## Section %d\n\n- **%s** see [docs](https://x/%d)\n\n", i, p, i)
		fmt.Fprintf(&htm, "<h2>Section %d</h2><ul><li><b>%s</b> see <a href=\"https://x/%d\">docs</a></li></ul>\n", i, p, i)
	}
	cases := []struct {
		name, ct string
		data     []byte
	}{
		{"plain", extract.TypePlain, []byte(strings.Join(ps, "\n\n"))},
		{"markdown", extract.TypeMarkdown, []byte(md.String())},
		{"html", extract.TypeHTML, []byte(htm.String())},
		{"pdf", extract.TypePDF, buildPDF(b, lines...)},
		{"docx", extract.TypeDOCX, buildDOCX(b, docxXML(runs...))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			// MB/s is per input byte (compressed for DOCX and PDF);
			// text-MB/s is per byte of extracted text, comparable across
			// formats.
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			var text int
			for b.Loop() {
				got, err := extract.Extract(c.ct, c.data, extract.DefaultLimits())
				if err != nil {
					b.Fatal(err)
				}
				text = len(got.Text)
			}
			if s := b.Elapsed().Seconds(); s > 0 {
				b.ReportMetric(float64(text)*float64(b.N)/s/1e6, "text-MB/s")
			}
		})
	}
}
