package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestInTenantRetriesALostDeadlock makes two transactions deadlock for
// real on PostgreSQL: each updates its own employee, waits until the other
// has done the same, then updates the other's. PostgreSQL aborts one of
// them (40P01); InTenant runs that one's function again, and both commit.
// The loser's function runs twice, its first run leaves nothing behind
// (its audit entry is rolled back), and each function commits exactly
// once. Another tenant's transaction is neither blocked nor retried.
func TestInTenantRetriesALostDeadlock(t *testing.T) {
	db := storetest.Postgres(t)
	s := db.Store
	ctx := context.Background()
	a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
	e1, e2 := newEmployee("one", "data-analyst", uuid.Nil), newEmployee("two", "data-analyst", uuid.Nil)
	inTenant(t, s, a, func(tx *store.Tx) error {
		if err := tx.InsertEmployee(e1); err != nil {
			return err
		}
		return tx.InsertEmployee(e2)
	})

	// locked[i] is closed once transaction i holds its first row lock (in
	// its first run only: a re-run must not wait for a partner that has
	// moved on).
	locked := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	var runs [2]atomic.Int32
	first, second := [2]store.Employee{e1, e2}, [2]store.Employee{e2, e1}
	run := func(i int) error {
		return s.InTenant(ctx, a, func(tx *store.Tx) error {
			n := runs[i].Add(1)
			if err := tx.Audit("test", "deadlock.run", string(rune('A'+i)), nil); err != nil {
				return err
			}
			e := first[i]
			e.Name = "by " + string(rune('A'+i))
			if err := tx.UpdateEmployee(e); err != nil {
				return err
			}
			if n == 1 {
				close(locked[i])
				<-locked[1-i]
			}
			e = second[i]
			e.Name = "by " + string(rune('A'+i))
			return tx.UpdateEmployee(e)
		})
	}
	var wg sync.WaitGroup
	var errs [2]error
	for i := range 2 {
		wg.Go(func() { errs[i] = run(i) })
	}
	// Once both hold a lock, another tenant's transaction runs once and
	// commits: the retry is the losing transaction's alone.
	<-locked[0]
	<-locked[1]
	other := 0
	err := s.InTenant(ctx, b, func(tx *store.Tx) error {
		other++
		return tx.Audit("test", "other.tenant", "", nil)
	})
	if err != nil || other != 1 {
		t.Errorf("other tenant: ran %d times, %v; want once, nil", other, err)
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("transaction %d: got %v, want nil (the loser re-run)", i, err)
		}
	}
	got := []int32{runs[0].Load(), runs[1].Load()}
	if got[0]+got[1] != 3 || min(got[0], got[1]) != 1 {
		t.Errorf("runs = %v, want one function run once and the other twice", got)
	}
	var entries []store.AuditEntry
	inTenant(t, s, a, func(tx *store.Tx) (err error) {
		entries, err = tx.AuditLog(100)
		return err
	})
	committed := map[string]int{}
	for _, e := range entries {
		if e.Action == "deadlock.run" {
			committed[e.Resource]++
		}
	}
	if committed["A"] != 1 || committed["B"] != 1 {
		t.Errorf("committed runs by function = %v, want A:1 B:1", committed)
	}
}

// TestInTenantGivesUpOnRetry: a function that keeps losing is run a
// bounded number of times and its ErrRetry (an ErrUnavailable) returned;
// a cancelled context stops the retries. Other errors are not retried.
func TestInTenantGivesUpOnRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a := newTenant(t, s, "acme")
		count := func(ctx context.Context, tenant tenants.ID, fnErr error) (int, error) {
			n := 0
			err := s.InTenant(ctx, tenant, func(tx *store.Tx) error {
				n++
				return fnErr
			})
			return n, err
		}
		n, err := count(context.Background(), a, store.ErrRetry)
		if n != 5 || !errors.Is(err, store.ErrRetry) || !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("always losing: ran %d times, %v; want 5 times, ErrRetry", n, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n = 0
		err = s.InTenant(ctx, a, func(tx *store.Tx) error {
			n++
			cancel() // the caller gives up while the first run loses
			return store.ErrRetry
		})
		if n != 1 || !errors.Is(err, store.ErrRetry) {
			t.Errorf("cancelled during the first run: ran %d times, %v; want once, ErrRetry", n, err)
		}
		if n, err := count(context.Background(), a, store.ErrConflict); n != 1 || !errors.Is(err, store.ErrConflict) {
			t.Errorf("conflict: ran %d times, %v; want once, ErrConflict", n, err)
		}
	})
}
