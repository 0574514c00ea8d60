package extract

import (
	"bytes"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// mdWriter writes the text of a parsed Markdown document. Every block ends
// with its own separator, written only when the block has text: a paragraph
// break after headings, paragraphs and code, a line break after list items
// and table rows, so that a list or a table reads as consecutive lines.
type mdWriter struct {
	out *limitedBuilder
	src []byte
	lim Limits
	buf []byte // the inline text of the block being written
}

// blocks writes the text of the children of the block n.
func (w *mdWriter) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil && !w.out.over; c = c.NextSibling() {
		w.block(c)
	}
}

// block writes the text of one block.
func (w *mdWriter) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading, *ast.Paragraph, *ast.TextBlock:
		w.inline(n, "", "\n\n")
	case *ast.ListItem:
		w.listItem(n)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		w.code(n)
	case *ast.HTMLBlock:
		w.html(n)
	case *east.Table:
		w.table(n)
	case *ast.ThematicBreak:
	default:
		// Documents, block quotes, lists, footnote lists and footnotes hold
		// blocks.
		w.blocks(n)
	}
}

// inline writes the inline text of n between prefix and sep, unless it is
// empty.
func (w *mdWriter) inline(n ast.Node, prefix, sep string) {
	w.buf = mdInline(w.buf[:0], n, w.src)
	t := strings.TrimSpace(string(w.buf))
	if t == "" {
		return
	}
	w.out.WriteString(prefix)
	w.out.WriteString(t)
	w.out.WriteString(sep)
}

// listItem writes a list item: its first paragraph as a line starting with
// "- ", then its other blocks (nested lists, further paragraphs, code).
func (w *mdWriter) listItem(n *ast.ListItem) {
	c := n.FirstChild()
	switch c.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		w.inline(c, "- ", "\n")
		c = c.NextSibling()
	}
	for ; c != nil && !w.out.over; c = c.NextSibling() {
		w.block(c)
	}
}

// code writes the lines of a code block as they are.
func (w *mdWriter) code(n ast.Node) {
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		w.out.WriteString(string(seg.Value(w.src)))
	}
	w.out.WriteString("\n\n")
}

// html writes the text of an HTML block as the HTML extractor reads it:
// tags, comments and scripts dropped, entities decoded.
func (w *mdWriter) html(n *ast.HTMLBlock) {
	var raw []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		raw = append(raw, seg.Value(w.src)...)
	}
	if n.HasClosure() {
		raw = append(raw, n.ClosureLine.Value(w.src)...)
	}
	t, err := htmlText(raw, w.lim)
	if errors.Is(err, ErrTooLarge) {
		w.out.over = true
		return
	}
	if err != nil {
		// What the HTML reader cannot parse is not text for a reader either.
		return
	}
	if t = strings.TrimSpace(t); t != "" {
		w.out.WriteString(t)
		w.out.WriteString("\n\n")
	}
}

// table writes each row of a table as a line of its non-empty cells
// separated by "; ".
func (w *mdWriter) table(n *east.Table) {
	var cells []string
	for row := n.FirstChild(); row != nil && !w.out.over; row = row.NextSibling() {
		cells = cells[:0]
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			w.buf = mdInline(w.buf[:0], cell, w.src)
			if t := strings.TrimSpace(string(w.buf)); t != "" {
				cells = append(cells, t)
			}
		}
		if len(cells) > 0 {
			w.out.WriteString(strings.Join(cells, "; "))
			w.out.WriteString("\n")
		}
	}
}

// mdInline appends the text of the inline children of n to b: link text
// without the target, image alt text, code span content, emphasis without
// its delimiters, autolinks as their address; raw HTML, task boxes and
// footnote references are dropped. Line breaks become spaces.
func mdInline(b []byte, n ast.Node, src []byte) []byte {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Value(src)
			if !c.IsRaw() {
				v = util.UnescapePunctuations(v)
			}
			// A code span may run over lines; its line breaks are spaces.
			if bytes.IndexByte(v, '\n') >= 0 {
				v = bytes.ReplaceAll(v, []byte("\n"), []byte(" "))
			}
			b = append(b, v...)
			if c.SoftLineBreak() || c.HardLineBreak() {
				b = append(b, ' ')
			}
		case *ast.String:
			b = append(b, c.Value...)
		case *ast.AutoLink:
			b = append(b, c.Label(src)...)
		case *ast.Emphasis:
			b = mdEmphasis(b, c, src)
		case *ast.RawHTML, *east.TaskCheckBox, *east.FootnoteLink, *east.FootnoteBacklink:
		default:
			b = mdInline(b, c, src)
		}
	}
	return b
}

// mdEmphasis appends the text of an emphasis. Between digits ("2*3*4") the
// delimiters are arithmetic, not emphasis, and are kept: CommonMark reads
// an intraword "*" pair as emphasis, but a number is not a word.
func mdEmphasis(b []byte, n *ast.Emphasis, src []byte) []byte {
	start, end, ok := textSpan(n)
	d := n.Level
	if !ok || start < d+1 || end+d >= len(src) {
		return mdInline(b, n, src)
	}
	before, _ := utf8.DecodeLastRune(src[:start-d])
	after, _ := utf8.DecodeRune(src[end+d:])
	open, closing := src[start-d:start], src[end:end+d]
	if !unicode.IsDigit(before) || !unicode.IsDigit(after) || !isDelimiters(open) || !isDelimiters(closing) {
		return mdInline(b, n, src)
	}
	b = append(b, open...)
	b = mdInline(b, n, src)
	return append(b, closing...)
}

// isDelimiters reports whether d is a run of emphasis delimiters.
func isDelimiters(d []byte) bool {
	return len(bytes.Trim(d, "*_")) == 0
}

// textSpan returns the source span of the text nodes under n: the start of
// the first and the end of the last.
func textSpan(n ast.Node) (start, end int, ok bool) {
	first, last := n.FirstChild(), n.LastChild()
	for first != nil && first.FirstChild() != nil {
		first = first.FirstChild()
	}
	for last != nil && last.LastChild() != nil {
		last = last.LastChild()
	}
	ft, ok1 := first.(*ast.Text)
	lt, ok2 := last.(*ast.Text)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	return ft.Segment.Start, lt.Segment.Stop, true
}
