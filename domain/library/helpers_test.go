package library_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/domain/text/extract"
)

// readDoc reads a Markdown file and extracts its text as the API would,
// naming it prefix/basename.
func readDoc(t testing.TB, prefix, path string) library.Document {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	ex, err := extract.Extract(extract.TypeMarkdown, b, extract.DefaultLimits())
	if err != nil {
		t.Fatalf("extract %s: %v", path, err)
	}
	base := filepath.Base(path)
	return library.Document{ID: prefix + "/" + base, Title: strings.TrimSuffix(base, filepath.Ext(base)), Text: ex.Text}
}
