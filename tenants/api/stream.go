package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
)

// StreamInput selects and positions the live event stream.
type StreamInput struct {
	Types       string `query:"types" doc:"Comma-separated event types to send, full (cadre.document.uploaded) or short (document.uploaded). Default: every type."`
	Since       string `query:"since" doc:"Send the events after this event id (an SSE id this stream sent to the tenant); since=0 sends every event still retained, then follows live. Without since or Last-Event-ID the stream starts with new events."`
	LastEventID string `header:"Last-Event-ID" doc:"The id of the last event received: the stream resumes after it (takes precedence over since). Browsers send it when they reconnect."`
}

// streamDescription documents the stream in the OpenAPI document.
const streamDescription = "Server-Sent Events of the caller's tenant's CloudEvents (structured JSON as `data:`), " +
	"with `id:` an opaque event id (good in this tenant only; it resumes the stream) and `event:` the CloudEvents type. " +
	"An idle stream sends the comment `: keep-alive` every %s. A client that does not keep up is cut off; " +
	"like any client that reconnects, it resumes with `Last-Event-ID` (or `?since=`) and loses nothing still retained. " +
	"At most %d open streams per tenant (429 beyond)."

func (s *Server) registerStream() {
	s.streams = newStreamHub(s.cfg.Limits.Stream.PerTenant, s.cfg.Registerer)
	s.streams.ids = newStreamIDs(s.cfg.Limits.Stream.IDSecret)
	huma.Register(s.api, huma.Operation{
		OperationID: "stream-events", Method: http.MethodGet, Path: "/v1/events/stream",
		Summary: "Live event stream (analyst, admin)", Description: fmt.Sprintf(streamDescription, s.cfg.Limits.Stream.Heartbeat, s.cfg.Limits.Stream.PerTenant), Tags: []string{"events"},
		Responses: map[string]*huma.Response{
			"200": {
				Description: "An endless text/event-stream of the tenant's events.",
				Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{
					Type:        huma.TypeString,
					Description: "Frames `id: <event id>\\nevent: <type>\\ndata: <CloudEvent JSON>\\n\\n`, the comment `: keep-alive`, and `retry: <ms>`.",
				}}},
			},
		},
	}, s.streamEvents)
}

// CloseStreams ends every open event stream and refuses new ones; clients
// reconnect (elsewhere) with Last-Event-ID. Register it with
// http.Server.RegisterOnShutdown, or Shutdown waits for the streams.
func (s *Server) CloseStreams() { s.streams.close() }

// streamEvents checks the request and positions the tenant's consumer, so
// that every refusal is a problem before the stream starts; the stream
// itself is the returned body.
func (s *Server) streamEvents(ctx context.Context, in *StreamInput) (*huma.StreamResponse, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAnalyst, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if s.cfg.Bus == nil {
		return nil, problem(http.StatusServiceUnavailable, "", "the event stream is not enabled on this server")
	}
	types, err := parseStreamTypes(in.Types)
	if err != nil {
		return nil, err
	}
	after, resume, err := s.streams.ids.position(p.Tenant, in.LastEventID, in.Since)
	if err != nil {
		return nil, err
	}
	release, ok, closing := s.streams.acquire(p.Tenant)
	if closing {
		return nil, problem(http.StatusServiceUnavailable, "", "the server is shutting down; reconnect")
	}
	if !ok {
		return nil, huma.ErrorWithHeaders(
			problem(http.StatusTooManyRequests, "", fmt.Sprintf("this tenant already has %d open event streams", s.cfg.Limits.Stream.PerTenant)),
			http.Header{"Retry-After": {strconv.Itoa(max(1, int(s.cfg.Limits.Stream.Retry.Seconds())))}})
	}
	from := after + 1
	if !resume {
		info, err := s.cfg.Bus.StreamInfo(ctx)
		if err != nil {
			release()
			return nil, s.streamUnavailable(ctx, err)
		}
		from = info.State.LastSeq + 1
	}
	streamCtx, cancel := context.WithCancel(ctx)
	replayed, err := s.cfg.Bus.Replay(streamCtx, events.TenantFilter(p.Tenant), from)
	if err != nil {
		cancel()
		release()
		return nil, s.streamUnavailable(ctx, err)
	}
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		defer release()
		defer cancel()
		_, w := humago.Unwrap(hctx)
		s.serveStream(streamCtx, w, p, types, replayed)
	}}, nil
}

// serveStream writes the tenant's events, heartbeats when idle, until the
// client goes, a write misses its deadline, the server shuts down, or the
// token that opened the stream expires (the token is checked once, at the
// start; a client reconnects with a fresh one and Last-Event-ID, and misses
// nothing).
func (s *Server) serveStream(ctx context.Context, w http.ResponseWriter, p tenants.Principal, types map[events.Type]bool, replayed <-chan events.Replayed) {
	tenant := p.Tenant
	lim := s.cfg.Limits.Stream
	m := s.streams.metrics
	sw := newSSEWriter(w, lim.WriteTimeout)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // ask proxies not to buffer the stream
	w.WriteHeader(http.StatusOK)

	defer sw.clearWriteDeadline()
	reason := streamClientGone
	defer func() { m.closed.WithLabelValues(reason).Inc() }()
	fail := func(err error) {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			reason = streamSlowClient
			s.cfg.Logger.InfoContext(ctx, "event stream cut off: client too slow", logAttrs(ctx)...)
		}
	}
	if err := sw.retry(lim.Retry); err != nil {
		fail(err)
		return
	}
	heartbeat := time.NewTicker(lim.Heartbeat)
	defer heartbeat.Stop()
	var expired <-chan time.Time // nil: never
	if !p.Expires.IsZero() {
		t := time.NewTimer(time.Until(p.Expires))
		defer t.Stop()
		expired = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-expired:
			reason = streamExpired
			if err := sw.comment("token expired; reconnect with a fresh token and Last-Event-ID"); err != nil {
				fail(err)
			}
			return
		case <-s.streams.stop:
			reason = streamShutdown
			return
		case r, ok := <-replayed:
			if !ok {
				if ctx.Err() == nil {
					reason = streamBusEnded
				}
				return
			}
			if r.Event.TenantID != tenant.String() {
				// Defence in depth: the subject filter already keeps other
				// tenants' events out.
				m.foreign.Inc()
				s.cfg.Logger.ErrorContext(ctx, "event stream met another tenant's event; dropped",
					append(logAttrs(ctx), "seq", r.Seq, "event_id", r.Event.ID, "event_tenant", r.Event.TenantID)...)
				continue
			}
			if len(types) > 0 && !types[r.Event.Type] {
				continue
			}
			if err := sw.event(s.streams.ids.encode(tenant, r.Seq), r.Event); err != nil {
				fail(err)
				return
			}
			m.sent.Inc()
			heartbeat.Reset(lim.Heartbeat)
		case <-heartbeat.C:
			if err := sw.comment("keep-alive"); err != nil {
				fail(err)
				return
			}
		}
	}
}

// streamUnavailable answers 503, noting why the bus could not serve the
// stream for the request's one log line.
func (s *Server) streamUnavailable(ctx context.Context, err error) error {
	noteFailure(ctx, "event stream", err)
	return problem(http.StatusServiceUnavailable, "", "the event stream is unavailable; try again later")
}

// parseStreamTypes parses ?types=: comma-separated full or short event
// types. Empty means every type.
func parseStreamTypes(raw string) (map[events.Type]bool, error) {
	types := map[events.Type]bool{}
	var errs []*huma.ErrorDetail
	for part := range strings.SplitSeq(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		full := part
		if !strings.HasPrefix(full, "cadre.") {
			full = "cadre." + full
		}
		t, err := events.ParseType(full)
		if err != nil {
			errs = append(errs, &huma.ErrorDetail{Location: "query.types", Message: "unknown event type", Value: streamClip(part, 100)})
			continue
		}
		types[t] = true
	}
	if len(errs) > 0 {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "types lists unknown event types", errs...)
	}
	return types, nil
}

// position returns the sequence after which the stream starts, from
// Last-Event-ID (first) or ?since=: an event id sent to the tenant, or 0 for
// every event retained; resume is false when neither is given.
func (ids *streamIDs) position(tenant tenants.ID, lastEventID, since string) (after uint64, resume bool, err error) {
	loc, raw := "header.Last-Event-ID", strings.TrimSpace(lastEventID)
	if raw == "" {
		loc, raw = "query.since", strings.TrimSpace(since)
	}
	if raw == "" {
		return 0, false, nil
	}
	if raw == "0" {
		return 0, true, nil
	}
	after, ok := ids.decode(tenant, raw)
	if !ok {
		return 0, false, problem(http.StatusUnprocessableEntity, "validation", "not an event id of this stream: reconnect without it, or with since=0",
			&huma.ErrorDetail{Location: loc, Message: "not an event id of this stream", Value: streamClip(raw, 100)})
	}
	return after, true, nil
}

// streamClip shortens a rejected value echoed in a problem.
func streamClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
