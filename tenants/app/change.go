package app

import (
	"context"
	"errors"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// change is what one use case records about its write, in the write's own
// transaction: the context-revision bump (when it alters what the library is
// built from), one audit entry and its events.
type change struct {
	// Action and Resource name the audit entry ("document.upload",
	// "document/<id>"); Detail is its detail (may be nil).
	Action, Resource string
	Detail           map[string]any
	// Context says the change alters the company context (documents,
	// values, roles, library curation): the revision is bumped first and
	// handed to Events.
	Context bool
	// Events returns the events of the change given the new context
	// revision (0 when Context is false). May be nil.
	Events func(rev int64) []store.PendingEvent
}

// event is one pending event.
func event(typ events.Type, resource string, data any) []store.PendingEvent {
	return []store.PendingEvent{{Type: typ, Resource: resource, Data: data}}
}

// tx is one use case's transaction in the principal's tenant.
type tx struct {
	*store.Tx
	app   *App
	actor tenants.Principal
}

// inTenant runs fn in one transaction of p's tenant; fn's error rolls back
// everything, its change records included. A row not found in the tenant
// is the NotFound refusal.
func (a *App) inTenant(ctx context.Context, p tenants.Principal, fn func(tx *tx) error) error {
	err := a.store.InTenant(ctx, p.Tenant, func(stx *store.Tx) error {
		return fn(&tx{Tx: stx, app: a, actor: p})
	})
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	return err
}

// record writes c: bump, audit, events, in that order. It returns the new
// context revision (0 when c.Context is false).
func (t *tx) record(c change) (int64, error) {
	var rev int64
	if c.Context {
		var err error
		if rev, err = t.BumpContextRevision(); err != nil {
			return 0, err
		}
	}
	if err := t.Audit(t.actor.Subject, c.Action, c.Resource, c.Detail); err != nil {
		return 0, err
	}
	if c.Events == nil {
		return rev, nil
	}
	return rev, t.emit(c.Events(rev)...)
}
