package library_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
)

// labels is a quality fixture's labels.json: what a person who read the
// documents expects of the library.
type labels struct {
	Industry competency.Industry `json:"industry"`
	Roles    []string            `json:"roles"`
	Values   []library.Value     `json:"values"`
	// Must be selected; Relevant may be (precision counts them as right);
	// MustNot must not be.
	Must     []string `json:"must"`
	Relevant []string `json:"relevant"`
	MustNot  []string `json:"must_not"`
	// Evidence: for a competency, words one of its evidence excerpts must
	// contain.
	Evidence map[string][]string `json:"evidence"`
	// Proposals must be proposed; NotProposals must not be.
	Proposals    []string `json:"proposals"`
	NotProposals []string `json:"not_proposals"`
}

// fixture is one labelled company.
type fixture struct {
	name   string
	labels labels
	in     library.Inputs
}

// loadFixtures reads testdata/quality: one folder per company holding its
// Markdown documents and labels.json.
func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	dirs, err := os.ReadDir("testdata/quality")
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	var out []fixture
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join("testdata/quality", d.Name())
		var l labels
		b, err := os.ReadFile(filepath.Join(dir, "labels.json"))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatalf("%s: labels.json: %v", dir, err)
		}
		f := fixture{name: d.Name(), labels: l, in: library.Inputs{Industry: l.Industry, Values: l.Values, Roles: l.Roles}}
		files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, p := range files {
			f.in.Documents = append(f.in.Documents, readDoc(t, d.Name(), p))
		}
		out = append(out, f)
	}
	if len(out) < 4 {
		t.Fatalf("got %d quality fixtures, want at least 4", len(out))
	}
	return out
}

// selected returns the active catalog competencies of a library.
func selected(lib library.Library) []string {
	var out []string
	for _, c := range lib.Competencies {
		if c.Origin == library.OriginCatalog && c.Status == library.StatusActive {
			out = append(out, c.Slug)
		}
	}
	return out
}

func TestQuality(t *testing.T) {
	t.Parallel()
	fixtures := loadFixtures(t)
	var tp, fp, found, must int
	for _, f := range fixtures {
		lib, err := library.Build(f.in)
		if err != nil {
			t.Fatalf("%s: Build: %v", f.name, err)
		}
		sel := selected(lib)
		ok := 0
		var wrong []string
		for _, s := range sel {
			if slices.Contains(f.labels.Must, s) || slices.Contains(f.labels.Relevant, s) {
				ok++
			} else {
				wrong = append(wrong, s)
			}
		}
		hit := 0
		var missed []string
		for _, s := range f.labels.Must {
			if slices.Contains(sel, s) {
				hit++
			} else {
				missed = append(missed, s)
			}
		}
		tp, fp, found, must = tp+ok, fp+len(wrong), found+hit, must+len(f.labels.Must)
		t.Logf("%s: %d selected, precision %.2f (not relevant: %v), recall %.2f (missed: %v); roles %v",
			f.name, len(sel), ratio(ok, len(sel)), wrong, ratio(hit, len(f.labels.Must)), missed, roleSlugs(lib))
		for _, s := range f.labels.MustNot {
			if c, ok := lib.Competency(s); ok {
				t.Errorf("%s: %s selected (relevance %v, reasons %q), want it left out", f.name, s, c.Relevance, c.Reasons)
			}
		}
		checkEvidence(t, f, lib)
		checkValues(t, f, lib)
		checkProposals(t, f, lib)
	}
	precision, recall := ratio(tp, tp+fp), ratio(found, must)
	t.Logf("all fixtures: precision %.3f (%d/%d), recall %.3f (%d/%d)", precision, tp, tp+fp, recall, found, must)
	if precision < 0.7 || recall < 0.7 {
		t.Errorf("precision %.3f, recall %.3f; want both at least 0.7", precision, recall)
	}
}

// checkEvidence checks that the labelled competencies are in the library
// with an evidence excerpt holding the expected words, and that every
// excerpt is exactly its document's text at its offsets.
func checkEvidence(t *testing.T, f fixture, lib library.Library) {
	t.Helper()
	texts := map[string]string{}
	for _, d := range f.in.Documents {
		texts[d.ID] = d.Text
	}
	for _, c := range lib.Competencies {
		for _, e := range c.Evidence {
			if e.DocumentID == "" {
				continue
			}
			text, ok := texts[e.DocumentID]
			if !ok || e.Start < 0 || e.End > len(text) || e.Start >= e.End || text[e.Start:e.End] != e.Excerpt {
				t.Errorf("%s: %s: evidence %q at [%d,%d) of %q does not slice the document", f.name, c.Slug, e.Excerpt, e.Start, e.End, e.DocumentID)
			}
		}
	}
	for _, slug := range sortedLabelKeys(f.labels.Evidence) {
		words := f.labels.Evidence[slug]
		c, ok := lib.Competency(slug)
		if !ok {
			t.Errorf("%s: %s not in the library, want it with evidence %q", f.name, slug, words)
			continue
		}
		if !slices.ContainsFunc(c.Evidence, func(e library.Evidence) bool { return containsAll(e.Excerpt, words) }) {
			t.Errorf("%s: %s: no evidence excerpt contains %q; got %v", f.name, slug, words, excerpts(c.Evidence))
		}
	}
}

// checkValues checks that every value is a cultural competency citing the
// value, with descriptors made of the value's words.
func checkValues(t *testing.T, f fixture, lib library.Library) {
	t.Helper()
	for _, v := range f.labels.Values {
		c, ok := lib.Competency(library.ValueSlug(v.Name))
		if !ok {
			t.Errorf("%s: value %q: no competency %s", f.name, v.Name, library.ValueSlug(v.Name))
			continue
		}
		if c.Category != competency.Cultural || c.Origin != library.OriginValue || c.Status != library.StatusActive {
			t.Errorf("%s: %s: got %v/%s/%s, want cultural/value/active", f.name, c.Slug, c.Category, c.Origin, c.Status)
		}
		if len(c.Evidence) == 0 || c.Evidence[0].Value != v.Name {
			t.Errorf("%s: %s: evidence %v, want the value %q first", f.name, c.Slug, c.Evidence, v.Name)
		}
		if len(c.Levels) != 5 || !strings.Contains(c.Levels[0].Descriptor, v.Name) {
			t.Errorf("%s: %s: levels %v, want five naming the value", f.name, c.Slug, c.Levels)
		}
		if d := c.Levels[0].Descriptor; !strings.Contains(strings.ToLower(d), strings.ToLower(firstWords(v.Description, 4))) {
			t.Errorf("%s: %s: level 1 %q does not use the value's description %q", f.name, c.Slug, d, v.Description)
		}
		for _, fw := range lib.Frameworks {
			if !slices.ContainsFunc(fw.Competencies, func(e library.FrameworkEntry) bool {
				return e.Slug == c.Slug && e.Group == competency.Supporting && e.Reason != ""
			}) {
				t.Errorf("%s: framework %s lacks the value %s as a supporting entry with a reason", f.name, fw.Role.Slug, c.Slug)
			}
		}
	}
}

// checkProposals checks the expected proposals and that ordinary prose is
// not proposed.
func checkProposals(t *testing.T, f fixture, lib library.Library) {
	t.Helper()
	var got []string
	for _, c := range lib.Competencies {
		if c.Origin == library.OriginDocument {
			got = append(got, c.Slug)
			if c.Status != library.StatusProposed || len(c.Evidence) == 0 {
				t.Errorf("%s: proposal %s: status %s with %d evidence, want proposed with evidence", f.name, c.Slug, c.Status, len(c.Evidence))
			}
		}
	}
	t.Logf("%s: proposals %v", f.name, got)
	for _, p := range f.labels.Proposals {
		if !slices.Contains(got, p) {
			t.Errorf("%s: proposals %v, want %s among them", f.name, got, p)
		}
	}
	for _, p := range f.labels.NotProposals {
		if slices.Contains(got, p) {
			t.Errorf("%s: %s proposed, want ordinary prose left out", f.name, p)
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func roleSlugs(lib library.Library) []string {
	var out []string
	for _, f := range lib.Frameworks {
		out = append(out, f.Role.Slug)
	}
	return out
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(strings.ToLower(s), strings.ToLower(w)) {
			return false
		}
	}
	return true
}

func excerpts(es []library.Evidence) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Excerpt)
	}
	return out
}

func firstWords(s string, n int) string {
	ws := strings.Fields(s)
	return strings.Join(ws[:min(n, len(ws))], " ")
}

func sortedLabelKeys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
