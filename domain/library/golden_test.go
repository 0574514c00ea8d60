package library_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json from the golden corpus")

// goldenInputs are the inputs of the golden library: the documents of
// testdata/corpus (see its SOURCES.md), a finance company's values, no
// roles (so they are inferred from the documents) and a few overrides.
func goldenInputs(t testing.TB) library.Inputs {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.md")
	if err != nil {
		t.Fatal(err)
	}
	in := library.Inputs{
		Industry: "finance",
		Values: []library.Value{
			{Name: "Default to transparency", Description: "We share context openly, write decisions down and make our work public by default."},
			{Name: "Trust and feedback over process", Description: "We give direct, specific feedback and trust people with autonomy instead of adding process."},
		},
		Overrides: []library.Override{
			{Slug: "agile-methodologies", Status: library.StatusRetired},
			{Slug: "negotiation", Pinned: true},
			{Slug: "on-call-readiness", Custom: true, Name: "On-call Readiness", Category: competency.Operational,
				Description: "Being ready to respond when paged: runbooks read, access checked, alerts understood."},
		},
	}
	for _, p := range files {
		if filepath.Base(p) == "SOURCES.md" {
			continue
		}
		in.Documents = append(in.Documents, readDoc(t, "corpus", p))
	}
	if len(in.Documents) < 3 {
		t.Fatalf("golden corpus has %d documents, want at least 3", len(in.Documents))
	}
	return in
}

func TestGolden(t *testing.T) {
	t.Parallel()
	in := goldenInputs(t)
	lib, err := library.Build(in)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	got, err := json.MarshalIndent(lib, "", " ")
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	got = append(got, '\n')
	const path = "testdata/golden.json"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", path, len(got))
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -run TestGolden -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("library differs from %s; review the change and run go test -run TestGolden -update\n%s", path, firstDiff(got, want))
	}
	var back library.Library
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatalf("golden file does not decode: %v", err)
	}
	if back.Digest != lib.Digest || len(back.Competencies) != len(lib.Competencies) {
		t.Errorf("decoded golden: digest %s, %d competencies; want %s, %d", back.Digest, len(back.Competencies), lib.Digest, len(lib.Competencies))
	}
}

// firstDiff describes the first line where a and b differ.
func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(al), len(bl)) {
		if !bytes.Equal(al[i], bl[i]) {
			return "line " + itoa(i+1) + ":\n got: " + string(al[i]) + "\nwant: " + string(bl[i])
		}
	}
	return "lengths differ: got " + itoa(len(al)) + " lines, want " + itoa(len(bl))
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
