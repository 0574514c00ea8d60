package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// LibraryWorkerName is the durable consumer name of the library builder.
const LibraryWorkerName = "library"

// Library returns the library builder (DESIGN §4.1, §5): on any change to a
// tenant's context — documents, values, curation (library.changed, which
// POST /v1/library/rebuild also emits), employees — it builds the tenant's
// library from everything current and stores a new version when the
// inputs' digest differs from the latest version's.
//
// Coalescing: the builder holds the tenant's "library" lock for the whole
// transaction and records, in the tenant's build mark, the context revision
// and employee roles it examined. Every API write that changes an input
// bumps the context revision in its own transaction and emits its event
// there (a rebuild request too, so it is never covered by an earlier
// examination). An event is skipped, at the cost of a lock and a few small
// reads, when
//   - it carries a revision older than the tenant's current one: the event
//     of the later change is committed too and will build for both; or
//   - the tenant is still at or below the marked revision with the same
//     roles: an earlier examination covered it.
//
// So a burst of uploads costs a few builds and the last covers them all.
// Employee events that leave the set of roles alone carry no revision and
// are covered by the roles comparison.
//
// Keeping up: the first reason to skip holds only while the mark is younger
// than half of DefaultLibraryMaxStaleness. Under a steady stream of uploads,
// where every event but the last has a later one behind it, a tenant's
// library is still rebuilt from everything committed before the build
// started at least that often, so no input waits much longer than the
// bound for a version that covers it, and the number of builds stays
// bounded by the rate, not the number, of changes.
func Library() Worker { return LibraryWithMaxStaleness(DefaultLibraryMaxStaleness) }

// DefaultLibraryMaxStaleness is the library builder's bound on how long an
// input may wait for a version that covers it under continuous input
// (CADRE_LIBRARY_MAX_STALENESS).
const DefaultLibraryMaxStaleness = 5 * time.Second

// LibraryWithMaxStaleness returns the library builder (see Library) with
// the given staleness bound (DefaultLibraryMaxStaleness when not positive):
// an event with a later one behind it is skipped only while the tenant's
// last examination is younger than half of maxStaleness, which leaves the
// other half to the build itself.
func LibraryWithMaxStaleness(maxStaleness time.Duration) Worker {
	if maxStaleness <= 0 {
		maxStaleness = DefaultLibraryMaxStaleness
	}
	return Worker{
		Name: LibraryWorkerName,
		Types: []events.Type{events.TypeTenantCreated, events.TypeDocumentUploaded, events.TypeDocumentDeleted,
			events.TypeValuesUpdated, events.TypeLibraryChanged,
			events.TypeEmployeeCreated, events.TypeEmployeeUpdated, events.TypeEmployeeDeleted},
		Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
			return buildLibrary(tx, ev, maxStaleness/2)
		},
	}
}

// buildLibrary handles one event of the library builder; an event with a
// later one behind it waits for that one while the last examination is
// younger than skipFor.
func buildLibrary(tx *store.Tx, ev events.Event, skipFor time.Duration) error {
	// The lock serializes builders of one tenant until this transaction
	// ends; the mark, the latest version and the new one are read and
	// written under it.
	if err := tx.LockTenant("library"); err != nil {
		return err
	}
	tenant, err := tx.LoadTenant()
	if errors.Is(err, store.ErrNotFound) {
		return nil // the tenant was deleted after the event; nothing to build
	}
	if err != nil {
		return err
	}
	rev, err := eventRevision(ev)
	if err != nil {
		return err
	}
	mark, err := tx.LibraryBuildMark()
	hasMark := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if rev > 0 && rev < tenant.ContextRevision && hasMark && now.Sub(mark.CheckedAt) < skipFor {
		// A later change is committed, and its event (written in the same
		// transaction as the change) is on its way: that one builds for
		// both, so a burst costs a build per wave, not per upload. Once
		// the last examination is older than skipFor, this event builds
		// from everything committed by now, so that a steady stream of
		// changes does not starve the library.
		return nil
	}
	roles, err := tx.EmployeeRoleSlugs()
	if err != nil {
		return err
	}
	if roles == nil {
		roles = []string{}
	}
	if hasMark && tenant.ContextRevision <= mark.ContextRevision && slices.Equal(roles, mark.Roles) {
		return nil // an earlier build examined this context already
	}
	in, meta, err := libraryInputs(tx, tenant, roles)
	if err != nil {
		return err
	}
	digest := library.Digest(in)
	if err := tx.SetLibraryBuildMark(store.BuildMark{ContextRevision: tenant.ContextRevision, Roles: roles, Digest: digest, CheckedAt: now}); err != nil {
		return err
	}
	latest, err := tx.LatestLibrary()
	hasLatest := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if hasLatest && latest.Digest == digest {
		return nil // unchanged inputs make no new version
	}
	lib, err := library.Build(in)
	if err != nil {
		// Inputs Build refuses do not get better by retrying: park the event.
		return fmt.Errorf("%w: build library: %w", ErrPermanent, err)
	}
	next := store.LibraryVersion{Version: 1, BuiltAt: now, ContextRevision: tenant.ContextRevision, Library: lib, Inputs: meta}
	var prev library.Library
	if hasLatest {
		next.Version, prev = latest.Version+1, latest.Library
	}
	next.Summary = store.NewLibrarySummary(library.Diff(prev, lib))
	if err := tx.InsertLibraryVersion(next); err != nil {
		return err
	}
	_, err = tx.Emit(events.TypeLibraryRebuilt, fmt.Sprint(next.Version), events.LibraryRebuilt{Version: next.Version, Digest: lib.Digest,
		ContextRevision: next.ContextRevision, Added: next.Summary.Added, Removed: next.Summary.Removed, Changed: next.Summary.Changed})
	return err
}

// eventRevision is the context revision an event carries (0: none, e.g.
// tenant.created or an employee change that left the set of roles alone).
// Data that is not a JSON object is ErrPermanent, as in the other workers.
func eventRevision(ev events.Event) (int64, error) {
	var p struct {
		ContextRevision int64 `json:"context_revision"`
	}
	if len(ev.Data) == 0 {
		return 0, nil
	}
	if err := json.Unmarshal(ev.Data, &p); err != nil {
		return 0, fmt.Errorf("%w: %s data: %v", ErrPermanent, ev.Type, err)
	}
	return p.ContextRevision, nil
}

// libraryInputs gathers everything library.Build reads, and the text-free
// description of it that the version stores.
func libraryInputs(tx *store.Tx, tenant store.Tenant, roles []string) (library.Inputs, store.LibraryInputs, error) {
	docs, err := tx.AllDocuments()
	if err != nil {
		return library.Inputs{}, store.LibraryInputs{}, err
	}
	values, err := tx.Values()
	if err != nil {
		return library.Inputs{}, store.LibraryInputs{}, err
	}
	overrides, err := tx.Overrides()
	if err != nil {
		return library.Inputs{}, store.LibraryInputs{}, err
	}
	in := library.Inputs{Industry: competency.Industry(tenant.Industry), Documents: make([]library.Document, 0, len(docs)),
		Values: make([]library.Value, 0, len(values)), Roles: roles, Overrides: overrides}
	meta := store.LibraryInputs{Documents: make([]store.LibraryInputDocument, 0, len(docs)), Values: make([]string, 0, len(values)),
		Roles: roles, Overrides: len(overrides)}
	for _, d := range docs {
		in.Documents = append(in.Documents, library.Document{ID: d.ID.String(), Title: d.Title, Text: d.Text})
		meta.Documents = append(meta.Documents, store.LibraryInputDocument{ID: d.ID.String(), Title: d.Title, SHA256: d.SHA256})
	}
	for _, v := range values {
		in.Values = append(in.Values, library.Value{Name: v.Name, Description: v.Description})
		meta.Values = append(meta.Values, v.Name)
	}
	return in, meta, nil
}
