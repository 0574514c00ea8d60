// Command gen derives the catalog's title index (data/titles.json) from the
// O*NET 28 Database: for each catalog role, the occupation titles and
// alternate titles of the O*NET-SOC occupations the role lists, plus titles
// from any listed (or computer) occupation that match one of the role's
// title patterns. A title claimed by several roles' patterns goes to the role
// with the longest matching pattern.
//
// Usage (from domain/catalog, see go:generate there):
//
//	go run ./internal/gen -onet ../../../shared/data/onet -data data
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// role is the part of a catalog role file the generator needs.
type role struct {
	Slug          string   `json:"slug"`
	ONet          []string `json:"onet"`
	TitlePatterns []string `json:"title_patterns"`
}

// output is data/titles.json.
type output struct {
	Source string              `json:"source"`
	Roles  map[string][]string `json:"roles"`
}

func main() {
	onetDir := flag.String("onet", "", "directory holding the O*NET text files (Occupation Data.txt, Alternate Titles.txt)")
	dataDir := flag.String("data", "data", "the catalog data directory (reads roles/*.json, writes titles.json)")
	flag.Parse()
	if *onetDir == "" {
		log.Fatal("gen: -onet is required")
	}
	if err := run(*onetDir, *dataDir); err != nil {
		log.Fatalf("gen: %v", err)
	}
}

func run(onetDir, dataDir string) error {
	roles, err := readRoles(filepath.Join(dataDir, "roles"))
	if err != nil {
		return err
	}
	titles := map[string][]string{} // code -> titles
	if err := readTSV(filepath.Join(onetDir, "Occupation Data.txt"), func(f []string) {
		titles[f[0]] = append(titles[f[0]], f[1])
	}); err != nil {
		return err
	}
	if err := readTSV(filepath.Join(onetDir, "Alternate Titles.txt"), func(f []string) {
		titles[f[0]] = append(titles[f[0]], f[1])
		if len(f) > 2 && f[2] != "n/a" && f[2] != "" {
			titles[f[0]] = append(titles[f[0]], f[2])
		}
	}); err != nil {
		return err
	}
	owner := map[string]string{}
	for _, r := range roles {
		for _, code := range r.ONet {
			if _, ok := titles[code]; !ok {
				return fmt.Errorf("role %s: unknown O*NET code %s", r.Slug, code)
			}
			if o, dup := owner[code]; dup {
				return fmt.Errorf("O*NET code %s listed by %s and %s", code, o, r.Slug)
			}
			owner[code] = r.Slug
		}
	}
	codes := make([]string, 0, len(titles))
	for code := range titles {
		if _, owned := owner[code]; owned || strings.HasPrefix(code, "15-") {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	out := output{
		Source: "Derived from the O*NET 28 Database (Occupation Data, Alternate Titles) by USDOL/ETA, CC BY 4.0. Regenerate with go generate.",
		Roles:  map[string][]string{},
	}
	claimed := map[string]bool{}
	for _, code := range codes {
		for _, t := range titles[code] {
			clean := strings.TrimSpace(stripParens(t))
			key := strings.ToLower(clean)
			if clean == "" || claimed[key] {
				continue
			}
			slug := owner[code]
			if c := claim(roles, key); c != "" && (slug == "" || strings.HasPrefix(code, "15-")) {
				slug = c
			}
			if slug == "" {
				continue
			}
			claimed[key] = true
			out.Roles[slug] = append(out.Roles[slug], clean)
		}
	}
	for _, ts := range out.Roles {
		slices.Sort(ts)
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return fmt.Errorf("encode titles: %w", err)
	}
	return os.WriteFile(filepath.Join(dataDir, "titles.json"), append(b, '\n'), 0o644)
}

// claim returns the role whose longest title pattern occurs at the start of
// a word of the lowercase title, or "".
func claim(roles []role, title string) string {
	padded := " " + title + " "
	best, bestLen := "", 0
	for _, r := range roles {
		for _, p := range r.TitlePatterns {
			if len(p) > bestLen && strings.Contains(padded, " "+strings.TrimSpace(p)) {
				best, bestLen = r.Slug, len(p)
			}
		}
	}
	return best
}

// stripParens removes parenthesised text, such as O*NET's expansions of
// abbreviations.
func stripParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func readRoles(dir string) ([]role, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	slices.Sort(names)
	var all []role
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("read roles: %w", err)
		}
		var rs []role
		if err := json.Unmarshal(b, &rs); err != nil {
			return nil, fmt.Errorf("decode %s: %w", n, err)
		}
		all = append(all, rs...)
	}
	return all, nil
}

// readTSV calls fn with the fields of every line after the header.
func readTSV(path string, fn func([]string)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open onet file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		fn(strings.Split(sc.Text(), "\t"))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
