package extract_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/cadrehq/cadre/domain/text/extract"
)

// fuzzLimits are small so that fuzzing exercises every limit.
var fuzzLimits = extract.Limits{
	MaxBytes:             1 << 20,
	MaxExtractedChars:    4096,
	MaxPDFPages:          8,
	MaxZipEntries:        16,
	MaxDecompressedBytes: 1 << 20,
}

// checkExtract runs Extract and fails on any outcome outside the contract:
// an error that is not one of the sentinels, or text over the limits.
func checkExtract(t *testing.T, ct string, data []byte) {
	t.Helper()
	got, err := extract.Extract(ct, data, fuzzLimits)
	if err != nil {
		if !errors.Is(err, extract.ErrTooLarge) && !errors.Is(err, extract.ErrUnreadable) && !errors.Is(err, extract.ErrTooComplex) {
			t.Fatalf("Extract: got error %v, want ErrTooLarge, ErrUnreadable or ErrTooComplex", err)
		}
		return
	}
	if n := utf8.RuneCountInString(got.Text); n > fuzzLimits.MaxExtractedChars {
		t.Fatalf("Extract: got %d characters, want at most %d", n, fuzzLimits.MaxExtractedChars)
	}
	if !utf8.ValidString(got.Text) {
		t.Fatalf("Extract: got invalid UTF-8 %q", got.Text)
	}
}

func FuzzPlain(f *testing.F) {
	for _, s := range []string{"hello world", "a\r\nb\n\n\nc", "\xff", "a\x00b", "cafe\u0301 \u2029 x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, extract.TypePlain, data) })
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Title\n\nSome **bold** [link](x) text.",
		"---\ntitle: \"x\"\n---\n- a\n- b",
		"```\ncode\n```\n| a | b |\n|---|---|\n| 1 | 2 |",
		"<!-- c\n-->\n> quote\n\\*x\\*",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, extract.TypeMarkdown, data) })
}

func FuzzHTML(f *testing.F) {
	for _, s := range []string{
		"<html><body><p>Hello <b>world</b></p><script>x</script></body></html>",
		"<ul><li>a<li>b</ul><table><tr><td>1<td>2</table><pre> x\n y</pre>",
		"<p>&amp;&lt;&#x41;</p>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, extract.TypeHTML, data) })
}

func FuzzPDF(f *testing.F) {
	doc := buildPDF(f, []string{"Hello PDF", "second line"}, []string{"page two"})
	f.Add(doc)
	f.Add(doc[:len(doc)/2])
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Pages /Kids [1 0 R] /Count 1 >> endobj\ntrailer << /Root << /Pages 1 0 R >> >>\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, extract.TypePDF, data) })
}

func FuzzDOCX(f *testing.F) {
	f.Add(buildDOCX(f, docxXML([]string{"Hello ", "DOCX"}, []string{"a", "\t", "b", "\n", "c"})))
	f.Add(buildDOCX(f, "<w:document><w:p>"))
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, extract.TypeDOCX, data) })
}
