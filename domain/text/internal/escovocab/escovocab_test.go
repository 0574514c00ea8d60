package escovocab_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
	"github.com/cadrehq/cadre/domain/text/internal/escovocab"
)

const (
	csvPath      = "/work/shared/data/esco/skills_en.csv"
	embeddedPath = "../../analysis/esco/phrases.tsv.gz"
)

// TestEmbeddedUpToDate fails when the committed vocabulary differs from what
// the generator produces now (stemmer, stop words or filters changed):
// run `go run ./domain/text/internal/gen` and commit the result.
func TestEmbeddedUpToDate(t *testing.T) {
	f, err := os.Open(csvPath)
	if err != nil {
		t.Skipf("ESCO csv not available: %v", err)
	}
	defer f.Close()
	got, err := escovocab.Build(f)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	want, err := os.ReadFile(embeddedPath)
	if err != nil {
		t.Fatalf("read embedded vocabulary: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("generated vocabulary (%d bytes) differs from %s (%d bytes); run go run ./domain/text/internal/gen", len(got), embeddedPath, len(want))
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	csv := "preferredLabel,altLabels,skillType\n" +
		"manage musical staff,\"manage staff of music\nstaff\",skill/competence\n" +
		"Haskell,\"Haskell programming\",knowledge\n" +
		"energy,,knowledge\n" +
		"Microsoft Access,\"Access\",knowledge\n" +
		"help people,,skill/competence\n"
	data, err := escovocab.Build(strings.NewReader(csv))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	v, err := analysis.ParseVocabulary(data)
	if err != nil {
		t.Fatalf("ParseVocabulary: %v", err)
	}
	if got, want := v.Len(), 3; got != want {
		t.Errorf("phrases: got %d, want %d (energy and help people dropped)", got, want)
	}
	tests := map[string]string{
		"She manages the staff of music.": "manage musical staff",
		"We write Haskell.":               "Haskell",
		"Microsoft Access databases":      "Microsoft Access",
		"Access the staff room":           "",
		"Energy matters":                  "",
	}
	for in, want := range tests {
		got := ""
		if hits := v.Find(in); len(hits) > 0 {
			got = hits[0].Phrase
		}
		if got != want {
			t.Errorf("Find(%q): got %q, want %q", in, got, want)
		}
	}
	if _, err := escovocab.Build(strings.NewReader("a,b\n1,2\n")); !errors.Is(err, escovocab.ErrFormat) {
		t.Errorf("Build with wrong header: got %v, want ErrFormat", err)
	}
}

func TestDistinctive(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"manage musical staff": true, "Haskell": true, "photogrammetry": true, "LESS": false,
		"energy": false, "staff": false, "help people": false, "take time": false,
		"a b c d e f g h": false, "give direction": true,
	}
	for in, want := range tests {
		if got := escovocab.Distinctive(in); got != want {
			t.Errorf("Distinctive(%q): got %v, want %v", in, got, want)
		}
	}
}
