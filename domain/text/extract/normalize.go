package extract

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalize returns s in NFC with whitespace normalised: line endings become
// "\n", other spacing (tabs, no-break spaces) becomes one space, control and
// zero-width characters are dropped, every line is trimmed and runs of blank
// lines collapse into one blank line, which separates paragraphs. Invalid
// UTF-8 sequences are dropped.
func normalize(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	newlines := 0 // pending newlines, emitted before the next visible rune
	space := false
	started := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u2028' || r == '\u0085':
			newlines++
			space = false
		case r == '\u2029':
			newlines += 2
			space = false
		case unicode.IsSpace(r):
			space = true
		case r == '\u200b' || r == '\ufeff' || r == '\u00ad' || r == '\u2060':
			// zero-width space, byte order mark, soft hyphen, word joiner
		case unicode.IsControl(r):
		default:
			if started {
				switch {
				case newlines >= 2:
					b.WriteString("\n\n")
				case newlines == 1:
					b.WriteByte('\n')
				case space:
					b.WriteByte(' ')
				}
			}
			newlines, space, started = 0, false, true
			b.WriteRune(r)
		}
	}
	return b.String()
}
