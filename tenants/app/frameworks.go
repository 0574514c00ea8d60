package app

import (
	"errors"
	"fmt"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants/store"
)

// ErrUnknownRole is returned for a role neither the library nor the catalog
// knows.
var ErrUnknownRole = errors.New("app: unknown role")

// Tailored is a role framework and the library version it came from (0 when
// the tenant has no library yet; a catalog framework standing in for a role
// the library lacks carries the latest version).
type Tailored struct {
	Framework      competency.RoleFramework
	LibraryVersion int
}

// Framework answers, inside a tenant's transaction, which role framework
// an employee of role is held to, so that assessments and plans follow the
// company's library, not the generic catalog: the tailored framework of the
// latest library version (library.RoleFramework: retired and proposed
// competencies left out), or, when the tenant has no library yet or the
// library has no framework for the role (nobody in the company held it at
// the last build), the catalog framework for the tenant's industry, tagged
// with the latest library version (0 without one). It is a read, shared by
// the API and the workers.
func Framework(tx *store.Tx, role string) (Tailored, error) {
	version := 0
	latest, err := tx.LatestLibrary()
	switch {
	case err == nil:
		version = latest.Version
		if f, ok := latest.RoleFramework(role); ok {
			return Tailored{Framework: f, LibraryVersion: version}, nil
		}
	case !errors.Is(err, store.ErrNotFound):
		return Tailored{}, err
	}
	t, err := tx.LoadTenant()
	if err != nil {
		return Tailored{}, err
	}
	f, err := catalog.Default().Framework(role, competency.Industry(t.Industry))
	if err != nil {
		return Tailored{}, fmt.Errorf("%w: %q", ErrUnknownRole, role)
	}
	return Tailored{Framework: f, LibraryVersion: version}, nil
}
