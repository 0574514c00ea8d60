package api

import "time"

// StreamLimits bound the live event stream, GET /v1/events/stream.
type StreamLimits struct {
	// PerTenant bounds the concurrent streams of one tenant; one more is a
	// 429 problem. Default 100.
	PerTenant int
	// Heartbeat is how often an idle stream sends the comment ": keep-alive",
	// so that proxies and clients see the connection alive. Default 15s.
	Heartbeat time.Duration
	// WriteTimeout bounds the writing and flushing of one event or
	// heartbeat. A client that does not take it in time is cut off (and
	// resumes with Last-Event-ID, losing nothing). Default 10s.
	WriteTimeout time.Duration
	// Retry is the reconnection delay the stream suggests to clients (the
	// SSE `retry:` field). Default 3s.
	Retry time.Duration
	// IDSecret keys the events' SSE ids, which are opaque and per tenant
	// (see streamIDs). Replicas behind one load balancer need the same
	// secret for a client to resume on another; empty draws a random one
	// per process, and an id from before a restart is then refused (the
	// client reconnects without it).
	IDSecret []byte
}

func (l *StreamLimits) defaults() {
	if l.PerTenant <= 0 {
		l.PerTenant = 100
	}
	if l.Heartbeat <= 0 {
		l.Heartbeat = 15 * time.Second
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = 10 * time.Second
	}
	if l.Retry <= 0 {
		l.Retry = 3 * time.Second
	}
}
