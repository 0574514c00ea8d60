// Package frameworks answers, inside a tenant's transaction, which tailored
// role framework an employee is held to: the one of the tenant's latest
// library version, so that assessments and plans follow the company's
// library, not the generic catalog.
package frameworks

import (
	"errors"
	"fmt"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants/store"
)

// ErrUnknownRole is returned for a role neither the library nor the catalog
// knows.
var ErrUnknownRole = errors.New("frameworks: unknown role")

// Tailored is a role framework and the library version it came from (0 when
// the tenant has no library yet and the catalog framework is used).
type Tailored struct {
	Framework      competency.RoleFramework
	LibraryVersion int
}

// For returns the framework of role for the transaction's tenant.
//
// Until the library builder produces tailored frameworks, this is the
// catalog framework for the tenant's industry, tagged with the latest
// library version.
func For(tx *store.Tx, role string) (Tailored, error) {
	t, err := tx.LoadTenant()
	if err != nil {
		return Tailored{}, err
	}
	version := 0
	latest, err := tx.LatestLibrary()
	switch {
	case err == nil:
		version = latest.Version
	case !errors.Is(err, store.ErrNotFound):
		return Tailored{}, err
	}
	f, err := catalog.Default().Framework(role, competency.Industry(t.Industry))
	if err != nil {
		return Tailored{}, fmt.Errorf("%w: %q", ErrUnknownRole, role)
	}
	return Tailored{Framework: f, LibraryVersion: version}, nil
}
