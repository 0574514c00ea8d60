package plan

import (
	"strconv"

	"github.com/google/uuid"
)

// itemSpace is the UUID namespace of plan item ids.
var itemSpace = uuid.MustParse("3d0f6a52-6c1e-4f7b-9a55-0c2b7e1d8f41")

// itemID returns the id of the n-th item (from 0) the employee's plan has
// held for the competency slug: a name-based (SHA-1, version 5) UUID of the
// employee id, the slug and, after the first, n. The first item of a
// competency thus always gets the same id, and an item opened again after an
// earlier one closed gets a new, equally reproducible one.
func itemID(employeeID, slug string, n int) string {
	name := employeeID + "\x00" + slug
	if n > 0 {
		name += "\x00" + strconv.Itoa(n)
	}
	return uuid.NewSHA1(itemSpace, []byte(name)).String()
}
