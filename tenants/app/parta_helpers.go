package app

import (
	"unicode/utf8"

	"github.com/cadrehq/cadre/tenants/store"
)

// emit records events without an audit entry, for the changes that have
// none (a tenant's erasure, an employee's own plan). Like record, it fails
// under the tests' emit fault.
func (t *tx) emit(pending ...store.PendingEvent) error {
	if f := t.app.emitFault; f != nil {
		for _, p := range pending {
			if err := f(p.Type); err != nil {
				return err
			}
		}
	}
	return t.EmitBatch(pending)
}

// quote quotes s for a refusal's detail, cut at 64 bytes so that a long
// input does not make a long answer.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return "\"" + s + "\""
}

// truncate shortens s to at most n runes for a refusal.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
