package extract

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// checkText rejects bytes that cannot be UTF-8 text: invalid sequences and
// NUL bytes (which mark a binary file sent under a text type).
func checkText(data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Errorf("NUL byte at offset %d in text: %w", i, ErrUnreadable)
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return fmt.Errorf("invalid UTF-8 at offset %d: %w", off, ErrUnreadable)
	}
	return nil
}

// plainText returns the text of a text/plain document.
func plainText(data []byte) (string, error) {
	if err := checkText(data); err != nil {
		return "", err
	}
	return string(data), nil
}
