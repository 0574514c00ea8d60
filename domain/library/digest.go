package library

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/cadrehq/cadre/domain/catalog"
)

// digestInputs is the canonical form of Inputs hashed by Digest.
type digestInputs struct {
	CatalogVersion string `json:"catalog_version"`
	Inputs
}

// Digest returns the digest Build gives a library of in: "sha256:<hex>"
// of the canonical JSON of in and the embedded catalog's version. A caller
// holding the digest of its last library can skip a build when nothing
// changed.
func Digest(in Inputs) string { return DigestWith(catalog.Default(), in) }

// DigestWith is Digest against cat. The canonical JSON sorts documents by
// id, roles (deduplicated) and overrides by slug; values keep the order
// the company gave them, which is meaningful.
func DigestWith(cat *catalog.Catalog, in Inputs) string {
	b, err := json.Marshal(digestInputs{CatalogVersion: cat.Version(), Inputs: canonical(in)})
	if err != nil {
		// Unreachable: canonical leaves only encodable values.
		panic("library: digest: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// canonical returns a copy of in in canonical order.
func canonical(in Inputs) Inputs {
	out := Inputs{Industry: in.Industry}
	out.Documents = slices.Clone(in.Documents)
	slices.SortStableFunc(out.Documents, func(a, b Document) int { return strings.Compare(a.ID, b.ID) })
	out.Values = slices.Clone(in.Values)
	out.Roles = slices.Clone(in.Roles)
	slices.Sort(out.Roles)
	out.Roles = slices.Compact(out.Roles)
	out.Overrides = slices.Clone(in.Overrides)
	slices.SortStableFunc(out.Overrides, func(a, b Override) int { return cmp.Compare(a.Slug, b.Slug) })
	for i := range out.Overrides {
		if c := out.Overrides[i].Category; c != 0 && !c.Valid() {
			// Build rejects such an override; the digest still needs
			// JSON, so the category is hashed as absent.
			out.Overrides[i].Category = 0
		}
	}
	if out.Documents == nil {
		out.Documents = []Document{}
	}
	if out.Values == nil {
		out.Values = []Value{}
	}
	if out.Roles == nil {
		out.Roles = []string{}
	}
	if out.Overrides == nil {
		out.Overrides = []Override{}
	}
	return out
}
