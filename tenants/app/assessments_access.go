package app

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// assessmentRoles may take and read assessments; analysts may not, because
// assessments hold the employees' free-text answers.
var assessmentRoles = []tenants.Role{tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee}

// AuthorizeAssessments checks that p may use the assessment routes at all,
// for adapters that must refuse a caller before reading the rest of a
// request (a malformed path id is not found, but only to a caller who may
// ask). Every assessment use case and read checks it again itself.
func (a *App) AuthorizeAssessments(p tenants.Principal) error {
	return authorize(p, assessmentRoles...)
}

// Reader is a principal reading people, their assessments and plans, with
// their own employee record when the company has one for them. It holds the
// one rule of who may see whom; adapters' reads use it too.
type Reader struct {
	p  tenants.Principal
	me *store.Employee
}

// ReaderOf finds p's employee record by token subject, in tx.
func ReaderOf(tx *store.Tx, p tenants.Principal) (Reader, error) {
	r := Reader{p: p}
	me, err := tx.EmployeeBySubject(p.Subject)
	switch {
	case err == nil:
		r.me = &me
	case !errors.Is(err, store.ErrNotFound):
		return r, err
	}
	return r, nil
}

// Me is the reader's own employee record; nil when they have none.
func (r Reader) Me() *store.Employee { return r.me }

// isSelf reports whether e is the reader.
func (r Reader) isSelf(e store.Employee) bool { return r.me != nil && r.me.ID == e.ID }

// canRead reports whether the reader may see e and e's assessments: admins
// everyone, managers their direct reports, everyone themselves.
func (r Reader) canRead(e store.Employee) bool {
	manages := r.me != nil && r.p.Has(tenants.RoleManager) && e.ManagerID == r.me.ID
	return r.p.Has(tenants.RoleAdmin) || r.isSelf(e) || manages
}

// Employee loads employee id if the reader may see it; otherwise it is not
// found, so that nobody learns who exists beyond their reach.
func (r Reader) Employee(tx *store.Tx, id uuid.UUID) (store.Employee, error) {
	e, err := tx.Employee(id)
	if err != nil {
		return store.Employee{}, err
	}
	if !r.canRead(e) {
		return store.Employee{}, store.ErrNotFound
	}
	return e, nil
}

// whose is the employee whose assessments a request is about: target when
// named (if the reader may see them), else the reader themselves; ok is
// false when no target is named and the reader has no employee record.
func (r Reader) whose(tx *store.Tx, target uuid.UUID) (e store.Employee, ok bool, err error) {
	switch {
	case target != uuid.Nil:
		e, err = r.Employee(tx, target)
		return e, err == nil, err
	case r.me != nil:
		return *r.me, true, nil
	}
	return store.Employee{}, false, nil
}

// assessment loads an assessment the reader may see (its taker, the
// taker's manager, an admin) and says whether the reader is its taker.
func (r Reader) assessment(tx *store.Tx, id uuid.UUID) (store.Assessment, bool, error) {
	a, err := tx.Assessment(id)
	if err != nil {
		return store.Assessment{}, false, err
	}
	if r.me != nil && r.me.ID == a.EmployeeID {
		// The taker, read with the principal: no second read of the same
		// employee (this is on the path of every answer and submit).
		return a, true, nil
	}
	e, err := r.Employee(tx, a.EmployeeID)
	if err != nil {
		return store.Assessment{}, false, err
	}
	return a, r.isSelf(e), nil
}

// Assessment returns assessment id if p may see it (its taker, the taker's
// manager, an admin); any other is NotFound.
func (a *App) Assessment(ctx context.Context, p tenants.Principal, id uuid.UUID) (store.Assessment, error) {
	if err := a.AuthorizeAssessments(p); err != nil {
		return store.Assessment{}, err
	}
	var as store.Assessment
	err := a.inTenant(ctx, p, func(tx *tx) error {
		r, err := ReaderOf(tx.Tx, p)
		if err != nil {
			return err
		}
		as, _, err = r.assessment(tx.Tx, id)
		return err
	})
	return as, err
}

// Assessments lists up to n assessments of employee (uuid.Nil: p's own)
// after the assessment after (uuid.Nil: from the first), if p may see that
// employee. A caller with no employee record of their own has none.
func (a *App) Assessments(ctx context.Context, p tenants.Principal, employee, after uuid.UUID, n int) ([]store.Assessment, error) {
	if err := a.AuthorizeAssessments(p); err != nil {
		return nil, err
	}
	var list []store.Assessment
	err := a.inTenant(ctx, p, func(tx *tx) error {
		r, err := ReaderOf(tx.Tx, p)
		if err != nil {
			return err
		}
		e, ok, err := r.whose(tx.Tx, employee)
		if err != nil || !ok {
			return err
		}
		list, err = tx.Assessments(e.ID, after, n)
		return err
	})
	return list, err
}
