package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func TestIdempotencyKeyClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		key := store.IdempotencyScope{Subject: "alice", Method: "POST", Route: "/v1/documents", Key: "k1"}

		prev, claimed, err := s.ClaimIdempotencyKey(ctx, a, key, "h1")
		if err != nil || !claimed {
			t.Fatalf("first claim: claimed %v, err %v; want claimed", claimed, err)
		}
		// While the first request runs, a duplicate sees it in flight.
		prev, claimed, err = s.ClaimIdempotencyKey(ctx, a, key, "h1")
		if err != nil || claimed || !prev.InFlight() {
			t.Fatalf("duplicate: claimed %v, prev %+v, err %v; want the in-flight claim", claimed, prev, err)
		}
		// Another tenant, another subject or another route is another key.
		for _, other := range []struct {
			name  string
			scope store.IdempotencyScope
			in    func() (bool, error)
		}{
			{"other tenant", key, func() (bool, error) { _, c, err := s.ClaimIdempotencyKey(ctx, b, key, "h1"); return c, err }},
			{"other subject", store.IdempotencyScope{Subject: "bob", Method: "POST", Route: "/v1/documents", Key: "k1"}, nil},
			{"other route", store.IdempotencyScope{Subject: "alice", Method: "POST", Route: "/v1/employees", Key: "k1"}, nil},
		} {
			var c bool
			if other.in != nil {
				c, err = other.in()
			} else {
				_, c, err = s.ClaimIdempotencyKey(ctx, a, other.scope, "h1")
			}
			if err != nil || !c {
				t.Errorf("%s: claimed %v, err %v; want its own claim", other.name, c, err)
			}
		}

		// A completed answer is replayed.
		if err := s.CompleteIdempotencyKey(ctx, a, key, store.IdempotentResponse{Subject: "alice", RequestHash: "h1", Status: 201, Body: []byte(`{"id":1}`)}); err != nil {
			t.Fatal(err)
		}
		prev, claimed, err = s.ClaimIdempotencyKey(ctx, a, key, "h1")
		if err != nil || claimed || prev.Status != 201 || string(prev.Body) != `{"id":1}` || prev.RequestHash != "h1" {
			t.Fatalf("after completion: claimed %v, prev %+v, err %v; want the stored 201", claimed, prev, err)
		}
		// A completed answer cannot be released.
		if err := s.ReleaseIdempotencyKey(ctx, a, key); err != nil {
			t.Fatal(err)
		}
		if prev, claimed, _ = s.ClaimIdempotencyKey(ctx, a, key, "h1"); claimed || prev.Status != 201 {
			t.Errorf("release of a completed key: claimed %v, prev %+v; want the stored answer kept", claimed, prev)
		}

		// A released claim lets the next request run.
		key2 := store.IdempotencyScope{Subject: "alice", Method: "POST", Route: "/v1/documents", Key: "k2"}
		if _, claimed, _ := s.ClaimIdempotencyKey(ctx, a, key2, "bad"); !claimed {
			t.Fatal("claim k2")
		}
		if err := s.ReleaseIdempotencyKey(ctx, a, key2); err != nil {
			t.Fatal(err)
		}
		if _, claimed, err := s.ClaimIdempotencyKey(ctx, a, key2, "good"); err != nil || !claimed {
			t.Errorf("after release: claimed %v, err %v; want a new claim", claimed, err)
		}
	})
}

func TestIdempotencyKeyOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a := newTenant(t, s, "acme")
		key := store.IdempotencyScope{Subject: "alice", Method: "POST", Route: "/v1/assessments", Key: "race"}
		const n = 16
		var wg sync.WaitGroup
		var mu sync.Mutex
		winners := 0
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					_, claimed, err := s.ClaimIdempotencyKey(ctx, a, key, "h")
					if errors.Is(err, store.ErrRetry) {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					if claimed {
						mu.Lock()
						winners++
						mu.Unlock()
					}
					return
				}
			}()
		}
		wg.Wait()
		if winners != 1 {
			t.Errorf("%d concurrent claims won, want 1", winners)
		}
	})
}
