package library_test

import (
	"archive/zip"
	"bytes"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/domain/text/extract"
)

// formatText is the handbook text each test format carries, one paragraph
// per entry.
var formatText = []string{
	"Site Reliability Engineer",
	"Our engineers run every service on Kubernetes and describe the infrastructure in Terraform.",
	"The on-call engineer manages every incident and outage, and writes a blameless postmortem with the root cause.",
	"Prometheus alerting and Grafana dashboards give us observability of every deployment.",
}

// docx returns a real DOCX with one paragraph per entry of paras.
func docx(t testing.TB, paras []string) []byte {
	t.Helper()
	var body strings.Builder
	body.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paras {
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + html.EscapeString(p) + `</w:t></w:r></w:p>`)
	}
	body.WriteString(`</w:body></w:document>`)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", body.String()},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdf returns a real PDF with one line per entry of lines.
func pdf(t testing.TB, lines []string) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetFont("Helvetica", "", 11)
	doc.AddPage()
	// The core fonts are Windows-1252: translate, so that quotes and
	// dashes survive the round trip.
	tr := doc.UnicodeTranslatorFromDescriptor("")
	for _, l := range lines {
		doc.Cell(0, 8, tr(l))
		doc.Ln(12)
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// citedDocuments returns the ids of the documents some competency cites.
func citedDocuments(lib library.Library) map[string]bool {
	out := map[string]bool{}
	for _, c := range lib.Competencies {
		for _, e := range c.Evidence {
			if e.DocumentID != "" {
				out[e.DocumentID] = true
			}
		}
	}
	return out
}

// checkOffsets checks that every evidence excerpt is its document's text
// at its offsets.
func checkOffsets(t *testing.T, lib library.Library, docs []library.Document) {
	t.Helper()
	texts := map[string]string{}
	for _, d := range docs {
		texts[d.ID] = d.Text
	}
	for _, c := range lib.Competencies {
		for _, e := range c.Evidence {
			if e.DocumentID == "" {
				continue
			}
			if text := texts[e.DocumentID]; e.Start < 0 || e.End > len(text) || e.Start >= e.End || text[e.Start:e.End] != e.Excerpt {
				t.Errorf("%s: evidence [%d,%d) of %s does not slice to %q", c.Slug, e.Start, e.End, e.DocumentID, e.Excerpt)
			}
		}
	}
}

func TestBuildFromDOCXAndPDF(t *testing.T) {
	t.Parallel()
	files := []struct{ id, ct string }{
		{"handbook.docx", extract.TypeDOCX},
		{"handbook.pdf", extract.TypePDF},
	}
	data := map[string][]byte{"handbook.docx": docx(t, formatText), "handbook.pdf": pdf(t, formatText)}
	for _, f := range files {
		ex, err := extract.Extract(f.ct, data[f.id], extract.DefaultLimits())
		if err != nil {
			t.Fatalf("%s: Extract: %v", f.id, err)
		}
		docs := []library.Document{{ID: f.id, Title: f.id, Text: ex.Text}}
		lib := mustBuild(t, library.Inputs{Industry: "technology", Documents: docs})
		checkOffsets(t, lib, docs)
		for _, slug := range []string{"containers-orchestration", "infrastructure-as-code", "incident-management", "root-cause-analysis", "monitoring-performance-tuning"} {
			c, ok := lib.Competency(slug)
			if !ok || len(c.Evidence) == 0 || c.Evidence[0].DocumentID != f.id {
				t.Errorf("%s: %s = %v with evidence %v, want it cited from the document", f.id, slug, ok, excerpts(c.Evidence))
			}
		}
		if _, ok := lib.Framework("devops-engineer"); !ok {
			t.Errorf("%s: frameworks %v, want devops-engineer named by the heading", f.id, roleSlugs(lib))
		}
	}
}

// sharedCorpus holds the project's real company documents.
const sharedCorpus = "/work/shared/corpus"

func TestBuildFromRealCorpus(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(sharedCorpus); err != nil {
		t.Skipf("shared corpus not available: %v", err)
	}
	var docs []library.Document
	err := filepath.WalkDir(sharedCorpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "LICENSES" {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() == "SOURCES.md" {
			return nil
		}
		ct, err := extract.NormalizeContentType("", path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ex, err := extract.Extract(ct, b, extract.DefaultLimits())
		if err != nil {
			t.Errorf("%s: Extract: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(sharedCorpus, path)
		docs = append(docs, library.Document{ID: rel, Title: d.Name(), Text: ex.Text})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 10 {
		t.Fatalf("read %d documents, want the corpus's", len(docs))
	}
	lib := mustBuild(t, library.Inputs{Industry: "finance", Documents: docs})
	checkOffsets(t, lib, docs)
	cited := citedDocuments(lib)
	for _, d := range docs {
		if !cited[d.ID] {
			t.Errorf("%s: no competency cites it, want every document to yield evidence", d.ID)
		}
		// Each document alone yields evidence too.
		one := mustBuild(t, library.Inputs{Industry: "finance", Documents: []library.Document{d}})
		if !citedDocuments(one)[d.ID] {
			t.Errorf("%s alone: no evidence", d.ID)
		}
	}
	t.Logf("%d documents, %d competencies, frameworks %v", len(docs), len(lib.Competencies), roleSlugs(lib))
}
