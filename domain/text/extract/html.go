package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlSkipped are elements whose content is never text for a reader.
var htmlSkipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
}

// htmlBlocks are elements that start and end a paragraph.
var htmlBlocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Details: true, atom.Dialog: true, atom.Dd: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true,
	atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Table: true, atom.Ul: true, atom.Title: true,
	atom.Summary: true, atom.Caption: true, atom.Body: true, atom.Html: true,
}

// htmlText returns the text of an HTML document: script, style and similar
// elements are dropped, block elements become paragraph breaks, list items
// become lines starting with "- ", table rows become lines of cells
// separated by "; ", and whitespace outside pre collapses as a browser would.
func htmlText(data []byte, lim Limits) (string, error) {
	if err := checkText(data); err != nil {
		return "", err
	}
	out := newLimitedBuilder(lim)
	z := html.NewTokenizer(bytes.NewReader(data))
	skip := 0  // depth inside skipped elements
	pre := 0   // depth inside pre
	cells := 0 // cells written in the current table row
	for !out.over {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return "", fmt.Errorf("parse html: %v: %w", err, ErrUnreadable)
			}
			if out.over {
				return "", tooMuchText(lim)
			}
			return out.String(), nil
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := string(z.Text())
			if pre == 0 {
				text = strings.Join(strings.Fields(text), " ")
				if text == "" {
					out.WriteString(" ")
					continue
				}
				if first := z.Raw(); len(first) > 0 && isHTMLSpace(first[0]) {
					text = " " + text
				}
				if raw := z.Raw(); len(raw) > 0 && isHTMLSpace(raw[len(raw)-1]) {
					text += " "
				}
			}
			out.WriteString(text)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			if htmlSkipped[a] {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch {
			case a == atom.Br:
				out.WriteString("\n")
			case a == atom.Pre:
				if tt == html.StartTagToken {
					pre++
				} else if tt == html.EndTagToken && pre > 0 {
					pre--
				}
				out.WriteString("\n\n")
			case a == atom.Li:
				if start {
					out.WriteString("\n- ")
				}
			case a == atom.Tr:
				cells = 0
				if start {
					out.WriteString("\n")
				}
			case a == atom.Td || a == atom.Th:
				if start {
					if cells > 0 {
						out.WriteString("; ")
					}
					cells++
				}
			case htmlBlocks[a]:
				out.WriteString("\n\n")
			}
		}
	}
	return "", tooMuchText(lim)
}

// isHTMLSpace reports whether c is HTML inter-element whitespace.
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
