package app

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// errReplayFailed is the refusal of a replay whose consumer failed again.
var errReplayFailed = refuse(Conflict, "replay-failed", "the event's consumer failed again; nothing changed and the event stays parked")

// errNoReplay answers a replay when Config.Replay is nil (the API does not
// offer the route then).
var errNoReplay = errors.New("replay dead letter: replay is not configured")

// ReplayError is the refusal of a replay whose consumer failed again (the
// Conflict "replay-failed"). Err is the consumer's error, for the adapter's
// log; it is not for the client.
type ReplayError struct{ Err error }

func (e *ReplayError) Error() string { return errReplayFailed.Error() + ": " + e.Err.Error() }

// Unwrap returns the refusal and the consumer's error.
func (e *ReplayError) Unwrap() []error { return []error{errReplayFailed, e.Err} }

// ReplayDeadLetter hands a parked event to its consumer again (admin), in
// the transaction that marks it replayed and audits it: a consumer that
// fails again rolls all of it back (*ReplayError). The consumer's
// idempotency makes a second replay change nothing more.
func (a *App) ReplayDeadLetter(ctx context.Context, p tenants.Principal, id uuid.UUID) (store.DeadLetter, error) {
	if err := a.AuthorizeReplay(p); err != nil {
		return store.DeadLetter{}, err
	}
	if a.replay == nil {
		return store.DeadLetter{}, errNoReplay
	}
	var d store.DeadLetter
	// replayErr keeps the consumer's error out of the transaction's result,
	// so that an error of the consumer that wraps store.ErrNotFound is not
	// taken for an unknown dead letter.
	var replayErr error
	errRollback := errors.New("replay failed")
	err := a.inTenant(ctx, p, func(tx *tx) (err error) {
		if d, err = tx.MarkReplayed(id); err != nil {
			return err
		}
		if _, err := tx.record(change{Action: "dead_letter.replay", Resource: "dead-letter/" + id.String(),
			Detail: map[string]any{"event_id": d.EventID}}); err != nil {
			return err
		}
		if err := a.replay(ctx, tx.Tx, d); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err // the request ended, the consumer did not fail
			}
			replayErr = err
			return errRollback
		}
		return nil
	})
	if replayErr != nil && errors.Is(err, errRollback) {
		return store.DeadLetter{}, &ReplayError{Err: replayErr}
	}
	if err != nil {
		return store.DeadLetter{}, err
	}
	return d, nil
}

// AuthorizeReplay checks that p may replay dead letters (an admin), for
// adapters that check the role before they parse the request.
func (a *App) AuthorizeReplay(p tenants.Principal) error { return authorize(p, tenants.RoleAdmin) }
