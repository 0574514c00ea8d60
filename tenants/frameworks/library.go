package frameworks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants/store"
)

// LibraryVersion is one stored, immutable library version: the library that
// library.Build made, with the number, time, context revision, inputs and
// change summary the builder stored around it. Its JSON is the stored
// content of the version and the DESIGN §7.1 `library` shape.
type LibraryVersion struct {
	Version         int       `json:"version"`
	BuiltAt         time.Time `json:"built_at"`
	ContextRevision int64     `json:"context_revision"`
	library.Library
	Inputs  Inputs  `json:"inputs"`
	Summary Summary `json:"summary"`
}

// Inputs names what a version was built from, without any document text:
// the documents (id, title, hash), the value names, the employees' role
// slugs and how many overrides applied.
type Inputs struct {
	Documents []InputDocument `json:"documents"`
	Values    []string        `json:"values"`
	Roles     []string        `json:"roles"`
	Overrides int             `json:"overrides"`
}

// InputDocument is a document a version was built from.
type InputDocument struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	SHA256 string `json:"sha256"`
}

// Summary is how a version differs from the previous one: counts, and the
// slugs behind them (library.Diff). The first version adds everything.
type Summary struct {
	Added   int             `json:"added"`
	Removed int             `json:"removed"`
	Changed int             `json:"changed"`
	Changes library.Changes `json:"changes"`
}

// NewSummary counts c.
func NewSummary(c library.Changes) Summary {
	if c.Added == nil {
		c.Added = []string{}
	}
	if c.Removed == nil {
		c.Removed = []string{}
	}
	if c.Changed == nil {
		c.Changed = []library.Change{}
	}
	return Summary{Added: len(c.Added), Removed: len(c.Removed), Changed: len(c.Changed), Changes: c}
}

// Decode reads a stored version's content.
func Decode(v store.LibraryVersion) (LibraryVersion, error) {
	var out LibraryVersion
	if err := json.Unmarshal(v.Content, &out); err != nil {
		return LibraryVersion{}, fmt.Errorf("decode library version %d: %w", v.Version, err)
	}
	// The columns are the truth for the metadata.
	out.Version, out.ContextRevision, out.BuiltAt = v.Version, v.ContextRevision, v.BuiltAt.UTC()
	if out.Digest == "" {
		out.Digest = v.Digest
	}
	return out, nil
}

// Latest returns the tenant's newest library version, or store.ErrNotFound.
func Latest(tx *store.Tx) (LibraryVersion, error) {
	v, err := tx.LatestLibrary()
	if err != nil {
		return LibraryVersion{}, err
	}
	return Decode(v)
}

// Version returns version n of the tenant's library, or store.ErrNotFound.
func Version(tx *store.Tx, n int) (LibraryVersion, error) {
	v, err := tx.LibraryVersion(n)
	if err != nil {
		return LibraryVersion{}, err
	}
	return Decode(v)
}
