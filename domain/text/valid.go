package text

import "unicode/utf8"

// Clean reports text that is valid UTF-8 without NUL or other control
// characters. Tabs are allowed; line breaks (\n, \r) only when multiline.
func Clean(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && (!multiline || r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

// Name reports a single-line name or title: Clean without line breaks, and
// without bidirectional control characters, which can make a name display
// as something else than it is (U+202E RIGHT-TO-LEFT OVERRIDE turns
// "invoice‮fdp.exe" into "invoiceexe.pdf").
func Name(s string) bool { return Clean(s, false) && !HasBidiControl(s) }

// HasBidiControl reports whether s holds a bidirectional formatting
// character: the embeddings and overrides U+202A–U+202E, the isolates
// U+2066–U+2069, and the marks U+200E, U+200F and U+061C.
func HasBidiControl(s string) bool {
	for _, r := range s {
		switch {
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
			return true
		}
	}
	return false
}
