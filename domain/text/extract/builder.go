package extract

import "strings"

// limitedBuilder accumulates raw extracted text and stops growing once max
// bytes are written, so a hostile document cannot make an extractor allocate
// far more than the text limit allows.
type limitedBuilder struct {
	b    strings.Builder
	max  int
	over bool
}

// newLimitedBuilder returns a builder for the raw text of a document under
// lim: eight bytes per allowed character leaves room for multi-byte runes and
// the whitespace that normalisation removes.
func newLimitedBuilder(lim Limits) *limitedBuilder {
	return &limitedBuilder{max: 8 * lim.MaxExtractedChars}
}

// WriteString appends s unless the limit has been reached.
func (l *limitedBuilder) WriteString(s string) {
	if l.over {
		return
	}
	if l.b.Len()+len(s) > l.max {
		l.over = true
		return
	}
	l.b.WriteString(s)
}

// String returns the text written so far.
func (l *limitedBuilder) String() string { return l.b.String() }
