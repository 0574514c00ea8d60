package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// Quotas bound what one tenant may keep (issue 17, fair share). The
// platform admin overrides them per tenant (SetTenantLimits); these are the
// defaults.
type Quotas struct {
	// Documents bounds the documents of a tenant. Default 1,000.
	Documents int64
	// DocumentBytes bounds the total size of a tenant's uploaded files.
	// Default 1 GiB.
	DocumentBytes int64
	// Employees bounds the employees of a tenant. Default 10,000.
	Employees int64
	// AnalyticsMinCell is k: an analytics cell of fewer employees is
	// suppressed. Default 5; never below MinAnalyticsCell.
	AnalyticsMinCell int
}

// MinAnalyticsCell is the smallest k a tenant may be given: with cells of
// one or two employees, a person reads their colleague's score by
// subtracting their own.
const MinAnalyticsCell = 3

func (q *Quotas) defaults() {
	if q.Documents <= 0 {
		q.Documents = 1000
	}
	if q.DocumentBytes <= 0 {
		q.DocumentBytes = 1 << 30
	}
	if q.Employees <= 0 {
		q.Employees = 10000
	}
	if q.AnalyticsMinCell <= 0 {
		q.AnalyticsMinCell = 5
	}
	q.AnalyticsMinCell = max(q.AnalyticsMinCell, MinAnalyticsCell)
}

// The names of the quotas, as problems and the limits route name them.
const (
	QuotaDocuments     = "documents"
	QuotaDocumentBytes = "document_bytes"
	QuotaEmployees     = "employees"
)

// QuotaExceeded says which quota a refused change would break.
type QuotaExceeded struct {
	Quota string
	Limit int64
	Used  int64
}

// checkQuota refuses adding n to used when that passes limit: a Conflict
// "quota-exceeded" that names the quota.
func checkQuota(quota string, limit, used, n int64) error {
	if used+n <= limit {
		return nil
	}
	e := refuse(Conflict, "quota-exceeded", fmt.Sprintf("the %s quota of this tenant is %d (%d used)", quota, limit, used))
	e.Quota = &QuotaExceeded{Quota: quota, Limit: limit, Used: used}
	return e
}

// Limits in force for one tenant: the defaults with its overrides applied.
type TenantLimits struct {
	Quotas
	// Overridden names the fields the platform admin set for the tenant.
	Overridden []string
	UpdatedBy  string
	UpdatedAt  time.Time
}

// limitsOf applies the overrides stored in tx to the defaults.
func (a *App) limitsOf(tx *store.Tx) (TenantLimits, error) {
	o, err := tx.TenantLimits()
	if err != nil {
		return TenantLimits{}, err
	}
	l := TenantLimits{Quotas: a.limits.Quotas, UpdatedBy: o.UpdatedBy, UpdatedAt: o.UpdatedAt}
	if o.MaxDocuments != nil {
		l.Documents = *o.MaxDocuments
		l.Overridden = append(l.Overridden, QuotaDocuments)
	}
	if o.MaxDocumentBytes != nil {
		l.DocumentBytes = *o.MaxDocumentBytes
		l.Overridden = append(l.Overridden, QuotaDocumentBytes)
	}
	if o.MaxEmployees != nil {
		l.Employees = *o.MaxEmployees
		l.Overridden = append(l.Overridden, QuotaEmployees)
	}
	if o.AnalyticsMinCell != nil {
		l.AnalyticsMinCell = max(*o.AnalyticsMinCell, MinAnalyticsCell)
		l.Overridden = append(l.Overridden, "analytics_min_cell")
	}
	return l, nil
}

// AnalyticsMinCell returns the tenant's k, read in tx (for analytics reads).
func (a *App) AnalyticsMinCell(tx *store.Tx) (int, error) {
	l, err := a.limitsOf(tx)
	return l.AnalyticsMinCell, err
}

// LimitsChange sets or clears (nil) a tenant's overrides; every field is
// replaced.
type LimitsChange struct {
	Documents, DocumentBytes, Employees *int64
	AnalyticsMinCell                    *int
}

// TenantLimits reads tenant id's limits in force (the platform admin).
func (a *App) TenantLimits(ctx context.Context, p tenants.Principal, id tenants.ID) (TenantLimits, error) {
	if err := authorizePlatform(p); err != nil {
		return TenantLimits{}, err
	}
	var l TenantLimits
	err := a.store.InTenant(ctx, id, func(tx *store.Tx) error {
		if _, err := tx.LoadTenant(); err != nil {
			return err
		}
		var err error
		l, err = a.limitsOf(tx)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return TenantLimits{}, errNotFound
	}
	return l, err
}

// SetTenantLimits replaces tenant id's overrides (the platform admin) and
// records it in the tenant's audit trail. A quota below what the tenant
// already uses is allowed: it refuses new uploads or employees until the
// tenant is back under it.
func (a *App) SetTenantLimits(ctx context.Context, p tenants.Principal, id tenants.ID, c LimitsChange) (TenantLimits, error) {
	if err := authorizePlatform(p); err != nil {
		return TenantLimits{}, err
	}
	var errs []Field
	for _, f := range []struct {
		loc string
		v   *int64
	}{{"body.documents", c.Documents}, {"body.document_bytes", c.DocumentBytes}, {"body.employees", c.Employees}} {
		if f.v != nil && *f.v < 0 {
			errs = append(errs, Field{Location: f.loc, Message: "must be 0 or more", Value: *f.v})
		}
	}
	if c.AnalyticsMinCell != nil && *c.AnalyticsMinCell < MinAnalyticsCell {
		errs = append(errs, Field{Location: "body.analytics_min_cell", Message: fmt.Sprintf("must be at least %d", MinAnalyticsCell), Value: *c.AnalyticsMinCell})
	}
	if len(errs) > 0 {
		return TenantLimits{}, invalid("the limits are not valid; nothing was changed", errs...)
	}
	var l TenantLimits
	err := a.store.InTenant(ctx, id, func(stx *store.Tx) error {
		if _, err := stx.LoadTenant(); err != nil {
			return err
		}
		err := stx.PutTenantLimits(store.TenantLimits{MaxDocuments: c.Documents, MaxDocumentBytes: c.DocumentBytes, MaxEmployees: c.Employees,
			AnalyticsMinCell: c.AnalyticsMinCell, UpdatedBy: p.Subject, UpdatedAt: a.now().UTC().Truncate(time.Microsecond)})
		if err != nil {
			return err
		}
		if l, err = a.limitsOf(stx); err != nil {
			return err
		}
		_, err = (&tx{Tx: stx, app: a, actor: p}).record(change{Action: "tenant.limits", Resource: "tenant/" + id.String(),
			Detail: map[string]any{"documents": l.Documents, "document_bytes": l.DocumentBytes, "employees": l.Employees,
				"analytics_min_cell": l.AnalyticsMinCell}})
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return TenantLimits{}, errNotFound
	}
	return l, err
}

// checkDocumentQuotas refuses a new document of size bytes over the
// tenant's document or byte quota. The caller holds the tenant's
// "documents" lock, so concurrent uploads cannot both pass.
func (t *tx) checkDocumentQuotas(size int64) error {
	l, err := t.app.limitsOf(t.Tx)
	if err != nil {
		return err
	}
	u, err := t.DocumentUsage()
	if err != nil {
		return err
	}
	if err := checkQuota(QuotaDocuments, l.Documents, u.Documents, 1); err != nil {
		return err
	}
	return checkQuota(QuotaDocumentBytes, l.DocumentBytes, u.Bytes, size)
}

// checkEmployeeQuota refuses n more employees over the tenant's quota.
func (t *tx) checkEmployeeQuota(n int) error {
	if n == 0 {
		return nil
	}
	l, err := t.app.limitsOf(t.Tx)
	if err != nil {
		return err
	}
	have, err := t.CountEmployees()
	if err != nil {
		return err
	}
	return checkQuota(QuotaEmployees, l.Employees, int64(have), int64(n))
}

// SetDocumentVisibility changes who reads document id's evidence excerpts
// (admin).
func (a *App) SetDocumentVisibility(ctx context.Context, p tenants.Principal, id uuid.UUID, v store.Visibility) (store.Document, error) {
	if err := authorize(p, tenants.RoleAdmin); err != nil {
		return store.Document{}, err
	}
	var doc store.Document
	err := a.inTenant(ctx, p, func(tx *tx) error {
		var err error
		if doc, err = tx.Document(id, false); err != nil {
			return err
		}
		if doc.Visibility == v {
			return nil
		}
		if err := tx.Tx.SetDocumentVisibility(id, v); err != nil {
			return err
		}
		doc.Visibility = v
		_, err = tx.record(change{Action: "document.visibility", Resource: "document/" + id.String(),
			Detail: map[string]any{"visibility": string(v)}})
		return err
	})
	return doc, err
}

// ExcerptFilter returns the documents whose evidence excerpts p may not
// read: none for an admin, the admins-only documents for anyone else.
// (Analysts read no excerpts at all; the adapter hides those itself.)
func ExcerptFilter(tx *store.Tx, p tenants.Principal) (map[string]bool, error) {
	if p.Has(tenants.RoleAdmin) {
		return nil, nil
	}
	return tx.AdminOnlyDocuments()
}
