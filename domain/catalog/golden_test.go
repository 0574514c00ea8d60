package catalog_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// goldenRoles picks, per industry, a role characteristic of it.
var goldenRoles = map[competency.Industry]string{
	"agriculture":           "operations-manager",
	"construction":          "project-manager",
	"education":             "learning-development-specialist",
	"energy":                "devops-engineer",
	"finance":               "devops-engineer",
	"healthcare":            "registered-nurse",
	"hospitality":           "operations-manager",
	"logistics":             "supply-chain-analyst",
	"manufacturing":         "production-supervisor",
	"professional-services": "accountant",
	"public-sector":         "caseworker",
	"retail":                "store-manager",
	"technology":            "software-engineer",
}

// goldenEntry is the reviewable shape of a framework entry: what changes
// with the data, without the competency's full prose.
type goldenEntry struct {
	Slug        string                  `json:"slug"`
	Name        string                  `json:"name"`
	Category    competency.Category     `json:"category"`
	Group       competency.Group        `json:"group"`
	Levels      competency.Levels       `json:"levels"`
	Adjustments []competency.Adjustment `json:"adjustments,omitempty"`
}

func TestGoldenFrameworks(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	for _, ind := range c.Industries() {
		role, ok := goldenRoles[ind]
		if !ok {
			t.Errorf("no golden role for industry %q", ind)
			continue
		}
		f, err := c.Framework(role, ind)
		if err != nil {
			t.Fatal(err)
		}
		var entries []goldenEntry
		for _, e := range f.Entries {
			entries = append(entries, goldenEntry{e.Competency.Slug, e.Competency.Name, e.Competency.Category, e.Group, e.Levels, e.Adjustments})
		}
		got, err := json.MarshalIndent(map[string]any{
			"catalog_version": c.Version(), "role": f.Role, "industry": f.Industry, "entries": entries,
		}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", "golden", string(ind)+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read golden file (run with -update to create): %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s framework differs from %s (run with -update and review the diff):\n%s", role, ind, path, got)
		}
	}
}
