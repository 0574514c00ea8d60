package catalog_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cadrehq/cadre/domain/catalog"
)

// dataFS copies the catalog's data directory into memory, so a test can
// break one file.
func dataFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS("data")
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// editRoles decodes roles/engineering.json, lets edit change the role with
// the given slug, and writes it back.
func editRoles(t *testing.T, m fstest.MapFS, slug string, edit func(r map[string]any)) {
	t.Helper()
	const name = "roles/engineering.json"
	var roles []map[string]any
	if err := json.Unmarshal(m[name].Data, &roles); err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r["slug"] == slug {
			edit(r)
		}
	}
	b, err := json.Marshal(roles)
	if err != nil {
		t.Fatal(err)
	}
	m[name] = &fstest.MapFile{Data: b}
}

func TestLoadFSRejectsInvalidData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(r map[string]any)
		want string
	}{
		{"decreasing levels", func(r map[string]any) {
			r["primary"].([]any)[0].(map[string]any)["levels"] = map[string]any{"entry": 4, "mid": 3, "senior": 5}
		}, "must not decrease"},
		{"undefined competency", func(r map[string]any) {
			r["supporting"].([]any)[0].(map[string]any)["competency"] = "juggling"
		}, "undefined competency"},
		{"too few primary", func(r map[string]any) {
			r["primary"] = r["primary"].([]any)[:2]
		}, "want at least 3"},
		{"variant without reason", func(r map[string]any) {
			r["variants"].(map[string]any)["finance"].([]any)[0].(map[string]any)["reason"] = ""
		}, "no reason"},
		{"variant for unknown industry", func(r map[string]any) {
			r["variants"].(map[string]any)["space-mining"] = []any{}
		}, "unknown industry"},
		{"added without group", func(r map[string]any) {
			r["variants"].(map[string]any)["finance"] = []any{map[string]any{
				"competency": "negotiation", "levels": map[string]any{"entry": 1, "mid": 2, "senior": 3}, "reason": "x"}}
		}, "without a valid group"},
		{"duplicate competency", func(r map[string]any) {
			p := r["primary"].([]any)
			r["supporting"] = append(r["supporting"].([]any), p[0])
		}, "twice"},
		{"unknown field", func(r map[string]any) { r["salary"] = 1 }, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := dataFS(t)
			editRoles(t, m, "devops-engineer", tc.edit)
			_, err := catalog.LoadFS(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadFS() error = %v, want one containing %q", err, tc.want)
			}
			if !errors.Is(err, catalog.ErrInvalidData) && !strings.Contains(err.Error(), "invalid") {
				t.Errorf("LoadFS() error = %v, want ErrInvalidData", err)
			}
		})
	}
}

func TestLoadFSRejectsDuplicateCompetency(t *testing.T) {
	t.Parallel()
	m := dataFS(t)
	m["competencies/zz-copy.json"] = &fstest.MapFile{Data: m["competencies/technical.json"].Data}
	if _, err := catalog.LoadFS(m); !errors.Is(err, catalog.ErrInvalidData) || !strings.Contains(err.Error(), "defined twice") {
		t.Errorf("LoadFS() error = %v, want ErrInvalidData for a duplicate slug", err)
	}
}

func TestLoadFSRejectsBadCompetency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c map[string]any)
		want string
	}{
		{"four descriptors", func(c map[string]any) { c["descriptors"] = c["descriptors"].([]any)[:4] }, "4 descriptors"},
		{"repeated descriptor", func(c map[string]any) {
			d := c["descriptors"].([]any)
			d[1] = d[0]
		}, "share a descriptor"},
		{"unknown category", func(c map[string]any) { c["category"] = "magic" }, "invalid category"},
		{"no actions for level 5", func(c map[string]any) { delete(c["actions"].(map[string]any), "5") }, "level 5"},
		{"unknown industry", func(c map[string]any) { c["industries"] = []any{"space-mining"} }, "not in industries.json"},
		{"industry twice", func(c map[string]any) { c["industries"] = []any{"retail", "retail"} }, "twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := dataFS(t)
			const name = "competencies/technical.json"
			var comps []map[string]any
			if err := json.Unmarshal(m[name].Data, &comps); err != nil {
				t.Fatal(err)
			}
			tc.edit(comps[0])
			b, _ := json.Marshal(comps)
			m[name] = &fstest.MapFile{Data: b}
			if _, err := catalog.LoadFS(m); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadFS() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
