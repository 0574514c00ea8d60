package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
)

type ctxKey int

const (
	routeKey ctxKey = iota
	requestIDKey
)

// routeHolder lets the inner layers report to the outermost middleware,
// which logs and measures the request once it is answered: the matched
// route pattern, the caller's tenant, and why the request failed. The
// request's goroutine writes it and the outermost middleware reads it after
// the inner handler returned, so it needs no lock.
type routeHolder struct {
	pattern string
	tenant  tenants.ID
	subject string // the verified token's sub, for the denial log
	op      string // what failed, as fail's callers name it
	err     error  // the first failure noted, logged with a 5xx answer
	denial  string // why authentication refused the request, if it did
}

// noteDenial records why authentication refused the request, for the
// denial log line (never the token itself).
func noteDenial(ctx context.Context, reason string) {
	if h, ok := ctx.Value(routeKey).(*routeHolder); ok && h.denial == "" {
		h.denial = reason
	}
}

// denied reports the statuses logged as security-relevant denials.
func denied(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusTooManyRequests
}

// noteFailure records err as the reason the request failed: the outermost
// middleware logs it, once, with the request's id, method and path, when
// the answer is a 5xx. It is the only way errors reach the log from a
// handler, so that no failure is logged twice.
func noteFailure(ctx context.Context, op string, err error) {
	if h, ok := ctx.Value(routeKey).(*routeHolder); ok && h.err == nil {
		h.op, h.err = op, err
	}
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	buf    *bytes.Buffer // set when the response is captured for idempotency
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", retryAfterUnavailable) // every 503, wherever it was written
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.buf != nil {
		w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// middleware chains, outermost first: request id, recover, metrics and
// logging, CORS, authentication and tenant scope, rate limits, idempotency
// keys, then the routes.
func (s *Server) middleware(next http.Handler) http.Handler {
	routed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if h, ok := r.Context().Value(routeKey).(*routeHolder); ok {
			h.pattern = r.Pattern
		}
	})
	inner := s.idempotency(routed)
	inner = s.requireUTF8(inner)
	inner = s.authenticate(inner)
	inner = s.cors(inner)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-Id")
		if rid == "" || len(rid) > 128 {
			rid = uuid.NewString()
		}
		holder := &routeHolder{}
		ctx := context.WithValue(r.Context(), routeKey, holder)
		ctx = context.WithValue(ctx, requestIDKey, rid)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", rid)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			var stack []any
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// The panic, rather than an error noted before it, is
				// what the log line must say.
				holder.op, holder.err = "panic", fmt.Errorf("panic: %v", v)
				stack = []any{"stack", string(debug.Stack())}
				if sw.status == 0 {
					writeProblem(sw, problem(http.StatusInternalServerError, "", "internal error"))
				}
			}
			route := holder.pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.observe(route, sw.status, elapsed)
			if sw.status >= 500 || stack != nil {
				// The one log line of a failed request; 4xx answers are
				// the caller's mistakes, not errors of the service.
				attrs := []any{"request_id", rid, "method", r.Method, "path", r.URL.Path, "route", route,
					"status", sw.status, "elapsed", elapsed}
				if !holder.tenant.IsZero() {
					attrs = append(attrs, "tenant_id", holder.tenant.String())
				}
				if holder.err != nil {
					attrs = append(attrs, "op", holder.op, "err", holder.err)
				}
				s.cfg.Logger.ErrorContext(ctx, "request failed", append(attrs, stack...)...)
			}
			if denied(sw.status) {
				// Security-relevant: who was turned away from what, and
				// why; the Authorization header is never logged.
				attrs := []any{"request_id", rid, "method", r.Method, "path", r.URL.Path, "route", route,
					"status", sw.status, "remote_addr", r.RemoteAddr}
				if !holder.tenant.IsZero() {
					attrs = append(attrs, "tenant_id", holder.tenant.String())
				}
				if holder.subject != "" {
					attrs = append(attrs, "subject", holder.subject)
				}
				if holder.denial != "" {
					attrs = append(attrs, "reason", holder.denial)
				}
				s.cfg.Logger.WarnContext(ctx, "request denied", attrs...)
			}
		}()
		inner.ServeHTTP(sw, r)
	})
}

// publicPath reports the paths open without a token.
func publicPath(p string) bool {
	switch p {
	case "/healthz", "/readyz", "/metrics", "/openapi.json", "/openapi.yaml", "/openapi-3.0.json", "/openapi-3.0.yaml":
		return true
	}
	return false
}

// authenticate verifies the bearer token of every /v1 request, checks that a
// tenant token's tenant exists, applies the rate limit of the caller's
// tenant, and puts the principal in the context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if publicPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		addr := clientAddr(r)
		if blocked, wait := s.share.badAuth.blocked(addr); blocked {
			// Too many requests without a valid token from this address:
			// refused before the token costs a verification.
			tooMany(w, wait, "too many requests without a valid token from this address; slow down")
			return
		}
		unauth := func(detail string) {
			s.share.badAuth.take(addr, 1)
			w.Header().Set("WWW-Authenticate", `Bearer realm="cadre"`)
			writeProblem(w, problem(http.StatusUnauthorized, "", detail))
		}
		raw, err := auth.FromHeader(r.Header.Get("Authorization"))
		if err != nil {
			noteDenial(r.Context(), "no bearer token")
			unauth("a valid bearer token is required")
			return
		}
		p, err := s.cfg.Verifier.Verify(raw)
		if err != nil {
			// The verifier's reasons name claims and checks, never the
			// token's bytes.
			noteDenial(r.Context(), err.Error())
			unauth("the bearer token is not valid")
			return
		}
		if h, ok := r.Context().Value(routeKey).(*routeHolder); ok {
			h.tenant, h.subject = p.Tenant, p.Subject
		}
		scope := "platform"
		if !p.Tenant.IsZero() {
			ok, err := s.tenants.exists(r.Context(), p.Tenant)
			if err != nil {
				noteFailure(r.Context(), "tenant lookup", err)
				writeProblem(w, storeFailure(err))
				return
			}
			if !ok {
				noteDenial(r.Context(), "the token's tenant does not exist")
				unauth("the token's tenant does not exist")
				return
			}
			scope = p.Tenant.String()
		}
		allowed, lim, wait := s.limiter.allow(scope)
		setRateLimitHeaders(w.Header(), lim)
		if !allowed {
			noteDenial(r.Context(), "rate limit of "+scope)
			tooMany(w, wait, "too many requests for this tenant; slow down")
			return
		}
		if isUpload(r) {
			release, ok := s.admitUpload(w, r, scope)
			if !ok {
				return
			}
			defer release()
		}
		next.ServeHTTP(w, r.WithContext(tenants.WithPrincipal(r.Context(), p)))
	})
}

// idempotency honours Idempotency-Key on POST. A key is scoped to the
// tenant, the subject, the method and the path. The first request claims
// the key before it runs: a concurrent duplicate meanwhile answers 409
// idempotency-key-in-flight, so one key never makes two objects. Only a
// successful (2xx) answer is kept and replayed to the same request for
// store.IdempotencyTTL; any other answer releases the key, so the corrected
// retry runs. The same key with another request body is a 422 problem.
func (s *Server) idempotency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 200 {
			writeProblem(w, problem(http.StatusBadRequest, "", "Idempotency-Key is longer than 200 characters"))
			return
		}
		p, _ := tenants.PrincipalFrom(r.Context())
		body, err := io.ReadAll(io.LimitReader(r.Body, s.bodyLimit()+1))
		if err != nil {
			writeProblem(w, problem(http.StatusBadRequest, "", "could not read the request body"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		h.Write([]byte(r.Method + " " + r.URL.RequestURI() + "\n" + r.Header.Get("Content-Type") + "\n"))
		h.Write(body)
		hash := hex.EncodeToString(h.Sum(nil))
		ctx := r.Context()
		scope := store.IdempotencyScope{Subject: p.Subject, Method: r.Method, Route: r.URL.Path, Key: key}
		prev, claimed, err := s.cfg.Store.ClaimIdempotencyKey(ctx, p.Tenant, scope, hash)
		switch {
		case err != nil:
			noteFailure(ctx, "idempotency claim", err)
			w.Header().Set("Retry-After", "1")
			writeProblem(w, problem(http.StatusServiceUnavailable, "", "try again later"))
			return
		case !claimed && prev.RequestHash != hash:
			writeProblem(w, problem(http.StatusUnprocessableEntity, "idempotency-key-reused", "this Idempotency-Key was used with a different request"))
			return
		case !claimed && prev.InFlight():
			w.Header().Set("Retry-After", "1")
			writeProblem(w, problem(http.StatusConflict, "idempotency-key-in-flight", "a request with this Idempotency-Key is still being answered; retry after it has"))
			return
		case !claimed:
			w.Header().Set("Content-Type", contentTypeFor(prev.Status))
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.Status)
			_, _ = w.Write(prev.Body)
			return
		}
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		sw.buf = &bytes.Buffer{}
		defer func() { sw.buf = nil }()
		// The claim is settled whatever happens to the handler, and with a
		// context the client cannot cancel: an unsettled claim would hold
		// the key until store.IdempotencyInFlightTTL.
		settle := context.WithoutCancel(ctx)
		completed := false
		defer func() {
			if completed {
				return
			}
			if err := s.cfg.Store.ReleaseIdempotencyKey(settle, p.Tenant, scope); err != nil {
				s.cfg.Logger.ErrorContext(ctx, "idempotency release", append(logAttrs(ctx), "err", err)...)
			}
		}()
		next.ServeHTTP(sw, r)
		if sw.status >= 200 && sw.status < 300 {
			err := s.cfg.Store.CompleteIdempotencyKey(settle, p.Tenant, scope, store.IdempotentResponse{
				Subject: p.Subject, RequestHash: hash, Status: sw.status, Body: sw.buf.Bytes()})
			if err != nil {
				// The answer is sent already: this is the only log of the
				// failure. The claim is released below, so a retry runs
				// again rather than waiting for the claim to expire.
				s.cfg.Logger.ErrorContext(ctx, "idempotency save", append(logAttrs(ctx), "err", err)...)
				return
			}
			completed = true
		}
	})
}

func contentTypeFor(status int) string {
	if status >= 400 {
		return "application/problem+json"
	}
	return "application/json"
}

// rateLimiters keeps one token bucket per tenant (and one for the platform).
type rateLimiters struct {
	rps   rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

func newRateLimiters(rps float64, burst int) *rateLimiters {
	return &rateLimiters{rps: rate.Limit(rps), burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *rateLimiters) allow(scope string) (ok bool, lim *rate.Limiter, wait time.Duration) {
	if l.rps <= 0 {
		return true, nil, 0
	}
	l.mu.Lock()
	lim, ok = l.m[scope]
	if !ok {
		if len(l.m) > 100000 { // bound memory; buckets refill quickly
			l.m = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(l.rps, l.burst)
		l.m[scope] = lim
	}
	l.mu.Unlock()
	now := time.Now()
	if lim.AllowN(now, 1) {
		return true, lim, 0
	}
	return false, lim, time.Duration((1 - lim.TokensAt(now)) / float64(l.rps) * float64(time.Second))
}

// tenantCache remembers for a short while which tenants exist, so that
// authentication costs no query per request. Deletion in this process
// forgets the tenant at once; other processes notice within the TTL.
type tenantCache struct {
	st  *store.Store
	ttl time.Duration
	mu  sync.Mutex
	m   map[tenants.ID]time.Time
}

func newTenantCache(st *store.Store, ttl time.Duration) *tenantCache {
	return &tenantCache{st: st, ttl: ttl, m: map[tenants.ID]time.Time{}}
}

func (c *tenantCache) exists(ctx context.Context, id tenants.ID) (bool, error) {
	c.mu.Lock()
	until, ok := c.m[id]
	c.mu.Unlock()
	if ok && time.Now().Before(until) {
		return true, nil
	}
	ok, err := c.st.TenantExists(ctx, id)
	if err != nil || !ok {
		return ok, err
	}
	c.mu.Lock()
	if len(c.m) > 100000 {
		c.m = map[tenants.ID]time.Time{}
	}
	c.m[id] = time.Now().Add(c.ttl)
	c.mu.Unlock()
	return true, nil
}

func (c *tenantCache) forget(id string) {
	tid, err := tenants.ParseID(id)
	if err != nil {
		return
	}
	c.mu.Lock()
	delete(c.m, tid)
	c.mu.Unlock()
}

// httpMetrics are the Prometheus request metrics by route and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cadre_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cadre_http_request_duration_seconds", Help: "HTTP request latency by route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "status"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *httpMetrics) observe(route string, status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	st := strconv.Itoa(status)
	m.requests.WithLabelValues(route, st).Inc()
	m.latency.WithLabelValues(route, st).Observe(d.Seconds())
}

func requestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// logAttrs returns the request's log attributes.
func logAttrs(ctx context.Context) []any {
	attrs := []any{"request_id", requestID(ctx)}
	if p, ok := tenants.PrincipalFrom(ctx); ok && !p.Tenant.IsZero() {
		attrs = append(attrs, "tenant_id", p.Tenant.String())
	}
	return attrs
}
