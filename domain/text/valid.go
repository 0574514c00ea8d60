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
