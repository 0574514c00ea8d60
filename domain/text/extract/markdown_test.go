package extract_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/text/extract"
)

// TestMarkdownText checks the text of Markdown constructs that a line-based
// reading gets wrong, and the shapes (lines, paragraphs) of the others.
func TestMarkdownText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"link target with parentheses", "Read [the guide](https://en.wikipedia.org/wiki/Go_(programming_language)) first.",
			"Read the guide first."},
		{"image target with parentheses", "![a chart](charts/a_(1).png) here", "a chart here"},
		{"reference link", "See [the guide][g].\n\n[g]: https://example.com/guide", "See the guide."},
		{"arithmetic stars kept", "Volume is 2*3*4 and 2**3**4 cubes.", "Volume is 2*3*4 and 2**3**4 cubes."},
		{"spaced stars kept", "Area is 3 * 4.", "Area is 3 * 4."},
		{"emphasis and strong stripped", "Some *em*, **strong**, ***both***, _under_, __dunder__ and ~~gone~~ text; snake_case stays.",
			"Some em, strong, both, under, dunder and gone text; snake_case stays."},
		{"intraword emphasis stripped", "un*frigging*believable", "unfriggingbelievable"},
		{"footnotes kept", "Deploys are gated[^gate] by review.\n\n[^gate]: Two approvals are required.\n\nAfter.",
			"Deploys are gated by review.\n\nAfter.\n\nTwo approvals are required."},
		{"nested lists", "- one\n  - one a\n    - one a i\n  - one b\n- two\n\n1. first\n   1. first x\n2. second",
			"- one\n- one a\n- one a i\n- one b\n- two\n- first\n- first x\n- second"},
		{"loose list item paragraphs", "- item\n\n  more about it\n- next", "- item\nmore about it\n\n- next"},
		{"task list", "- [ ] open\n- [x] done", "- open\n- done"},
		{"table", "| Level | Title | Notes |\n|---|:-:|--|\n| 1 | **Dev** | |\n| 2 | `Senior` | a \\| b |",
			"Level; Title; Notes\n1; Dev\n2; Senior; a | b"},
		{"table without outer pipes", "Level | Title\n--- | ---\n1 | Dev", "Level; Title\n1; Dev"},
		{"html block stripped", "<div align=\"center\">\n  <b>Our values</b> &amp; more\n</div>\n\nAfter.", "Our values & more\n\nAfter."},
		{"html script block dropped", "<script>\nvar x = 1;\n</script>\n\nText.", "Text."},
		{"html comment block dropped", "<!--\nhidden\n\nstill hidden\n-->\nShown.", "Shown."},
		{"inline html stripped", "Press <kbd>Ctrl</kbd>+<kbd>C</kbd><br>now.", "Press Ctrl+Cnow."},
		{"code span kept", "Run `go test ./...` and `a*b*c`.", "Run go test ./... and a*b*c."},
		{"code span over lines", "Use `ALTER DEFAULT\nPRIVILEGES` here.", "Use ALTER DEFAULT PRIVILEGES here."},
		{"indented code kept", "Example:\n\n    x := 1\n    y := 2\n\nDone.", "Example:\n\nx := 1\ny := 2\n\nDone."},
		{"autolinks", "Mail <mailto:a@b.io> or visit www.example.com.", "Mail mailto:a@b.io or visit www.example.com."},
		{"heading after list", "- a\n- b\n\n## Next\n\nText", "- a\n- b\nNext\n\nText"},
		{"atx closing hashes", "## Title ##\nBody", "Title\n\nBody"},
		{"hard line break", "one  \ntwo\\\nthree", "one two three"},
		{"front matter value markdown", "---\ntitle: \"**Bold** \\\"quoted\\\"\"\n---\nBody", "Bold \\\"quoted\\\"\n\nBody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := extract.Extract(extract.TypeMarkdown, []byte(tt.in), extract.DefaultLimits())
			if err != nil {
				t.Fatalf("Extract: got error %v, want nil", err)
			}
			if got.Text != tt.want {
				t.Errorf("Extract text:\ngot  %q\nwant %q", got.Text, tt.want)
			}
		})
	}
}

// TestMarkdownTooMuchText checks that a document whose text passes the limit
// is refused rather than cut.
func TestMarkdownTooMuchText(t *testing.T) {
	t.Parallel()
	lim := extract.Limits{MaxBytes: 1 << 20, MaxExtractedChars: 100}
	in := strings.Repeat("- a list item with words\n", 200)
	_, err := extract.Extract(extract.TypeMarkdown, []byte(in), lim)
	if !errors.Is(err, extract.ErrTooLarge) {
		t.Fatalf("Extract of %d bytes under a 100-character limit: got error %v, want ErrTooLarge", len(in), err)
	}
}

// TestMarkdownHTMLBlockTooMuchText checks that an HTML block whose text
// passes the limit makes the document too large rather than vanishing.
func TestMarkdownHTMLBlockTooMuchText(t *testing.T) {
	t.Parallel()
	lim := extract.Limits{MaxBytes: 1 << 20, MaxExtractedChars: 100}
	in := "<div>\n" + strings.Repeat("words in a block ", 200) + "\n</div>\n"
	_, err := extract.Extract(extract.TypeMarkdown, []byte(in), lim)
	if !errors.Is(err, extract.ErrTooLarge) {
		t.Fatalf("Extract of an HTML block of %d bytes under a 100-character limit: got error %v, want ErrTooLarge", len(in), err)
	}
}
