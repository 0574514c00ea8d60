package console

import (
	"html/template"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// highlight returns s, escaped, with every case-insensitive occurrence of
// the terms wrapped in <mark>: the evidence sentence with the words that
// matched the competency.
func highlight(s string, terms []string) template.HTML {
	type span struct{ from, to int }
	lower := strings.ToLower(s)
	var spans []span
	for _, t := range terms {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || len(lower) != len(s) { // lowering changed byte offsets: no marks
			continue
		}
		for i := 0; ; {
			j := strings.Index(lower[i:], t)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(t)})
			i += j + len(t)
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.from < at || !utf8.ValidString(s[sp.from:sp.to]) {
			continue // overlaps the previous mark
		}
		b.WriteString(template.HTMLEscapeString(s[at:sp.from]))
		b.WriteString("<mark>")
		b.WriteString(template.HTMLEscapeString(s[sp.from:sp.to]))
		b.WriteString("</mark>")
		at = sp.to
	}
	b.WriteString(template.HTMLEscapeString(s[at:]))
	return template.HTML(b.String()) //nolint:gosec // every piece is escaped above
}

// heatClass is the CSS class of a heatmap cell for a mean score 0–5: six
// steps, so that the colours stay distinguishable.
func heatClass(score float64) string {
	n := int(math.Round(math.Max(0, math.Min(5, score))))
	return "heat" + string(rune('0'+n))
}
