package extract

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// mdParser parses CommonMark with the GitHub extensions (tables,
// strikethrough, autolinks, task lists) and footnotes. A goldmark parser
// keeps no state between calls, so one serves every document.
var mdParser = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote)).Parser()

// mdYAMLKey matches a front matter line holding a key, capturing its value.
var mdYAMLKey = regexp.MustCompile(`^(?:-\s+)?[A-Za-z_][\w-]*:\s*(.*)$`)

// markdownText returns the text of a Markdown document, read as CommonMark
// with the GitHub extensions and footnotes: headings and paragraphs become
// paragraphs of their own; list items become lines starting with "- "
// (task boxes dropped); table rows become lines of cells separated by "; ";
// code keeps its text, links their text and images their alt text;
// emphasis, link targets, reference definitions and inline HTML are
// stripped; HTML blocks keep the text an HTML reader would see; footnotes
// are kept at the end. Soft-wrapped paragraph lines are joined. YAML front
// matter keeps its text values, one per line.
func markdownText(data []byte, lim Limits) (string, error) {
	if err := checkText(data); err != nil {
		return "", err
	}
	out := newLimitedBuilder(lim)
	src := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	src = frontMatter(src, out)
	w := mdWriter{out: out, src: src, lim: lim}
	w.blocks(mdParser.Parse(text.NewReader(src)))
	if out.over {
		return "", tooMuchText(lim)
	}
	return out.String(), nil
}

// frontMatter writes the text values of the YAML front matter that opens
// src, if any, and returns the document after it.
func frontMatter(src []byte, out *limitedBuilder) []byte {
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimSpace(bytes.TrimPrefix(first, []byte("\ufeff")))) != "---" {
		return src
	}
	var values []string
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if t := string(bytes.TrimSpace(line)); t == "---" || t == "..." {
			for _, v := range values {
				out.WriteString(v)
				out.WriteString("\n")
			}
			out.WriteString("\n")
			return rest
		}
		if v := yamlText(string(line)); v != "" {
			values = append(values, v)
		}
	}
	return src
}

// yamlText returns the text value of one front matter line ("title: "X"" or
// "- "X"" gives X), or "" for keys without text, numbers, booleans and
// paths. The value is read as inline Markdown.
func yamlText(line string) string {
	t := strings.TrimSpace(line)
	if m := mdYAMLKey.FindStringSubmatch(t); m != nil {
		t = m[1]
	} else if strings.HasPrefix(t, "- ") {
		t = strings.TrimSpace(t[2:])
	} else {
		return ""
	}
	t = strings.TrimSpace(t)
	if len(t) >= 2 && (t[0] == '"' && t[len(t)-1] == '"' || t[0] == '\'' && t[len(t)-1] == '\'') {
		t = t[1 : len(t)-1]
	}
	switch strings.ToLower(t) {
	case "", "true", "false", "yes", "no", "null", "~", "|", ">", "|-", ">-":
		return ""
	}
	if strings.HasPrefix(t, "/") || strings.Trim(t, "0123456789.-") == "" {
		return ""
	}
	// A backslash here belongs to YAML ("\"" is a quote in a double-quoted
	// string), not to Markdown, so it is kept as written.
	return inlineMarkdown(strings.ReplaceAll(t, `\`, `\\`))
}

// inlineMarkdown returns the text of s, one line of Markdown, on one line.
func inlineMarkdown(s string) string {
	src := []byte(s)
	var b []byte
	doc := mdParser.Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Type() == ast.TypeBlock && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline {
			b = mdInline(b, n, src)
			b = append(b, ' ')
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(string(b)), " ")
}
