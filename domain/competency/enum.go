package competency

import (
	"fmt"
	"strings"
)

// enumName returns names[v-1], or "" when v is out of range (the zero value
// included).
func enumName(names []string, v uint8) string {
	if v == 0 || int(v) > len(names) {
		return ""
	}
	return names[v-1]
}

// enumParse finds s (case-insensitively, surrounding space ignored) among
// names and returns its 1-based index, or an error wrapping sentinel that
// lists the valid names.
func enumParse(names []string, s string, sentinel error) (uint8, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range names {
		if n == t {
			return uint8(i + 1), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want one of %s)", sentinel, s, strings.Join(names, ", "))
}

// enumMarshal returns the text form of v, or an error wrapping sentinel when v
// is unset or out of range.
func enumMarshal(names []string, v uint8, sentinel error) ([]byte, error) {
	n := enumName(names, v)
	if n == "" {
		return nil, fmt.Errorf("%w: %d", sentinel, v)
	}
	return []byte(n), nil
}
