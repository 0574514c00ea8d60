package people

import (
	"slices"

	"github.com/google/uuid"
)

// OwnManagerRule is the message of the shortest reporting cycle, an
// employee who would manage themselves, which both paths name on its own.
const OwnManagerRule = "an employee cannot be their own manager"

// ManagerOf returns the manager of employee id as the reporting line will
// be after a change: uuid.Nil when id has no manager or is no known
// employee (the line ends there).
type ManagerOf func(id uuid.UUID) (uuid.UUID, error)

// Cycles follows the reporting line up from each of starts, in order, and
// returns every reporting cycle it meets, once each, as the employees on it
// from the first one met again. Each employee is followed once across all
// starts, so checking a whole import costs one walk, not one per row. It
// stops at managerOf's first error.
//
// This is the one rule both a single change of manager and an import apply:
// a change is refused when the line above the changed employee comes back to
// someone already on it.
func Cycles(starts []uuid.UUID, managerOf ManagerOf) ([][]uuid.UUID, error) {
	const (
		onPath = 1 // on the line being followed
		done   = 2 // followed before: no cycle through it is left to find
	)
	state := make(map[uuid.UUID]uint8, len(starts))
	var cycles [][]uuid.UUID
	for _, start := range starts {
		var path []uuid.UUID
		id := start
		for id != uuid.Nil && state[id] == 0 {
			state[id] = onPath
			path = append(path, id)
			m, err := managerOf(id)
			if err != nil {
				return nil, err
			}
			id = m
		}
		if id != uuid.Nil && state[id] == onPath {
			cycles = append(cycles, slices.Clone(path[slices.Index(path, id):]))
		}
		for _, c := range path {
			state[c] = done
		}
	}
	return cycles, nil
}
