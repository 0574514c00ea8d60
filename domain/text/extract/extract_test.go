package extract_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/text/extract"
)

func TestExtractText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		ct     string
		in     string
		want   string
		format string
	}{
		{"plain normalises whitespace", "text/plain; charset=utf-8", "\ufeff  Hello\t\tworld  \r\nsecond line\r\n\r\n\r\n\r\nNext\u00a0paragraph.  ", "Hello world\nsecond line\n\nNext paragraph.", "plain"},
		{"plain NFC", "text/plain", "cafe\u0301", "caf\u00e9", "plain"},
		{"plain drops controls", "text/plain", "a\x07b\u200bc", "abc", "plain"},
		{"markdown headings and emphasis", "text/markdown", "# Title #\n\nSome **bold** and *italic* and _under_ text with snake_case.\n", "Title\n\nSome bold and italic and under text with snake_case.", "markdown"},
		{"markdown links and images", "text/markdown", "See [our roadmap](/handbook/roadmap) and ![a chart](c.png) or <https://x.io>.", "See our roadmap and a chart or https://x.io.", "markdown"},
		{"markdown soft wrap joined", "text/markdown", "one line\nwrapped here.\n\nNext.", "one line wrapped here.\n\nNext.", "markdown"},
		{"markdown lists", "text/markdown", "Intro:\n- first item\n  continued\n* second\n1. third\n- [x] done task", "Intro:\n\n- first item continued\n- second\n- third\n- done task", "markdown"},
		{"markdown code fence kept", "text/markdown", "Before.\n\n```go\nx := *p\n```\nAfter.", "Before.\n\nx := *p\n\nAfter.", "markdown"},
		{"markdown table", "text/markdown", "| Level | Title |\n| :---: | --- |\n| 1 | [Dev](d.md) |\n", "Level; Title\n1; Dev", "markdown"},
		{"markdown setext and rule and quote", "text/markdown", "Title\n=====\n\n> quoted **text**\n\n---\n\nEnd", "Title\n\nquoted text\n\nEnd", "markdown"},
		{"markdown html and comments", "text/markdown", "<picture>\n<img alt=\"x\" src=\"y\">\n</picture>\n<!-- hidden\nstill hidden -->\nVisible <b>bold</b>.", "Visible bold.", "markdown"},
		{"markdown escapes", "text/markdown", `Use \*literal\* stars and 3 \* 4.`, "Use *literal* stars and 3 * 4.", "markdown"},
		{"markdown front matter", "text/markdown", "---\npath: \"/techops\"\ntitle: \"Backend\"\nlevels: 5\ntopics:\n  - name: \"communication\"\n    criteria:\n      - \"Writes clear PR descriptions\"\n---\n# Body", "Backend\ncommunication\nWrites clear PR descriptions\n\nBody", "markdown"},
		{"html blocks and skipped", "text/html", "<html><head><title>T</title><style>p{}</style><script>var x = 1;</script></head><body><h1>Head</h1><p>One\n  two <b>three</b>.</p><ul><li>a</li><li>b</li></ul><table><tr><th>x</th><th>y</th></tr><tr><td>1</td><td>2</td></tr></table><pre>  keep\n  lines</pre>a&amp;b<br>c</body></html>", "T\n\nHead\n\nOne two three.\n\n- a\n- b\n\nx; y\n1; 2\n\nkeep\nlines\n\na&b\nc", "html"},
		{"html inline spacing", "text/html", "<p>alpha <i>beta</i><span>gamma</span> delta</p>", "alpha betagamma delta", "html"},
		{"docx type alias xhtml", "application/xhtml+xml", "<p>x y</p>", "x y", "html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := extract.Extract(tt.ct, []byte(tt.in), extract.DefaultLimits())
			if err != nil {
				t.Fatalf("Extract: got error %v, want nil", err)
			}
			if got.Text != tt.want {
				t.Errorf("Extract text:\ngot  %q\nwant %q", got.Text, tt.want)
			}
			if got.Format != tt.format {
				t.Errorf("Extract format: got %q, want %q", got.Format, tt.format)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	t.Parallel()
	small := extract.Limits{MaxBytes: 10, MaxExtractedChars: 5}
	tests := []struct {
		name string
		ct   string
		in   string
		lim  extract.Limits
		want error
	}{
		{"unsupported type", "image/png", "x", extract.Limits{}, extract.ErrUnsupportedType},
		{"missing type", "", "x", extract.Limits{}, extract.ErrUnsupportedType},
		{"non utf-8 charset", "text/plain; charset=latin1", "x", extract.Limits{}, extract.ErrUnsupportedType},
		{"at byte limit", "text/plain", "0123456789", extract.Limits{MaxBytes: 10}, nil},
		{"one byte over", "text/plain", "0123456789a", extract.Limits{MaxBytes: 10}, extract.ErrTooLarge},
		{"too many chars", "text/plain", "abcdef", small, extract.ErrTooLarge},
		{"invalid utf-8 plain", "text/plain", "ab\xffcd", extract.Limits{}, extract.ErrUnreadable},
		{"invalid utf-8 markdown", "text/markdown", "# \xc3\x28", extract.Limits{}, extract.ErrUnreadable},
		{"invalid utf-8 html", "text/html", "<p>\xfe</p>", extract.Limits{}, extract.ErrUnreadable},
		{"nul byte plain", "text/plain", "ab\x00cd", extract.Limits{}, extract.ErrUnreadable},
		{"nul byte html", "text/html", "<p>a\x00</p>", extract.Limits{}, extract.ErrUnreadable},
		{"no text", "text/html", "<script>alert(1)</script>  <p> </p>", extract.Limits{}, extract.ErrUnreadable},
		{"empty", "text/plain", "", extract.Limits{}, extract.ErrUnreadable},
		{"not a pdf", "application/pdf", "hello", extract.Limits{}, extract.ErrUnreadable},
		{"not a docx", extract.TypeDOCX, "PK\x03\x04broken", extract.Limits{}, extract.ErrUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := extract.Extract(tt.ct, []byte(tt.in), tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract: got error %v, want %v", err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "extract") {
				t.Errorf("error %q: want an operation prefix", err)
			}
		})
	}
}

func TestNormalizeContentType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ct, filename, want string
		err                error
	}{
		{"text/plain; charset=UTF-8", "", extract.TypePlain, nil},
		{"TEXT/HTML", "", extract.TypeHTML, nil},
		{"text/x-markdown", "", extract.TypeMarkdown, nil},
		{"", "notes.MD", extract.TypeMarkdown, nil},
		{"", "a/b/readme.markdown", extract.TypeMarkdown, nil},
		{"application/octet-stream", "Policy.DOCX", extract.TypeDOCX, nil},
		{"application/octet-stream", "x.pdf", extract.TypePDF, nil},
		{"", "index.htm", extract.TypeHTML, nil},
		{"", "a.txt", extract.TypePlain, nil},
		{"", "a.exe", "", extract.ErrUnsupportedType},
		{"", "", "", extract.ErrUnsupportedType},
		{"application/zip", "a.docx", "", extract.ErrUnsupportedType},
		{"text/plain; charset=utf-16", "", "", extract.ErrUnsupportedType},
		{"text/", "", "", extract.ErrUnsupportedType},
	}
	for _, tt := range tests {
		got, err := extract.NormalizeContentType(tt.ct, tt.filename)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("NormalizeContentType(%q, %q): got %q, %v, want %q, %v", tt.ct, tt.filename, got, err, tt.want, tt.err)
		}
	}
}
