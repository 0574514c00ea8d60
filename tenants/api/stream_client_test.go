package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
)

// streamWait bounds every wait of the stream tests for something that
// should happen at once.
const streamWait = 15 * time.Second

// sseFrame is one Server-Sent Events frame as a client sees it.
type sseFrame struct {
	ID      string
	Event   string
	Data    string
	Retry   string
	Comment string
}

// streamEvent is an event frame decoded.
type streamEvent struct {
	Seq   uint64 // the stream sequence, decoded from ID
	ID    string // the SSE id
	Type  string
	Event events.Event
}

// key identifies a received event for comparisons.
func (e streamEvent) key() string {
	return strconv.FormatUint(e.Seq, 10) + " " + e.Type + " " + e.Event.ID
}

// sseClient is one connection to the event stream. Frames are read only
// after start, so that a test can play a client that stops reading.
type sseClient struct {
	t      testing.TB
	res    *http.Response
	cancel context.CancelFunc
	frames chan sseFrame
	// err is the error that ended the reading (io.EOF for a clean end);
	// set before frames is closed.
	err  error
	once sync.Once
}

// streamLogger discards the logs of the stream tests.
func streamLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// streamServer is an API server on the env's store and bus with its own
// stream limits and metrics registry.
type streamServer struct {
	api *api.Server
	srv *httptest.Server
}

func newStreamServer(t testing.TB, e *env, lim api.StreamLimits) *streamServer {
	t.Helper()
	return newStreamServerAuth(t, e, lim, auth.Config{Secret: testSecret})
}

// newStreamServerAuth is newStreamServer verifying tokens with cfg.
func newStreamServerAuth(t testing.TB, e *env, lim api.StreamLimits, cfg auth.Config) *streamServer {
	t.Helper()
	verifier, err := auth.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	limits := e.limit
	if lim.IDSecret == nil {
		lim.IDSecret = testSecret
	}
	limits.Stream = lim
	reg := prometheus.NewRegistry()
	a := api.New(api.Config{Store: e.db.Store, Verifier: verifier, Bus: e.bus, Limits: limits,
		Logger: streamLogger(), Registerer: reg, Gatherer: reg, MetricsOnAPI: true})
	srv := httptest.NewUnstartedServer(a.Handler())
	srv.Listener = smallSendBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(a.CloseStreams) // httptest's Close waits for open streams
	return &streamServer{api: a, srv: srv}
}

// smallSendBuffers gives the server's connections a 16 KiB socket send
// buffer (the kernel's default grows to megabytes), so that a client that
// stops reading blocks the server's writes after some 100 KiB.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(16 << 10)
	}
	return c, err
}

// openStream connects to the stream at path (e.g. "/v1/events/stream?since=0")
// and returns the response, with the client if the status is 200.
func openStream(t testing.TB, base, path, token string, headers ...string) (*sseClient, resp) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		defer cancel()
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return nil, resp{Status: res.StatusCode, Header: res.Header, Body: b}
	}
	c := &sseClient{t: t, res: res, cancel: cancel, frames: make(chan sseFrame, 1024)}
	t.Cleanup(c.close)
	return c, resp{Status: res.StatusCode, Header: res.Header}
}

// mustOpenStream is openStream that expects a 200 and starts reading.
func mustOpenStream(t testing.TB, base, path, token string, headers ...string) *sseClient {
	t.Helper()
	c, r := openStream(t, base, path, token, headers...)
	if c == nil {
		t.Fatalf("open %s: got %d %s, want 200", path, r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("open %s: content type %q, want text/event-stream", path, ct)
	}
	c.start()
	return c
}

// start reads frames in the background until the stream ends.
func (c *sseClient) start() {
	go func() {
		defer close(c.frames)
		rd := bufio.NewReader(c.res.Body)
		var f sseFrame
		empty := true
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				c.err = err // a partial frame is dropped, as a browser does
				return
			}
			line = strings.TrimSuffix(line, "\n")
			if line == "" {
				if !empty {
					c.frames <- f
				}
				f, empty = sseFrame{}, true
				continue
			}
			empty = false
			if rest, ok := strings.CutPrefix(line, ":"); ok {
				f.Comment = strings.TrimSpace(rest)
				continue
			}
			name, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch name {
			case "id":
				f.ID = value
			case "event":
				f.Event = value
			case "data":
				f.Data += value
			case "retry":
				f.Retry = value
			}
		}
	}()
}

// close hangs up.
func (c *sseClient) close() {
	c.once.Do(func() {
		c.cancel()
		_ = c.res.Body.Close()
	})
}

// next returns the next frame; ok is false when the stream has ended.
func (c *sseClient) next() (f sseFrame, ok bool) {
	c.t.Helper()
	select {
	case f, ok = <-c.frames:
		return f, ok
	case <-time.After(streamWait):
		c.t.Fatalf("no frame within %s", streamWait)
		return f, false
	}
}

// nextEvent returns the next event frame decoded, skipping comments and
// retry hints; ok is false when the stream has ended.
func (c *sseClient) nextEvent() (streamEvent, bool) {
	c.t.Helper()
	for {
		f, ok := c.next()
		if !ok {
			return streamEvent{}, false
		}
		if f.Data == "" {
			continue
		}
		return decodeSSEFrame(c.t, f), true
	}
}

// eventsUntil reads events until done says the events so far are enough.
func (c *sseClient) eventsUntil(done func([]streamEvent) bool) []streamEvent {
	c.t.Helper()
	var got []streamEvent
	for !done(got) {
		e, ok := c.nextEvent()
		if !ok {
			c.t.Fatalf("stream ended (%v) after %d events", c.err, len(got))
		}
		got = append(got, e)
	}
	return got
}

// drain reads the events left until the stream ends, and the error that
// ended it.
func (c *sseClient) drain() ([]streamEvent, error) {
	c.t.Helper()
	var got []streamEvent
	for {
		e, ok := c.nextEvent()
		if !ok {
			return got, c.err
		}
		got = append(got, e)
	}
}

func decodeSSEFrame(t testing.TB, f sseFrame) streamEvent {
	t.Helper()
	var e events.Event
	if err := json.Unmarshal([]byte(f.Data), &e); err != nil {
		t.Fatalf("frame data %q: %v", f.Data, err)
	}
	if err := e.Validate(); err != nil {
		t.Fatalf("frame data is not a valid CloudEvent: %v", err)
	}
	if string(e.Type) != f.Event {
		t.Fatalf("frame event %q, data type %q: want the same", f.Event, e.Type)
	}
	seq, ok := api.DecodeStreamID(testSecret, e.Tenant(), f.ID)
	if !ok {
		t.Fatalf("frame id %q: not an event id of tenant %s", f.ID, e.Tenant())
	}
	return streamEvent{Seq: seq, ID: f.ID, Type: f.Event, Event: e}
}

// sinceSeq is the ?since= that resumes tenant's stream after sequence seq.
func sinceSeq(tenant tenants.ID, seq uint64) string {
	if seq == 0 {
		return "?since=0"
	}
	return "?since=" + api.EncodeStreamID(testSecret, tenant, seq)
}

// hasEventIDs reports whether got holds every event id of want.
func hasEventIDs(want []string) func([]streamEvent) bool {
	return func(got []streamEvent) bool {
		seen := map[string]bool{}
		for _, e := range got {
			seen[e.Event.ID] = true
		}
		for _, id := range want {
			if !seen[id] {
				return false
			}
		}
		return true
	}
}

// publishPlanEvents publishes n plan.updated events of the tenant straight
// to the bus (no worker consumes that type) with data of about pad bytes
// more, and returns their ids in order.
func publishPlanEvents(t testing.TB, e *env, tenant tenants.ID, n, pad int) []string {
	t.Helper()
	ids, err := publishPlans(e.bus, tenant, n, pad)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// publishPlans is publishPlanEvents for other goroutines than the test's.
func publishPlans(bus *events.Bus, tenant tenants.ID, n, pad int) ([]string, error) {
	ids := make([]string, 0, n)
	msgs := make([]events.Message, 0, n)
	for i := range n {
		emp := "employee-" + strconv.Itoa(i)
		ev, err := events.New(tenant, events.TypePlanUpdated, emp, events.PlanUpdated{
			EmployeeID: emp, Version: i + 1, TargetTier: "senior" + strings.Repeat(" ", pad), LibraryVersion: 1, Items: 3, Open: 2,
		}, time.Now())
		if err != nil {
			return nil, err
		}
		data, err := json.Marshal(ev)
		if err != nil {
			return nil, err
		}
		ids = append(ids, ev.ID)
		msgs = append(msgs, events.Message{Subject: ev.Subject(), ID: ev.ID, Data: data})
	}
	for len(msgs) > 0 {
		batch := msgs[:min(len(msgs), 200)]
		acked, err := bus.PublishAll(context.Background(), batch)
		if err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		msgs = msgs[acked:]
	}
	return ids, nil
}

// lastSeq returns the last sequence of the whole stream.
func lastSeq(t testing.TB, e *env) uint64 {
	t.Helper()
	info, err := e.bus.StreamInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.LastSeq
}

// storedEvents returns every event of the tenant in the stream with a sequence in
// [from, to], read back from JetStream: the truth a stream is checked
// against.
func storedEvents(t testing.TB, e *env, tenant tenants.ID, from, to uint64) []streamEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), streamWait)
	defer cancel()
	ch, err := e.bus.Replay(ctx, events.TenantFilter(tenant), from)
	if err != nil {
		t.Fatal(err)
	}
	var out []streamEvent
	for {
		select {
		case r, ok := <-ch:
			if !ok {
				t.Fatalf("replay ended before sequence %d", to)
			}
			if r.Seq > to {
				return out
			}
			out = append(out, streamEvent{Seq: r.Seq, Type: string(r.Event.Type), Event: r.Event})
			if r.Seq == to {
				return out
			}
		case <-ctx.Done():
			t.Fatalf("replay did not reach sequence %d", to)
		}
	}
}

// streamKeys lists the keys of events, for diffs.
func streamKeys(evs []streamEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.key()
	}
	return out
}

// metric returns the value of the Prometheus sample line that starts with
// name (e.g. `cadre_event_stream_closed_total{reason="slow_client"}`) on
// the server's /metrics, "" when absent.
func (s *streamServer) metric(t testing.TB, name string) string {
	t.Helper()
	res, err := http.Get(s.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// waitMetric polls /metrics until the sample reads want.
func (s *streamServer) waitMetric(t testing.TB, name, want string) {
	t.Helper()
	testwait.Until(t, streamWait, fmt.Sprintf("%s = %q", name, want), func() (bool, error) {
		got := s.metric(t, name)
		return got == want, fmt.Errorf("%s = %q", name, got)
	})
}

// isStreamCut reports whether err is how a cut-off stream ends for the
// client: EOF, or a reset connection.
func isStreamCut(err error) bool {
	return err != nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "unexpected EOF"))
}
