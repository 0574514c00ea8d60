package extract_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cadrehq/cadre/domain/text/extract"
)

// corpusDir holds real company documents shared by the project.
const corpusDir = "/work/shared/corpus"

func TestExtractCorpus(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	n := 0
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "LICENSES" {
				return filepath.SkipDir
			}
			return nil
		}
		ct, err := extract.NormalizeContentType("", path)
		if err != nil {
			t.Errorf("%s: NormalizeContentType: %v", path, err)
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := extract.Extract(ct, data, extract.DefaultLimits())
		if err != nil {
			t.Errorf("%s: Extract: got error %v, want nil", path, err)
			return nil
		}
		if len(got.Text) < len(data)/4 {
			t.Errorf("%s: got %d bytes of text from %d bytes, want at least a quarter", path, len(got.Text), len(data))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatalf("walk corpus: %v", err)
	}
	if n == 0 {
		t.Errorf("extracted %d corpus files, want some", n)
	}
}
