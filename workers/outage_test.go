package workers_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// outage cuts the test database off: it refuses new connections and its
// open ones are terminated, as when PostgreSQL is down; end lets
// connections in again (and runs in t.Cleanup too).
type outage struct {
	t     *testing.T
	admin *sql.DB
	name  string
}

func newOutage(t *testing.T, db storetest.DB) *outage {
	t.Helper()
	u, err := url.Parse(db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	o := &outage{t: t, admin: admin, name: strings.TrimPrefix(u.Path, "/")}
	t.Cleanup(func() {
		o.end()
		_ = admin.Close()
	})
	return o
}

func (o *outage) exec(q string, args ...any) {
	o.t.Helper()
	if _, err := o.admin.ExecContext(context.Background(), q, args...); err != nil {
		o.t.Fatalf("%s: %v", q, err)
	}
}

func (o *outage) begin() {
	o.t.Helper()
	o.exec("ALTER DATABASE " + o.name + " ALLOW_CONNECTIONS false")
	o.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", o.name)
}

func (o *outage) end() {
	o.t.Helper()
	o.exec("ALTER DATABASE " + o.name + " ALLOW_CONNECTIONS true")
}

// TestRunnerOutlivesADatabaseOutage: events delivered while PostgreSQL is
// down, far more often than the poison budget (MaxDeliver), are neither
// dropped nor parked: once the database is back each is applied once, and
// the outage spent no poison budget.
func TestRunnerOutlivesADatabaseOutage(t *testing.T) {
	db := storetest.Postgres(t)
	r := newRig(t, db)
	const maxDeliver = 2
	r.run(t, workers.Worker{Name: "outage", Types: []events.Type{events.TypeDocumentUploaded}, Options: fast(maxDeliver),
		Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error { return applyEffect(tx, ev) }})
	o := newOutage(t, db)
	o.begin()
	r.publish(t, r.a, "during-a")
	r.publish(t, r.b, "during-b")
	// Both events fail many times over their budget while it lasts.
	testwait.Until(t, waitTimeout, "deliveries beyond the poison budget", func() (bool, error) {
		return metric(t, r.reg, "cadre_worker_redeliveries_total", map[string]string{"worker": "outage"}) >= 2*5*maxDeliver, nil
	})
	o.end()
	r.waitSettled(t, "outage")

	if diff := cmp.Diff(map[string]int{"during-a": 1}, r.effects(t, r.a)); diff != "" {
		t.Errorf("effects in A (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"during-b": 1}, r.effects(t, r.b)); diff != "" {
		t.Errorf("effects in B (-want +got):\n%s", diff)
	}
	if got := len(r.deadLetters(t, r.a)) + len(r.deadLetters(t, r.b)); got != 0 {
		t.Errorf("dead letters = %d, want none (an outage is not poison)", got)
	}
	if got := metric(t, r.reg, "cadre_worker_events_total", map[string]string{"worker": "outage", "outcome": "error"}); got != 0 {
		t.Errorf("events counted as errors = %v, want 0", got)
	}
	if got := metric(t, r.reg, "cadre_worker_events_total", map[string]string{"worker": "outage", "outcome": "unavailable"}); got < 2*5*maxDeliver {
		t.Errorf("events counted as unavailable = %v, want every failed delivery (≥ %d)", got, 2*5*maxDeliver)
	}
}

// TestRunnerKeepsWhatItCannotPark: a poison event whose dead letter cannot
// be written (the database went down while it was handled) is neither
// acknowledged nor terminated: it comes back, and is parked once the
// database is back.
func TestRunnerKeepsWhatItCannotPark(t *testing.T) {
	db := storetest.Postgres(t)
	r := newRig(t, db)
	o := newOutage(t, db)
	c := newCalls()
	r.run(t, workers.Worker{Name: "park", Types: []events.Type{events.TypeDocumentUploaded}, Options: fast(1),
		Handle: func(_ context.Context, tx *store.Tx, ev events.Event) error {
			if c.add(ev.Resource) == 1 {
				o.begin() // the database goes down under the handler
			}
			return errors.New("cannot apply poison")
		}})
	poison := r.publish(t, r.a, "poison")
	testwait.Until(t, waitTimeout, "redeliveries while the dead letter cannot be written", func() (bool, error) {
		return metric(t, r.reg, "cadre_worker_redeliveries_total", map[string]string{"worker": "park"}) >= 10, nil
	})
	o.end()
	r.waitSettled(t, "park")

	letters := r.deadLetters(t, r.a)
	if len(letters) != 1 || letters[0].EventID != poison.ID || !strings.Contains(letters[0].Error, "cannot apply poison") {
		t.Fatalf("dead letters = %+v, want the poison event once", letters)
	}
	if got := c.get("poison"); got != 2 {
		t.Errorf("handler calls = %d, want 2 (once before the outage, once after)", got)
	}
	if got := len(r.deadLetters(t, r.b)); got != 0 {
		t.Errorf("dead letters of B = %d, want none (cross-tenant)", got)
	}
}
