package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func newEmployee(subject, role string, manager uuid.UUID) store.Employee {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: subject, Name: "Name " + subject, Email: subject + "@example.com",
		RoleSlug: role, Tier: competency.TierMid, Team: "platform", ManagerID: manager, CreatedAt: now, UpdatedAt: now}
}

func inTenant(t *testing.T, s *store.Store, tenant tenants.ID, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.InTenant(context.Background(), tenant, fn); err != nil {
		t.Fatal(err)
	}
}

func TestEmployeesAreTenantScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		boss := newEmployee("boss", "devops-engineer", uuid.Nil)
		rep := newEmployee("rep", "data-analyst", boss.ID)
		inTenant(t, s, a, func(tx *store.Tx) error {
			if err := tx.InsertEmployee(boss); err != nil {
				return err
			}
			return tx.InsertEmployee(rep)
		})
		// The other tenant sees nothing, cannot change or delete anything,
		// and may reuse the same subject and email.
		inTenant(t, s, b, func(tx *store.Tx) error {
			if _, err := tx.Employee(boss.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant reads employee: got %v, want ErrNotFound", err)
			}
			if _, err := tx.EmployeeBySubject("boss"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant by subject: got %v, want ErrNotFound", err)
			}
			changed := boss
			changed.Name = "Mallory"
			if err := tx.UpdateEmployee(changed); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant updates: got %v, want ErrNotFound", err)
			}
			if _, _, err := tx.DeleteEmployee(boss.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant deletes: got %v, want ErrNotFound", err)
			}
			list, err := tx.Employees(store.EmployeeFilter{})
			if err != nil || len(list) != 0 {
				t.Errorf("other tenant lists %d employees (%v), want 0", len(list), err)
			}
			return tx.InsertEmployee(newEmployee("boss", "devops-engineer", uuid.Nil))
		})
		inTenant(t, s, a, func(tx *store.Tx) error {
			got, err := tx.Employee(boss.ID)
			if err != nil {
				return err
			}
			if got.Name != boss.Name || !got.SameAs(boss) {
				t.Errorf("employee after the other tenant's writes: got %+v, want %+v", got, boss)
			}
			n, err := tx.CountEmployees()
			if n != 2 {
				t.Errorf("count: got %d, want 2", n)
			}
			return err
		})
	})
}

func TestEmployeeUniquenessListAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a := newTenant(t, s, "acme")
		boss := newEmployee("boss", "devops-engineer", uuid.Nil)
		rep := newEmployee("rep", "data-analyst", boss.ID)
		noEmail := newEmployee("quiet", "data-analyst", boss.ID)
		noEmail.Email, noEmail.Team = "", "data"
		noEmail2 := newEmployee("quiet2", "data-analyst", uuid.Nil)
		noEmail2.Email = ""
		inTenant(t, s, a, func(tx *store.Tx) error {
			for _, e := range []store.Employee{boss, rep, noEmail, noEmail2} {
				if err := tx.InsertEmployee(e); err != nil {
					return err
				}
			}
			return nil
		})
		for name, e := range map[string]store.Employee{
			"same subject": newEmployee("boss", "devops-engineer", uuid.Nil),
			"same email": func() store.Employee {
				e := newEmployee("other", "devops-engineer", uuid.Nil)
				e.Email = boss.Email
				return e
			}(),
		} {
			err := s.InTenant(context.Background(), a, func(tx *store.Tx) error { return tx.InsertEmployee(e) })
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("%s: got %v, want ErrConflict", name, err)
			}
		}
		inTenant(t, s, a, func(tx *store.Tx) error {
			reports, err := tx.Employees(store.EmployeeFilter{ManagerID: boss.ID})
			if err != nil {
				return err
			}
			if len(reports) != 2 {
				t.Errorf("reports of boss: got %d, want 2", len(reports))
			}
			data, _ := tx.Employees(store.EmployeeFilter{Team: "data"})
			if len(data) != 1 || data[0].ID != noEmail.ID {
				t.Errorf("team data: got %v, want [quiet]", data)
			}
			analysts, _ := tx.Employees(store.EmployeeFilter{RoleSlug: "data-analyst", Limit: 2})
			if len(analysts) != 2 {
				t.Errorf("role filter with limit 2: got %d", len(analysts))
			}
			rest, _ := tx.Employees(store.EmployeeFilter{RoleSlug: "data-analyst", After: analysts[1].ID})
			if len(rest) != 1 {
				t.Errorf("role filter after the cursor: got %d, want 1", len(rest))
			}
			slugs, err := tx.EmployeeRoleSlugs()
			if !slices.Equal(slugs, []string{"data-analyst", "devops-engineer"}) {
				t.Errorf("role slugs: got %v", slugs)
			}
			return err
		})
		inTenant(t, s, a, func(tx *store.Tx) error {
			_, detached, err := tx.DeleteEmployee(boss.ID)
			if err != nil {
				return err
			}
			if len(detached) != 2 {
				t.Errorf("detached reports: got %d, want 2", len(detached))
			}
			got, err := tx.Employee(rep.ID)
			if err != nil {
				return err
			}
			if got.ManagerID != uuid.Nil {
				t.Errorf("report's manager after deletion: got %v, want none", got.ManagerID)
			}
			return nil
		})
	})
}

func TestImportEmployeesIsSetBased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a := newTenant(t, s, "acme")
		x, y := newEmployee("x", "devops-engineer", uuid.Nil), newEmployee("y", "devops-engineer", uuid.Nil)
		inTenant(t, s, a, func(tx *store.Tx) error {
			if err := tx.InsertEmployee(x); err != nil {
				return err
			}
			return tx.InsertEmployee(y)
		})
		// Swap the emails of x and y and add 2,500 employees (three
		// batches), in one call.
		x2, y2 := x, y
		x2.Email, y2.Email = y.Email, x.Email
		var created []store.Employee
		for i := range 2500 {
			created = append(created, newEmployee("n"+uuid.NewString()[:8]+string(rune('a'+i%26)), "data-analyst", x.ID))
		}
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.ImportEmployees(created, []store.Employee{x2, y2}) })
		inTenant(t, s, a, func(tx *store.Tx) error {
			n, err := tx.CountEmployees()
			if n != 2502 {
				t.Errorf("count after import: got %d, want 2502", n)
			}
			got, _ := tx.Employee(x.ID)
			if got.Email != y.Email || !got.CreatedAt.Equal(x.CreatedAt) {
				t.Errorf("x after import: email %q created %v, want %q and %v", got.Email, got.CreatedAt, y.Email, x.CreatedAt)
			}
			return err
		})
		// A conflicting row rolls the whole import back.
		bad := newEmployee("z", "data-analyst", uuid.Nil)
		bad.Email = x2.Email
		err := s.InTenant(context.Background(), a, func(tx *store.Tx) error {
			return tx.ImportEmployees([]store.Employee{newEmployee("fine", "data-analyst", uuid.Nil), bad}, nil)
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("conflicting import: got %v, want ErrConflict", err)
		}
		inTenant(t, s, a, func(tx *store.Tx) error {
			if n, _ := tx.CountEmployees(); n != 2502 {
				t.Errorf("count after a failed import: got %d, want 2502", n)
			}
			return nil
		})
	})
}

func TestEmitBatchWritesEveryEventInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		s := db.Store
		a := newTenant(t, s, "acme")
		var pending []store.PendingEvent
		for i := range 1200 {
			id := uuid.Must(uuid.NewV7()).String()
			pending = append(pending, store.PendingEvent{Type: events.TypeEmployeeCreated, Resource: id,
				Data: events.EmployeeCreated{EmployeeID: id, Role: "devops-engineer", Tier: "mid", ContextRevision: int64(i)}})
		}
		inTenant(t, s, a, func(tx *store.Tx) error { return tx.EmitBatch(pending) })
		var got []string
		_, err := s.Outbox().Drain(context.Background(), 5000, func(ctx context.Context, recs []events.OutboxRecord) (int, error) {
			for _, r := range recs {
				ev, err := events.Parse(r.Payload)
				if err != nil {
					return 0, err
				}
				if ev.Type == events.TypeEmployeeCreated {
					got = append(got, ev.Resource)
				}
			}
			return len(recs), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(pending) {
			t.Fatalf("events drained: got %d, want %d", len(got), len(pending))
		}
		for i := range got {
			if got[i] != pending[i].Resource {
				t.Fatalf("event %d: got resource %s, want %s (order lost)", i, got[i], pending[i].Resource)
			}
		}
	})
}
