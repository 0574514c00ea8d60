package workers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// invalidEventSpace is the UUID namespace of the ids given to messages that
// are no Cadre event (they have no id of their own): the id is derived from
// the stream sequence, so that parking the same message again updates its
// dead letter instead of adding one.
var invalidEventSpace = uuid.MustParse("6b1f7d8e-3c0a-4e55-9a61-2f4d8c7b9e10")

// parkInvalid parks a message that is not a valid Cadre event, with its raw
// data, so that it can be listed (it can never be applied, so a replay of it
// fails): as a dead letter of the tenant its subject names
// ("cadre.{tenant}.…"), or, if the subject names no tenant that exists, as
// a platform dead letter. It counts the dead letter only once it is parked,
// and returns an error if it could not be parked, so that the message is
// delivered again rather than dropped.
func (r *Runner) parkInvalid(ctx context.Context, w Worker, d *events.Delivery, cause error) error {
	log := r.log.With("consumer", w.Name, "seq", d.Seq, "subject", d.Subject)
	msg := "invalid event: " + cause.Error()
	data := d.Data()
	if data == nil {
		data = []byte{}
	}
	err := store.ErrNotFound
	if tid, ok := subjectTenant(d.Subject); ok {
		err = r.store.InTenant(ctx, tid, func(tx *store.Tx) error {
			if err := tx.ShareLockTenant(); err != nil {
				return err // ErrNotFound: no such tenant
			}
			return tx.Park(store.DeadLetter{Consumer: w.Name, EventID: uuid.NewSHA1(invalidEventSpace, fmt.Appendf(nil, "%d", d.Seq)).String(),
				EventType: subjectType(d.Subject), Subject: d.Subject, Payload: data, Error: msg, Deliveries: int(d.NumDelivered)})
		})
		if err == nil {
			log = log.With("tenant_id", tid.String())
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		err = r.store.ParkPlatform(ctx, store.PlatformDeadLetter{Consumer: w.Name, StreamSeq: d.Seq, Subject: d.Subject,
			Payload: data, Error: msg, Deliveries: int(d.NumDelivered)})
	}
	if err != nil {
		return fmt.Errorf("park invalid event: %w", err)
	}
	r.m.deadLetters.WithLabelValues(w.Name).Inc()
	log.ErrorContext(ctx, "invalid event parked", "err", cause)
	return nil
}

// subjectTenant reads the tenant of a subject "cadre.{tenant}.…".
func subjectTenant(subject string) (tenants.ID, bool) {
	parts := strings.Split(subject, ".")
	if len(parts) < 2 || parts[0] != "cadre" {
		return tenants.ID{}, false
	}
	tid, err := tenants.ParseID(parts[1])
	return tid, err == nil && !tid.IsZero()
}

// subjectType returns the "{aggregate}.{verb}" of a stored subject
// "cadre.{tenant}.{aggregate}.{verb}.{partition}" (or of one published
// before the stream had partitions, without the last token), or "" if it
// has another form.
func subjectType(subject string) string {
	parts := strings.Split(subject, ".")
	if len(parts) != 4 && len(parts) != 5 {
		return ""
	}
	return parts[2] + "." + parts[3]
}
