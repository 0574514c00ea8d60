package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

const streamPath = "/v1/events/stream"

func putValues(names ...string) map[string]any {
	vs := make([]map[string]string, len(names))
	for i, n := range names {
		vs[i] = map[string]string{"name": n, "description": "We mean " + n}
	}
	return map[string]any{"values": vs}
}

// countType counts the events of type typ.
func countType(evs []streamEvent, typ events.Type) int {
	n := 0
	for _, e := range evs {
		if e.Type == string(typ) {
			n++
		}
	}
	return n
}

// TestStreamResume reads a few events, hangs up, lets more happen (through
// the API and the outbox, and straight on the bus), reconnects with
// Last-Event-ID and checks that the two connections together saw exactly
// the tenant's events in the stream, in order: nothing lost, nothing twice.
func TestStreamResume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		ss := newStreamServer(t, e, api.StreamLimits{})
		tenant, admin := e.createTenant("resume")
		analyst := e.token(tenant, "dashboard", tenants.RoleAnalyst)

		old := publishPlanEvents(t, e, tenant, 1, 0)
		oldSeq := lastSeq(t, e)
		c1 := mustOpenStream(t, ss.srv.URL, streamPath, analyst)
		first := publishPlanEvents(t, e, tenant, 6, 0)
		expect(t, e.do("PUT", "/v1/values", admin, putValues("Candour")), 200, "values")
		got1 := c1.eventsUntil(func(g []streamEvent) bool { return len(g) >= 3 })
		c1.close()
		for _, ev := range got1 {
			if ev.Event.ID == old[0] || ev.Seq <= oldSeq {
				t.Fatalf("without since or Last-Event-ID: got event %s stored before the connection", ev.key())
			}
		}

		more := publishPlanEvents(t, e, tenant, 5, 0)
		expect(t, e.do("PUT", "/v1/values", admin, putValues("Candour", "Focus")), 200, "values again")
		last := got1[len(got1)-1].ID
		// Last-Event-ID takes precedence over the since of the first URL.
		c2 := mustOpenStream(t, ss.srv.URL, streamPath+"?since=0", analyst, "Last-Event-ID", last)
		want := append(slices.Clone(first), more...)
		got2 := c2.eventsUntil(func(g []streamEvent) bool {
			all := append(slices.Clone(got1), g...)
			return hasEventIDs(want)(all) && countType(all, events.TypeValuesUpdated) == 2
		})
		all := append(got1, got2...)
		stored := storedEvents(t, e, tenant, got1[0].Seq, all[len(all)-1].Seq)
		if diff := cmp.Diff(streamKeys(stored), streamKeys(all)); diff != "" {
			t.Errorf("events over both connections (-stored +received):\n%s", diff)
		}
		if all[0].Event.ID != first[0] && all[0].Type == string(events.TypePlanUpdated) {
			t.Errorf("first event: got %s, want the first published after connecting (%s)", all[0].key(), first[0])
		}
	})
}

// TestStreamTenantIsolation has two tenants produce events concurrently:
// each tenant's stream carries all of its own events and none of the
// other's, and an event of another tenant that would reach the tenant's
// subjects is still dropped.
func TestStreamTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		ss := newStreamServer(t, e, api.StreamLimits{})
		a, adminA := e.createTenant("iso-a")
		b, adminB := e.createTenant("iso-b")
		ca := mustOpenStream(t, ss.srv.URL, streamPath+"?since=0", e.token(a, "dash-a", tenants.RoleAnalyst))
		cb := mustOpenStream(t, ss.srv.URL, streamPath+"?since=0", adminB)

		var wg sync.WaitGroup
		ids := map[tenants.ID][]string{}
		var mu sync.Mutex
		for _, tenant := range []tenants.ID{a, b} {
			for range 4 {
				wg.Go(func() {
					got, err := publishPlans(e.bus, tenant, 25, 0)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					ids[tenant] = append(ids[tenant], got...)
					mu.Unlock()
				})
			}
		}
		expect(t, e.do("PUT", "/v1/values", adminA, putValues("Alpha")), 200, "values a")
		expect(t, e.do("PUT", "/v1/values", adminB, putValues("Beta")), 200, "values b")
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}

		for _, tc := range []struct {
			tenant, other tenants.ID
			c             *sseClient
		}{{a, b, ca}, {b, a, cb}} {
			got := tc.c.eventsUntil(func(g []streamEvent) bool {
				return hasEventIDs(ids[tc.tenant])(g) && countType(g, events.TypeValuesUpdated) == 1
			})
			others := map[string]bool{}
			for _, id := range ids[tc.other] {
				others[id] = true
			}
			for _, ev := range got {
				if ev.Event.Tenant() != tc.tenant || others[ev.Event.ID] {
					t.Fatalf("stream of %s: got event %s of tenant %s", tc.tenant, ev.key(), ev.Event.TenantID)
				}
			}
			stored := storedEvents(t, e, tc.tenant, 1, got[len(got)-1].Seq)
			if diff := cmp.Diff(streamKeys(stored), streamKeys(got)); diff != "" {
				t.Errorf("stream of %s (-stored +received):\n%s", tc.tenant, diff)
			}
		}

		// Defence in depth: an event of b on a's subjects (a bug elsewhere)
		// is not sent to a.
		forged, err := events.New(b, events.TypePlanUpdated, "forged", events.PlanUpdated{EmployeeID: "forged"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(forged)
		if _, err := e.bus.Publish(context.Background(), events.SubjectFor(a, events.TypePlanUpdated), forged.ID, data); err != nil {
			t.Fatal(err)
		}
		sentinel := publishPlanEvents(t, e, a, 1, 0)
		for _, ev := range ca.eventsUntil(hasEventIDs(sentinel)) {
			if ev.Event.ID == forged.ID || ev.Event.Tenant() != a {
				t.Fatalf("stream of %s: got the forged event %s of tenant %s", a, ev.key(), ev.Event.TenantID)
			}
		}
		if got := ss.metric(t, "cadre_event_stream_foreign_events_total"); got != "1" {
			t.Errorf("foreign events dropped: got %q, want 1", got)
		}
	})
}

// TestStreamSlowClient has one client stop reading while the tenant's
// events keep coming: another client receives them all meanwhile, the slow
// one is cut off, and on resuming with Last-Event-ID it loses nothing.
func TestStreamSlowClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		ss := newStreamServer(t, e, api.StreamLimits{WriteTimeout: 200 * time.Millisecond})
		tenant, _ := e.createTenant("slow")
		analyst := e.token(tenant, "dashboard", tenants.RoleAnalyst)
		since := sinceSeq(tenant, lastSeq(t, e))

		slow, r := openStream(t, ss.srv.URL, streamPath+since, analyst) // never read, for now
		if slow == nil {
			t.Fatalf("open slow: got %d %s", r.Status, r.Body)
		}
		fast := mustOpenStream(t, ss.srv.URL, streamPath+since, analyst)
		ids := publishPlanEvents(t, e, tenant, 300, 2<<10) // ~750 KB, more than the sockets buffer
		got := fast.eventsUntil(hasEventIDs(ids))
		ss.waitMetric(t, `cadre_event_stream_closed_total{reason="slow_client"}`, "1")
		extra := publishPlanEvents(t, e, tenant, 1, 0)
		got = append(got, fast.eventsUntil(hasEventIDs(extra))...)

		slow.start()
		part, err := slow.drain()
		if !isStreamCut(err) {
			t.Fatalf("slow client: stream ended with %v, want it cut off", err)
		}
		if len(part) >= len(got) {
			t.Fatalf("slow client: got %d events before the cut, want fewer than %d", len(part), len(got))
		}
		if diff := cmp.Diff(streamKeys(got[:len(part)]), streamKeys(part)); diff != "" {
			t.Fatalf("slow client before the cut (-fast +slow):\n%s", diff)
		}
		resume := since
		if len(part) > 0 {
			resume = "?since=" + part[len(part)-1].ID
		}
		again := mustOpenStream(t, ss.srv.URL, streamPath+resume, analyst)
		rest := again.eventsUntil(func(g []streamEvent) bool { return len(part)+len(g) >= len(got) })
		if diff := cmp.Diff(streamKeys(got), streamKeys(append(part, rest...))); diff != "" {
			t.Errorf("slow client after resuming (-fast +slow):\n%s", diff)
		}
	})
}

// TestStreamTypes filters the stream with ?types=, short and full.
func TestStreamTypes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		ss := newStreamServer(t, e, api.StreamLimits{})
		tenant, admin := e.createTenant("types")
		from := lastSeq(t, e)
		c := mustOpenStream(t, ss.srv.URL, streamPath+sinceSeq(tenant, from)+"&types=plan.updated,+cadre.values.updated", admin)
		expect(t, e.do("PUT", "/v1/values", admin, putValues("Candour")), 200, "values")
		plans := publishPlanEvents(t, e, tenant, 3, 0)
		got := c.eventsUntil(func(g []streamEvent) bool {
			return hasEventIDs(plans)(g) && countType(g, events.TypeValuesUpdated) == 1
		})
		var want []streamEvent
		for _, ev := range storedEvents(t, e, tenant, from+1, got[len(got)-1].Seq) {
			if ev.Type == string(events.TypePlanUpdated) || ev.Type == string(events.TypeValuesUpdated) {
				want = append(want, ev)
			}
		}
		if diff := cmp.Diff(streamKeys(want), streamKeys(got)); diff != "" {
			t.Errorf("filtered stream (-stored +received):\n%s", diff)
		}
	})
}

// TestStreamRequests covers who may open a stream, bad input, the
// per-tenant cap and heartbeats.
func TestStreamRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		ss := newStreamServer(t, e, api.StreamLimits{PerTenant: 2, Heartbeat: 40 * time.Millisecond, Retry: 1500 * time.Millisecond})
		tenant, admin := e.createTenant("requests")
		other, _ := e.createTenant("requests-other")
		analyst := e.token(tenant, "dashboard", tenants.RoleAnalyst)

		t.Run("roles", func(t *testing.T) {
			for _, tc := range []struct {
				name, token string
				status      int
			}{
				{"no token", "", 401},
				{"bad token", "not-a-token", 401},
				{"employee", e.token(tenant, "bob", tenants.RoleEmployee), 403},
				{"manager", e.token(tenant, "mia", tenants.RoleManager), 403},
				{"platform", e.platform(), 403},
				{"analyst", analyst, 200},
				{"admin", admin, 200},
			} {
				c, r := openStream(t, ss.srv.URL, streamPath, tc.token)
				expect(t, r, tc.status, tc.name)
				if c != nil {
					c.close()
				}
			}
		})

		t.Run("bad input", func(t *testing.T) {
			for _, tc := range []struct {
				name, query string
				headers     []string
			}{
				{"unknown type", "?types=document.exploded", nil},
				{"unknown full type", "?types=plan.updated,cadre.nothing.happened", nil},
				{"prefix only", "?types=cadre.", nil},
				{"since not a number", "?since=yesterday", nil},
				{"negative since", "?since=-1", nil},
				{"bad Last-Event-ID", "", []string{"Last-Event-ID", "abc"}},
			} {
				_, r := openStream(t, ss.srv.URL, streamPath+tc.query, analyst, tc.headers...)
				expect(t, r, 422, tc.name)
				if typ, _ := r.json(t)["type"].(string); !strings.HasSuffix(typ, "/validation") {
					t.Errorf("%s: problem type %q, want …/validation", tc.name, typ)
				}
			}
			ss.waitMetric(t, "cadre_event_streams_open", "0")
		})

		t.Run("no bus", func(t *testing.T) {
			verifier, err := auth.New(t.Context(), auth.Config{Secret: testSecret})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(api.New(api.Config{Store: e.db.Store, Verifier: verifier, Logger: streamLogger()}).Handler())
			defer srv.Close()
			_, r := openStream(t, srv.URL, streamPath, analyst)
			expect(t, r, 503, "stream without a bus")
		})

		t.Run("openapi", func(t *testing.T) {
			r := e.do("GET", "/openapi.json", "", nil)
			expect(t, r, 200, "openapi")
			var doc struct {
				Paths map[string]map[string]struct {
					Responses map[string]struct {
						Content map[string]any `json:"content"`
					} `json:"responses"`
				} `json:"paths"`
			}
			if err := json.Unmarshal(r.Body, &doc); err != nil {
				t.Fatal(err)
			}
			if _, ok := doc.Paths[streamPath]["get"].Responses["200"].Content["text/event-stream"]; !ok {
				t.Errorf("openapi: GET %s has no text/event-stream response", streamPath)
			}
		})

		t.Run("heartbeat", func(t *testing.T) {
			c := mustOpenStream(t, ss.srv.URL, streamPath+"?types=plan.updated", analyst)
			defer c.close()
			if f, _ := c.next(); f.Retry != "1500" {
				t.Errorf("first frame: got %+v, want retry: 1500", f)
			}
			for range 3 {
				if f, _ := c.next(); f.Comment != "keep-alive" {
					t.Fatalf("idle stream: got frame %+v, want the comment keep-alive", f)
				}
			}
		})

		t.Run("consumer deleted on close", func(t *testing.T) {
			waitConsumers(t, e, other, 0)
			c := mustOpenStream(t, ss.srv.URL, streamPath, e.token(other, "dash", tenants.RoleAnalyst))
			waitConsumers(t, e, other, 1)
			c.close()
			waitConsumers(t, e, other, 0)
		})

		t.Run("tenant cap", func(t *testing.T) {
			ss.waitMetric(t, "cadre_event_streams_open", "0")
			c1 := mustOpenStream(t, ss.srv.URL, streamPath, analyst)
			mustOpenStream(t, ss.srv.URL, streamPath, admin)
			_, r := openStream(t, ss.srv.URL, streamPath, analyst)
			expect(t, r, 429, "third stream")
			if r.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			// Another tenant has its own cap.
			mustOpenStream(t, ss.srv.URL, streamPath, e.token(other, "dash", tenants.RoleAnalyst)).close()
			// A closed stream frees its slot.
			c1.close()
			ss.waitMetric(t, "cadre_event_streams_open", "1")
			mustOpenStream(t, ss.srv.URL, streamPath, analyst)
		})
	})
}

// TestStreamShutdown runs the stream behind Cadre's http.Server: a stream
// outlives the server's ReadTimeout, and Shutdown ends it at once.
func TestStreamShutdown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, _ := e.createTenant("shutdown")
		analyst := e.token(tenant, "dashboard", tenants.RoleAnalyst)
		ss := newStreamServer(t, e, api.StreamLimits{Heartbeat: 50 * time.Millisecond})
		hs := api.NewHTTPServer("127.0.0.1:0", ss.api.Handler())
		hs.ReadTimeout = 150 * time.Millisecond
		hs.RegisterOnShutdown(ss.api.CloseStreams)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- hs.Serve(ln) }()
		base := "http://" + ln.Addr().String()

		c := mustOpenStream(t, base, streamPath, analyst)
		for beats := 0; beats < 6; { // 300 ms: twice the ReadTimeout
			f, ok := c.next()
			if !ok {
				t.Fatalf("stream ended (%v) after the server's ReadTimeout", c.err)
			}
			if f.Comment == "keep-alive" {
				beats++
			}
		}
		ids := publishPlanEvents(t, e, tenant, 1, 0)
		c.eventsUntil(hasEventIDs(ids))

		ctx, cancel := context.WithTimeout(context.Background(), streamWait)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			t.Fatalf("shutdown with an open stream: %v", err)
		}
		if err := <-served; err != http.ErrServerClosed {
			t.Errorf("serve: got %v, want http.ErrServerClosed", err)
		}
		if rest, err := c.drain(); len(rest) != 0 || !isStreamCut(err) {
			t.Errorf("stream after shutdown: got %d more events and %v, want a clean end", len(rest), err)
		}
	})
}

// waitConsumers polls until the CADRE stream has want consumers on the
// tenant's subjects (the event streams' consumers).
func waitConsumers(t *testing.T, e *env, tenant tenants.ID, want int) {
	t.Helper()
	ctx := context.Background()
	what := fmt.Sprintf("%d consumers on the subjects of %s", want, tenant)
	testwait.Until(t, streamWait, what, func() (bool, error) {
		s, err := e.bus.JetStream().Stream(ctx, e.bus.StreamName())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		consumers := s.ListConsumers(ctx)
		for info := range consumers.Info() {
			if slices.Contains(info.Config.FilterSubjects, events.TenantFilter(tenant)) || info.Config.FilterSubject == events.TenantFilter(tenant) {
				n++
			}
		}
		if err := consumers.Err(); err != nil {
			t.Fatal(err)
		}
		return n == want, fmt.Errorf("%d consumers", n)
	})
}

// TestStreamTokenExpiry: a stream ends when the token that opened it expires
// (its exp plus the tolerated skew), with a comment saying why; the client
// resumes with a fresh token from its last event and misses nothing; the
// expired token opens nothing.
func TestStreamTokenExpiry(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	ss := newStreamServerAuth(t, e, api.StreamLimits{Heartbeat: 50 * time.Millisecond}, auth.Config{Secret: testSecret, Leeway: time.Millisecond})
	tenant, _ := e.createTenant("expiry")
	short, err := auth.Mint(testSecret, tenants.Principal{Subject: "dashboard", Tenant: tenant, Roles: []tenants.Role{tenants.RoleAnalyst}},
		"cadre", "cadre-api", 2*time.Second, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := mustOpenStream(t, ss.srv.URL, streamPath, short)
	first := publishPlanEvents(t, e, tenant, 1, 0)
	got := c.eventsUntil(hasEventIDs(first))
	var last string
	for {
		f, ok := c.next()
		if !ok {
			break
		}
		if f.Comment != "" && f.Comment != "keep-alive" {
			last = f.Comment
		}
	}
	if !isStreamCut(c.err) || !strings.HasPrefix(last, "token expired") {
		t.Fatalf("stream end: %v, last comment %q; want a clean end after a token-expired comment", c.err, last)
	}
	ss.waitMetric(t, `cadre_event_stream_closed_total{reason="token_expired"}`, "1")

	if _, r := openStream(t, ss.srv.URL, streamPath, short); r.Status != http.StatusUnauthorized {
		t.Errorf("stream with the expired token: got %d, want 401", r.Status)
	}
	more := publishPlanEvents(t, e, tenant, 2, 0)
	resume := "?since=" + got[len(got)-1].ID
	again := mustOpenStream(t, ss.srv.URL, streamPath+resume, e.token(tenant, "dashboard", tenants.RoleAnalyst))
	rest := again.eventsUntil(hasEventIDs(more)) // every event published since (TestStreamResume checks there is no gap)
	if rest[0].Seq <= got[len(got)-1].Seq {
		t.Errorf("after resuming: first event %v, want one after %v (no repeat)", streamKeys(rest[:1]), streamKeys(got[len(got)-1:]))
	}
}
