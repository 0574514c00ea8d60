package workers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// LibraryWorkerName is the durable consumer name of the library builder.
const LibraryWorkerName = "library"

// LibraryDocument is a document the library was built from.
type LibraryDocument struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	SHA256 string `json:"sha256"`
}

// LibraryInputs is what a library version was built from: exactly the
// tenant's documents, values and context revision at build time. (The
// competency builder of DESIGN §4.1 turns these into competencies; until it
// lands, a version records its inputs honestly and nothing more.)
type LibraryInputs struct {
	Industry        string            `json:"industry"`
	ContextRevision int64             `json:"context_revision"`
	Documents       []LibraryDocument `json:"documents"`
	Values          []string          `json:"values"`
}

// LibraryContent is the stored library document of one version.
type LibraryContent struct {
	Version         int            `json:"version"`
	BuiltAt         time.Time      `json:"built_at"`
	Digest          string         `json:"digest"`
	ContextRevision int64          `json:"context_revision"`
	Inputs          LibraryInputs  `json:"inputs"`
	Summary         LibrarySummary `json:"summary"`
	Competencies    []any          `json:"competencies"`
	Frameworks      []any          `json:"frameworks"`
}

// LibrarySummary counts the changes against the previous version.
type LibrarySummary struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
}

// Library returns the library builder: on any change to a tenant's context
// it builds a new version for the current context revision, under the
// tenant's lock, skipping events whose revision a version already covers,
// so a burst of uploads costs a few builds and the last covers them all.
func Library() Worker {
	return Worker{
		Name: LibraryWorkerName,
		Types: []events.Type{events.TypeTenantCreated, events.TypeDocumentUploaded, events.TypeDocumentDeleted,
			events.TypeValuesUpdated, events.TypeLibraryChanged},
		Handle: buildLibrary,
	}
}

// eventRevision is the context revision an event carries (0: none).
func eventRevision(ev events.Event) int64 {
	var p struct {
		ContextRevision int64 `json:"context_revision"`
	}
	_ = json.Unmarshal(ev.Data, &p)
	return p.ContextRevision
}

func buildLibrary(ctx context.Context, tx *store.Tx, ev events.Event) error {
	if err := tx.LockTenant("library"); err != nil {
		return err
	}
	latest, err := tx.LatestLibrary()
	hasLatest := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if hasLatest && eventRevision(ev) > 0 && eventRevision(ev) <= latest.ContextRevision {
		return nil // a version already covers this change
	}
	tenant, err := tx.LoadTenant()
	if errors.Is(err, store.ErrNotFound) {
		return nil // the tenant was deleted after the event; nothing to build
	}
	if err != nil {
		return err
	}
	if hasLatest && tenant.ContextRevision <= latest.ContextRevision {
		return nil
	}
	docs, err := tx.AllDocuments()
	if err != nil {
		return err
	}
	values, err := tx.Values()
	if err != nil {
		return err
	}
	in := LibraryInputs{Industry: tenant.Industry, ContextRevision: tenant.ContextRevision, Documents: []LibraryDocument{}, Values: []string{}}
	for _, d := range docs {
		in.Documents = append(in.Documents, LibraryDocument{ID: d.ID.String(), Title: d.Title, SHA256: d.SHA256})
	}
	for _, v := range values {
		in.Values = append(in.Values, v.Name+": "+v.Description)
	}
	digest := inputsDigest(in)
	if hasLatest && latest.Digest == digest {
		return nil // unchanged inputs make no new version
	}
	next := LibraryContent{Version: 1, BuiltAt: time.Now().UTC(), Digest: digest, ContextRevision: tenant.ContextRevision,
		Inputs: in, Competencies: []any{}, Frameworks: []any{}}
	if hasLatest {
		next.Version = latest.Version + 1
		var prev LibraryContent
		if err := json.Unmarshal(latest.Content, &prev); err == nil {
			next.Summary = diffDocuments(prev.Inputs, in)
		}
	} else {
		next.Summary.Added = len(in.Documents)
	}
	content, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("build library: %w", err)
	}
	summary, _ := json.Marshal(next.Summary)
	if err := tx.InsertLibraryVersion(store.LibraryVersion{Version: next.Version, Digest: digest, ContextRevision: next.ContextRevision,
		BuiltAt: next.BuiltAt, Content: content, Summary: summary}); err != nil {
		return err
	}
	_, err = tx.Emit(events.TypeLibraryRebuilt, fmt.Sprint(next.Version), events.LibraryRebuilt{Version: next.Version, Digest: digest,
		ContextRevision: next.ContextRevision, Added: next.Summary.Added, Removed: next.Summary.Removed, Changed: next.Summary.Changed})
	return err
}

func inputsDigest(in LibraryInputs) string {
	b, _ := json.Marshal(struct {
		Industry  string            `json:"industry"`
		Documents []LibraryDocument `json:"documents"`
		Values    []string          `json:"values"`
	}{in.Industry, in.Documents, in.Values})
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// diffDocuments counts documents added and removed between two inputs, and
// a change of values as one change.
func diffDocuments(prev, next LibraryInputs) LibrarySummary {
	var s LibrarySummary
	old := map[string]bool{}
	for _, d := range prev.Documents {
		old[d.ID] = true
	}
	for _, d := range next.Documents {
		if !old[d.ID] {
			s.Added++
		}
		delete(old, d.ID)
	}
	s.Removed = len(old)
	if fmt.Sprint(prev.Values) != fmt.Sprint(next.Values) {
		s.Changed++
	}
	return s
}
