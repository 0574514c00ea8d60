package people_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/people"
)

func TestCycles(t *testing.T) {
	t.Parallel()
	ids := make([]uuid.UUID, 8)
	for i := range ids {
		ids[i] = uuid.New()
	}
	a, b, c, d, e, f, g, h := ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7]
	for name, tc := range map[string]struct {
		managers map[uuid.UUID]uuid.UUID
		starts   []uuid.UUID
		want     [][]uuid.UUID
	}{
		"a line":                 {map[uuid.UUID]uuid.UUID{a: b, b: c}, []uuid.UUID{a, b, c}, nil},
		"an unknown manager":     {map[uuid.UUID]uuid.UUID{a: h}, []uuid.UUID{a}, nil},
		"own manager":            {map[uuid.UUID]uuid.UUID{a: a}, []uuid.UUID{a}, [][]uuid.UUID{{a}}},
		"a cycle above a tail":   {map[uuid.UUID]uuid.UUID{a: b, b: c, c: d, d: b}, []uuid.UUID{a}, [][]uuid.UUID{{b, c, d}}},
		"found once, two starts": {map[uuid.UUID]uuid.UUID{a: b, b: a}, []uuid.UUID{a, b}, [][]uuid.UUID{{a, b}}},
		"two cycles": {map[uuid.UUID]uuid.UUID{a: b, b: a, c: d, d: e, e: c, f: g}, []uuid.UUID{f, c, a},
			[][]uuid.UUID{{c, d, e}, {a, b}}},
	} {
		calls := map[uuid.UUID]int{}
		got, err := people.Cycles(tc.starts, func(id uuid.UUID) (uuid.UUID, error) {
			calls[id]++
			return tc.managers[id], nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: cycles (-want +got):\n%s", name, diff)
		}
		for id, n := range calls {
			if n > 1 {
				t.Errorf("%s: the manager of %s asked %d times, want once", name, id, n)
			}
		}
	}
}

func TestCyclesStopsAtAnError(t *testing.T) {
	t.Parallel()
	boom := errors.New("lookup failed")
	_, err := people.Cycles([]uuid.UUID{uuid.New()}, func(uuid.UUID) (uuid.UUID, error) { return uuid.Nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the lookup's", err)
	}
}
