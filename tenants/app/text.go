package app

import "unicode/utf8"

// ValidText reports text that is valid UTF-8 without NUL or other control
// characters (tabs and newlines aside).
func ValidText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
	}
	return true
}
