package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// platformDeadLetterItem is what these tests read of a platform dead letter.
type platformDeadLetterItem struct {
	Consumer  string `json:"consumer"`
	StreamSeq uint64 `json:"stream_seq"`
	Subject   string `json:"subject"`
	Payload   []byte `json:"payload"`
	Error     string `json:"error"`
}

// TestInvalidEventsParked: a message on the stream that is no Cadre event is
// parked with its raw data, not only terminated: as a dead letter of the
// tenant its subject names, listed to that tenant's admin only (its replay is
// 409: it can never apply), or, when its subject names no tenant that
// exists, as a platform dead letter listed to the platform operator only.
// The dead-letter metric counts exactly what was parked.
func TestInvalidEventsParked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		acme, admin := e.createTenant("acme")
		_, other := e.createTenant("globex")

		junk := []byte(`{"not":"an event"}`)
		subjects := []string{
			events.SubjectFor(acme, events.TypeDocumentUploaded),            // acme's
			"cadre.not-a-tenant.document.uploaded",                          // no tenant at all
			events.SubjectFor(tenants.NewID(), events.TypeDocumentUploaded), // a tenant that does not exist
		}
		for i, s := range subjects {
			if _, err := e.bus.Publish(t.Context(), s, fmt.Sprintf("junk-%d", i), junk); err != nil {
				t.Fatal(err)
			}
		}

		var mine []deadLetterItem
		testwait.Until(t, backboneWait, "acme's unreadable message parked", func() (bool, error) {
			mine = e.deadLetters(admin)
			return len(mine) == 1, fmt.Errorf("got %d dead letters, want 1", len(mine))
		})
		if d := mine[0]; d.Consumer != workers.LibraryWorkerName || d.EventType != "document.uploaded" {
			t.Errorf("acme's dead letter: got %+v, want the library worker's, of type document.uploaded", d)
		}
		if got := e.deadLetters(other); len(got) != 0 {
			t.Errorf("globex sees %d dead letters of acme, want 0", len(got))
		}
		r := e.do("POST", "/v1/admin/dead-letters/"+mine[0].ID+"/replay", admin, nil)
		expect(t, r, 409, "replay of an unreadable message")
		if !strings.Contains(string(r.Body), "replay-failed") {
			t.Errorf("replay of an unreadable message: got %s, want replay-failed", r.Body)
		}
		expect(t, e.do("POST", "/v1/admin/dead-letters/"+mine[0].ID+"/replay", other, nil), 404, "another tenant replays it")

		var platform []platformDeadLetterItem
		testwait.Until(t, backboneWait, "platform dead letters", func() (bool, error) {
			r := e.do("GET", "/v1/platform/dead-letters", e.platform(), nil)
			if r.Status != 200 {
				return false, fmt.Errorf("list: %d %s", r.Status, r.Body)
			}
			var page struct {
				Items []platformDeadLetterItem `json:"items"`
			}
			if err := json.Unmarshal(r.Body, &page); err != nil {
				return false, err
			}
			platform = page.Items
			return len(platform) == 2, fmt.Errorf("got %d platform dead letters, want 2", len(platform))
		})
		// Parked by the consumers of their partitions, in any order; each is
		// stored on its subject with the partition appended.
		for i, want := range subjects[1:] {
			j := slices.IndexFunc(platform, func(d platformDeadLetterItem) bool { return strings.HasPrefix(d.Subject, want+".") })
			if j < 0 {
				t.Errorf("no platform dead letter on %s: got %+v", want, platform)
				continue
			}
			if d := platform[j]; string(d.Payload) != string(junk) || d.Consumer != workers.LibraryWorkerName || d.StreamSeq == 0 ||
				!strings.HasPrefix(d.Error, "invalid event") {
				t.Errorf("platform dead letter %d: got %+v, want subject %s, the raw payload, the library worker", i, d, want)
			}
		}
		expect(t, e.do("GET", "/v1/platform/dead-letters", admin, nil), 403, "a tenant admin lists platform dead letters")

		// The counter follows each park's commit: wait for the last one.
		want := fmt.Sprintf("cadre_worker_dead_letters_total{worker=%q} 3\n", workers.LibraryWorkerName)
		testwait.Until(t, backboneWait, "dead-letter metric", func() (bool, error) {
			body := string(e.do("GET", "/metrics", "", nil).Body)
			i := strings.Index(body, "cadre_worker_dead_letters_total{")
			return strings.Contains(body, want), fmt.Errorf("no %q (one per parked message) in %.80q", strings.TrimSpace(want), body[max(i, 0):])
		})
	})
}
