package extract

import (
	"regexp"
	"strings"
)

// Inline Markdown patterns, applied in order by stripInline.
var (
	mdComment   = regexp.MustCompile(`<!--.*?-->`)
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdRefLink   = regexp.MustCompile(`\[([^\]]*)\]\[[^\]]*\]`)
	mdAutolink  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdTag       = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
	mdCode      = regexp.MustCompile("`+([^`]*)`+")
	mdStrong    = regexp.MustCompile(`\*\*|__|~~`)
	mdUnderOpen = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_+([\p{L}\p{N}])`)
	mdUnderEnd  = regexp.MustCompile(`([\p{L}\p{N}.!?,;:])_+([^\p{L}\p{N}_]|$)`)
	mdStar      = regexp.MustCompile(`(\S)\*|\*(\S)`)
	mdRefDef    = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s`)
	mdListItem  = regexp.MustCompile(`^(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?`)
	mdHeading   = regexp.MustCompile(`^#{1,6}(?:\s+|$)`)
	mdHeadClose = regexp.MustCompile(`\s+#+\s*$`)
	mdRule      = regexp.MustCompile(`^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$`)
	mdSetext    = regexp.MustCompile(`^(?:=+|-+)$`)
	mdTableSep  = regexp.MustCompile(`^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$`)
	mdEscape    = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|>~<])")
	mdYAMLKey   = regexp.MustCompile(`^(?:-\s+)?[A-Za-z_][\w-]*:\s*(.*)$`)
)

// escapeBase moves backslash-escaped punctuation into the private use area
// while inline markup is stripped, so an escaped "\*" survives as "*".
const escapeBase = 0xE000

// markdownText returns the text of a Markdown document: headings, emphasis,
// links (their text kept), images (alt text kept), inline HTML and reference
// definitions are stripped; code fences keep their content; table rows
// become lines of cells separated by "; "; list items become lines starting
// with "- "; soft-wrapped paragraph lines are joined. YAML front matter
// keeps its text values, one per line.
func markdownText(data []byte, lim Limits) (string, error) {
	if err := checkText(data); err != nil {
		return "", err
	}
	out := newLimitedBuilder(lim)
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	i := 0
	if len(lines) > 0 && strings.TrimSpace(strings.TrimPrefix(lines[0], "\ufeff")) == "---" {
		for j := 1; j < len(lines); j++ {
			if t := strings.TrimSpace(lines[j]); t == "---" || t == "..." {
				for _, l := range lines[1:j] {
					if v := yamlText(l); v != "" {
						out.WriteString(v)
						out.WriteString("\n")
					}
				}
				out.WriteString("\n")
				i = j + 1
				break
			}
		}
	}

	var para []string
	paraSep := "\n\n"
	flush := func() {
		if len(para) > 0 {
			out.WriteString(strings.Join(para, " "))
			out.WriteString(paraSep)
			para = para[:0]
		}
		paraSep = "\n\n"
	}
	fence := ""
	inComment := false
	for ; i < len(lines) && !out.over; i++ {
		line := lines[i]
		t := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
				out.WriteString("\n\n")
				continue
			}
			out.WriteString(line)
			out.WriteString("\n")
			continue
		}
		if inComment {
			if k := strings.Index(t, "-->"); k >= 0 {
				inComment = false
				t = strings.TrimSpace(t[k+3:])
			} else {
				continue
			}
		}
		if k := strings.Index(t, "<!--"); k >= 0 && !strings.Contains(t[k:], "-->") {
			inComment = true
			t = strings.TrimSpace(t[:k])
		}
		for strings.HasPrefix(t, ">") {
			t = strings.TrimSpace(t[1:])
		}
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			flush()
			fence = t[:3]
		case mdSetext.MatchString(t) && len(para) > 0 && paraSep == "\n\n":
			flush()
		case mdRule.MatchString(t):
			flush()
		case mdHeading.MatchString(t):
			flush()
			h := mdHeadClose.ReplaceAllString(mdHeading.ReplaceAllString(t, ""), "")
			out.WriteString(stripInline(h))
			out.WriteString("\n\n")
		case mdRefDef.MatchString(t):
		case strings.HasPrefix(t, "|"):
			flush()
			if mdTableSep.MatchString(t) {
				continue
			}
			if row := tableRow(t); row != "" {
				out.WriteString(row)
				out.WriteString("\n")
			}
		case mdListItem.MatchString(t):
			flush()
			paraSep = "\n"
			if item := stripInline(mdListItem.ReplaceAllString(t, "")); item != "" {
				para = append(para, "- "+item)
			}
		default:
			if s := stripInline(t); s != "" {
				para = append(para, s)
			}
		}
	}
	flush()
	if out.over {
		return "", tooMuchText(lim)
	}
	return out.String(), nil
}

// tableRow returns the cells of a Markdown table row joined by "; ".
func tableRow(t string) string {
	t = strings.TrimSuffix(strings.TrimPrefix(t, "|"), "|")
	var cells []string
	for _, c := range strings.Split(t, "|") {
		if c = stripInline(strings.TrimSpace(c)); c != "" {
			cells = append(cells, c)
		}
	}
	return strings.Join(cells, "; ")
}

// stripInline removes inline Markdown markup from one line.
func stripInline(s string) string {
	if !strings.ContainsAny(s, "\\<[*_`~!") {
		return s
	}
	escaped := strings.IndexByte(s, '\\') >= 0
	if escaped {
		s = mdEscape.ReplaceAllStringFunc(s, func(m string) string {
			return string(rune(escapeBase + int(m[1])))
		})
	}
	if strings.IndexByte(s, '<') >= 0 {
		s = mdComment.ReplaceAllString(s, "")
		s = mdAutolink.ReplaceAllString(s, "$1")
		s = mdTag.ReplaceAllString(s, "")
	}
	if strings.IndexByte(s, '[') >= 0 {
		s = mdImage.ReplaceAllString(s, "$1")
		s = mdLink.ReplaceAllString(s, "$1")
		s = mdRefLink.ReplaceAllString(s, "$1")
	}
	if strings.IndexByte(s, '`') >= 0 {
		s = mdCode.ReplaceAllString(s, "$1")
	}
	if strings.Contains(s, "**") || strings.Contains(s, "__") || strings.Contains(s, "~~") {
		s = mdStrong.ReplaceAllString(s, "")
	}
	if strings.IndexByte(s, '_') >= 0 {
		s = mdUnderOpen.ReplaceAllString(s, "$1$2")
		s = mdUnderEnd.ReplaceAllString(s, "$1$2")
	}
	if strings.IndexByte(s, '*') >= 0 {
		s = mdStar.ReplaceAllString(s, "$1$2")
	}
	if !escaped {
		return strings.TrimSpace(s)
	}
	s = strings.Map(func(r rune) rune {
		if r >= escapeBase && r < escapeBase+128 {
			return r - escapeBase
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// yamlText returns the text value of one front matter line ("title: "X"" or
// "- "X"" gives X), or "" for keys without text, numbers, booleans and
// paths.
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
	return stripInline(t)
}
