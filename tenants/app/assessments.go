package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// saveRetries bounds how often a save without a version is retried against
// concurrent saves before it gives up with a conflict. Eight covers a taker
// saving from a few tabs at once; beyond that the client should read again.
const saveRetries = 8

// StartAssessment starts an assessment of employee (admins anyone, managers
// their direct reports; empty means p themselves), generating its items
// from the employee's tailored framework at their tier. employee is the id
// as received; a malformed one is refused at body.employee_id.
func (a *App) StartAssessment(ctx context.Context, p tenants.Principal, employee string) (store.Assessment, error) {
	if err := a.AuthorizeAssessments(p); err != nil {
		return store.Assessment{}, err
	}
	var target uuid.UUID
	if employee != "" {
		var err error
		if target, err = uuid.Parse(employee); err != nil || len(employee) != 36 {
			return store.Assessment{}, invalid("employee_id must be an employee id", Field{Location: "body.employee_id", Message: "must be a UUID"})
		}
	}
	var as store.Assessment
	err := a.inTenant(ctx, p, func(tx *tx) error {
		r, err := ReaderOf(tx.Tx, p)
		if err != nil {
			return err
		}
		e, ok, err := r.whose(tx.Tx, target)
		if err != nil {
			return err
		}
		if !ok {
			return refuse(Invalid, "no-employee-record", "you have no employee record in this company; name employee_id or ask an admin to add you")
		}
		tf, err := Framework(tx.Tx, e.RoleSlug)
		if errors.Is(err, ErrUnknownRole) {
			return refuse(Invalid, "unknown-role", fmt.Sprintf("the company has no framework for the role %q", e.RoleSlug))
		}
		if err != nil {
			return err
		}
		id := uuid.Must(uuid.NewV7())
		gen, err := assessment.Generate(withScenarios(tf.Framework), e.Tier, id.String())
		if err != nil {
			return refuse(Invalid, "framework-unusable", "the framework cannot be turned into an assessment: "+err.Error())
		}
		as = store.Assessment{ID: id, EmployeeID: e.ID, Status: store.AssessmentOpen, LibraryVersion: tf.LibraryVersion, RoleSlug: e.RoleSlug,
			Tier: e.Tier, Seed: id.String(), Items: gen.Items, Key: gen.Key, Responses: []assessment.Response{}, Version: 1,
			CreatedBy: p.Subject, CreatedAt: a.now().UTC().Truncate(time.Microsecond)}
		if err := tx.InsertAssessment(as); err != nil {
			return err
		}
		_, err = tx.record(change{Action: "assessment.start", Resource: "assessment/" + id.String(),
			Detail: map[string]any{"employee_id": e.ID.String(), "library_version": as.LibraryVersion}})
		return err
	})
	return as, err
}

// Answers is one save of an assessment's responses.
type Answers struct {
	// Version is the version the taker read; 0 merges the answers into the
	// latest version instead.
	Version int
	// Responses replace the saved answers to the same items; the others
	// stay. Nil is refused: the field is required, an empty list is not.
	Responses []assessment.Response
}

// SaveResponses saves answers to an open assessment (its taker only). With
// a version, a newer stored one is a stale-version conflict; without one,
// a concurrent save is merged into and retried, so no answer is lost. Every
// answer is checked against its item before anything is written.
func (a *App) SaveResponses(ctx context.Context, p tenants.Principal, id uuid.UUID, in Answers) (store.Assessment, error) {
	if err := a.AuthorizeAssessments(p); err != nil {
		return store.Assessment{}, err
	}
	if in.Responses == nil {
		return store.Assessment{}, invalid("responses is required", Field{Location: "body.responses", Message: "required"})
	}
	var as store.Assessment
	// Without a precondition, lose no answer to a concurrent save: merge
	// into the newer version (onTakersAssessment tries again).
	err := a.onTakersAssessment(ctx, p, id, in.Version, func(tx *tx, cur store.Assessment) error {
		as = cur
		base := as.Version
		if in.Version != 0 {
			if in.Version != as.Version {
				return stale(as.Version)
			}
			base = in.Version
		}
		merged, err := mergeResponses(as, in.Responses)
		if err != nil {
			return err
		}
		nv, err := tx.SaveResponses(id, base, merged)
		if err != nil {
			return err
		}
		as.Responses, as.Version = merged, nv
		_, err = tx.record(change{Action: "assessment.save", Resource: "assessment/" + id.String(),
			Detail: map[string]any{"answers": len(in.Responses), "version": nv}})
		return err
	})
	switch {
	case errors.Is(err, store.ErrStaleVersion):
		// The version read was current but another save landed first.
		return store.Assessment{}, stale(as.Version + 1)
	case errors.Is(err, store.ErrAssessmentClosed):
		return store.Assessment{}, errClosed
	case err != nil:
		return store.Assessment{}, err
	}
	return as, nil
}

// SubmitAssessment closes an open assessment for scoring (its taker, once)
// and emits assessment.submitted. With a version (not 0), a newer stored one
// is a stale-version conflict.
func (a *App) SubmitAssessment(ctx context.Context, p tenants.Principal, id uuid.UUID, version int) (store.Assessment, error) {
	if err := a.AuthorizeAssessments(p); err != nil {
		return store.Assessment{}, err
	}
	var as store.Assessment
	// Without a precondition, submit what a concurrent save stored: read the
	// newer version (onTakersAssessment tries again).
	err := a.onTakersAssessment(ctx, p, id, version, func(tx *tx, cur store.Assessment) error {
		if version != 0 && cur.Status == store.AssessmentOpen && version != cur.Version {
			return stale(cur.Version)
		}
		var err error
		if as, err = tx.Submit(cur); err != nil {
			return err
		}
		_, err = tx.record(change{Action: "assessment.submit", Resource: "assessment/" + id.String(),
			Detail: map[string]any{"version": as.Version},
			Events: func(int64) []store.PendingEvent {
				return event(events.TypeAssessmentSubmitted, as.ID.String(), events.AssessmentSubmitted{AssessmentID: as.ID.String(),
					EmployeeID: as.EmployeeID.String(), LibraryVersion: as.LibraryVersion, Tier: as.Tier.String()})
			}})
		return err
	})
	switch {
	case errors.Is(err, store.ErrStaleVersion):
		// The version read was current but a save landed before the submit.
		return store.Assessment{}, stale(version + 1)
	case errors.Is(err, store.ErrAssessmentClosed):
		return store.Assessment{}, errClosed
	}
	return as, err
}

// onTakersAssessment runs fn in a tenant transaction on assessment id as its
// taker p reads it (see takersAssessment). When the caller named no version
// (0) and a concurrent save landed between the read and fn's write
// (store.ErrStaleVersion), it runs again on the newer version, at most
// saveRetries more times.
func (a *App) onTakersAssessment(ctx context.Context, p tenants.Principal, id uuid.UUID, version int, fn func(tx *tx, cur store.Assessment) error) error {
	for attempt := 0; ; attempt++ {
		err := a.inTenant(ctx, p, func(tx *tx) error {
			cur, err := takersAssessment(tx.Tx, p, id)
			if err != nil {
				return err
			}
			return fn(tx, cur)
		})
		if !errors.Is(err, store.ErrStaleVersion) || version != 0 || attempt >= saveRetries {
			return err
		}
	}
}

// takersAssessment loads an assessment p may see, refusing readers who are
// not its taker (they may read it but neither answer nor submit it) and a
// submitted one.
func takersAssessment(tx *store.Tx, p tenants.Principal, id uuid.UUID) (store.Assessment, error) {
	r, err := ReaderOf(tx, p)
	if err != nil {
		return store.Assessment{}, err
	}
	as, self, err := r.assessment(tx, id)
	if err != nil {
		return store.Assessment{}, err
	}
	if !self {
		return store.Assessment{}, refuse(Forbidden, "not-the-taker", "only the employee taking the assessment may answer or submit it")
	}
	if as.Status != store.AssessmentOpen {
		return store.Assessment{}, errClosed
	}
	return as, nil
}

// withScenarios gives each competency of f the catalog's authored
// situational judgement scenarios; the stored library does not keep them
// (they carry the key), and competencies the catalog has none for (values,
// custom ones) get scenarios from their description in assessment.Generate.
func withScenarios(f competency.RoleFramework) competency.RoleFramework {
	entries := slices.Clone(f.Entries)
	for i, e := range entries {
		if len(e.Competency.Scenarios) == 0 {
			entries[i].Competency.Scenarios = catalog.Default().Scenarios(e.Competency.Slug)
		}
	}
	f.Entries = entries
	return f
}
