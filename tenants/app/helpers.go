package app

import (
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

// Quote puts s in double quotes for a refusal's detail, cut at 64 bytes.
func Quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return "\"" + s + "\""
}
