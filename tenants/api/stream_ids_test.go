package api_test

import (
	"strconv"
	"testing"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestStreamIDsArePerTenant (issue 17 §6): the SSE ids a tenant receives are
// opaque, so the gaps between them do not count other tenants' events; an
// id resumes the stream of the tenant it was sent to and is refused by any
// other tenant's stream.
func TestStreamIDsArePerTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		ss := newStreamServer(t, e, api.StreamLimits{})
		a, _ := e.createTenant("ids-a")
		b, adminB := e.createTenant("ids-b")
		analystA := e.token(a, "dash-a", tenants.RoleAnalyst)

		first := publishPlanEvents(t, e, a, 1, 0)
		publishPlanEvents(t, e, b, 7, 0) // b's activity, between a's events
		second := publishPlanEvents(t, e, a, 1, 0)
		c := mustOpenStream(t, ss.srv.URL, streamPath+"?since=0", analystA)
		got := c.eventsUntil(hasEventIDs(append(first, second...)))
		c.close()
		var idFirst, idSecond, afterFirst streamEvent
		for i, ev := range got {
			switch ev.Event.ID {
			case first[0]:
				idFirst, afterFirst = ev, got[i+1] // the tenant's next event (a worker's, or second)
			case second[0]:
				idSecond = ev
			}
		}
		for _, ev := range []streamEvent{idFirst, idSecond} {
			if _, err := strconv.ParseUint(ev.ID, 10, 64); err == nil || len(ev.ID) < 16 {
				t.Errorf("event id %q: want an opaque id, not a stream sequence", ev.ID)
			}
			if _, ok := api.DecodeStreamID(testSecret, b, ev.ID); ok {
				t.Errorf("event id %q of tenant a decodes as tenant b's", ev.ID)
			}
		}
		if idSecond.Seq-idFirst.Seq < 8 {
			t.Fatalf("the stream sequences %d and %d do not have b's events between them; the test shows nothing", idFirst.Seq, idSecond.Seq)
		}

		// The id of a's first event resumes a's stream at a's next event.
		c = mustOpenStream(t, ss.srv.URL, streamPath, analystA, "Last-Event-ID", idFirst.ID)
		next := c.eventsUntil(func(g []streamEvent) bool { return len(g) >= 1 })
		c.close()
		if next[0].Event.ID != afterFirst.Event.ID || next[0].ID != afterFirst.ID {
			t.Errorf("resumed after %s: got %s (id %s), want %s (id %s)", first[0], next[0].Event.ID, next[0].ID, afterFirst.Event.ID, afterFirst.ID)
		}

		// Tenant b cannot use a's id, nor a made-up one.
		for _, id := range []string{idFirst.ID, strconv.FormatUint(idFirst.Seq, 10), "AAAAAAAAAAAAAAAAAAAAAA"} {
			_, r := openStream(t, ss.srv.URL, streamPath, adminB, "Last-Event-ID", id)
			expect(t, r, 422, "tenant b resuming with "+id)
			_, r = openStream(t, ss.srv.URL, streamPath+"?since="+id, adminB)
			expect(t, r, 422, "tenant b since="+id)
		}
	})
}
