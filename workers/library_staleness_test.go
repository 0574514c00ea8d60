package workers_test

import (
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// TestLibraryKeepsUpUnderContinuousInput: an upload event with a later
// upload behind it is skipped while the tenant's last build is fresh (a
// burst coalesces), and builds once that build is older than half the
// staleness bound, from everything committed by then (a steady stream does
// not starve the library). Another tenant's library is left alone.
func TestLibraryKeepsUpUnderContinuousInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := newStack(t, db, 1)
		a, b := s.tenant(t, "acme"), s.tenant(t, "globex")
		upload := func(tenant tenants.ID, i int) int64 {
			rev, err := s.upload(t.Context(), tenant, i)
			if err != nil {
				t.Fatal(err)
			}
			return rev
		}
		handle := func(w workers.Worker, rev int64) {
			t.Helper()
			ev, err := events.New(a, events.TypeDocumentUploaded, "doc", events.DocumentUploaded{DocumentID: tenants.NewID().String(),
				Title: "doc", ContentType: "text/plain", SizeBytes: 1, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				ContextRevision: rev}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Store.InTenant(t.Context(), a, func(tx *store.Tx) error { return w.Handle(t.Context(), tx, ev) }); err != nil {
				t.Fatalf("handle revision %d: %v", rev, err)
			}
		}
		fresh := workers.LibraryWithMaxStaleness(time.Hour)           // the last build is always fresh
		stale := workers.LibraryWithMaxStaleness(2 * time.Nanosecond) // the last build is always stale

		upload(a, 0)
		rev := upload(a, 1)
		handle(fresh, rev) // the latest event: builds
		if vs := s.versions(t, a); len(vs) != 1 || vs[0][1] != rev {
			t.Fatalf("after the latest event: versions %v, want one at revision %d", vs, rev)
		}
		older := upload(a, 2)
		latest := upload(a, 3)
		handle(fresh, older)
		if vs := s.versions(t, a); len(vs) != 1 {
			t.Errorf("an older event with a fresh build: versions %v, want it skipped (coalesced)", vs)
		}
		handle(stale, older)
		if vs := s.versions(t, a); len(vs) != 2 || vs[1][1] != latest {
			t.Errorf("an older event with a stale build: versions %v, want a second one covering revision %d", vs, latest)
		}
		handle(stale, older) // covered now by the mark: nothing more to build
		if vs := s.versions(t, a); len(vs) != 2 {
			t.Errorf("an event already covered: versions %v, want still 2", vs)
		}
		if vs := s.versions(t, b); len(vs) != 0 {
			t.Errorf("versions of the other tenant %v, want none (cross-tenant)", vs)
		}
	})
}
