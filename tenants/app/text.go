package app

import "github.com/cadrehq/cadre/domain/text"

// ValidText reports text that is valid UTF-8 without NUL or other control
// characters (tabs and newlines aside).
func ValidText(s string) bool { return text.Clean(s, true) }

// ValidName reports a single-line name or title (text.Name): valid UTF-8,
// no control characters or line breaks, no bidirectional controls.
func ValidName(s string) bool { return text.Name(s) }
