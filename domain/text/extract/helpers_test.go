package extract_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

// docxXML wraps paragraphs (each a list of runs) in a WordprocessingML body.
func docxXML(paragraphs ...[]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`)
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paragraphs {
		b.WriteString("<w:p>")
		for _, r := range p {
			switch r {
			case "\t":
				b.WriteString("<w:r><w:tab/></w:r>")
			case "\n":
				b.WriteString("<w:r><w:br/></w:r>")
			default:
				fmt.Fprintf(&b, `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, html.EscapeString(r))
			}
		}
		b.WriteString("</w:p>")
	}
	b.WriteString("</w:body></w:document>")
	return b.String()
}

// buildDOCX returns a minimal but real DOCX archive around document.xml.
func buildDOCX(t testing.TB, documentXML string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", documentXML},
	}
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatalf("create %s: %v", f.name, err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			t.Fatalf("write %s: %v", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

// buildPDF returns a real PDF with one page per entry of pages, each page
// holding the given lines.
func buildPDF(t testing.TB, pages ...[]string) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCompression(true)
	doc.SetFont("Helvetica", "", 12)
	for _, lines := range pages {
		doc.AddPage()
		for _, l := range lines {
			doc.Cell(0, 8, l)
			doc.Ln(10)
		}
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatalf("build pdf: %v", err)
	}
	return buf.Bytes()
}
