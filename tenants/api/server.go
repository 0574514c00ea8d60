// Package api is Cadre's HTTP API (DESIGN §7): huma operations over net/http,
// with authentication, tenant scope, rate limits, idempotency keys, metrics
// and RFC 9457 problems as net/http middleware around them.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
)

// Limits bound what one request may ask of the server.
type Limits struct {
	// MaxBodyBytes bounds JSON request bodies. Default 1 MiB.
	MaxBodyBytes int64
	// Extract bounds uploaded documents (size, pages, zip entries,
	// decompressed bytes, extracted characters). Default extract.DefaultLimits().
	Extract extract.Limits
	// MaxValues bounds the company values in one PUT /v1/values. Default 100.
	MaxValues int
	// RatePerSecond and Burst bound each tenant's (and the platform's)
	// requests. Default 200/s with a burst of 400; zero disables.
	RatePerSecond float64
	Burst         int
	// MaxPageSize bounds ?limit=. Default 200.
	MaxPageSize int
	// Stream bounds the live event stream. Defaults: see StreamLimits.
	Stream StreamLimits
	// Quotas are each tenant's default quotas and analytics threshold
	// (the platform admin overrides them per tenant). Defaults: see
	// app.Quotas.
	Quotas app.Quotas
	// Share bounds concurrent work and uploaded bytes per tenant and per
	// client address. Defaults: see ShareLimits.
	Share ShareLimits
}

func (l *Limits) defaults() {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 1 << 20
	}
	if l.Extract.MaxBytes <= 0 {
		l.Extract = extract.DefaultLimits()
	}
	if l.MaxValues <= 0 {
		l.MaxValues = 100
	}
	if l.RatePerSecond == 0 {
		l.RatePerSecond = 200
	}
	if l.Burst <= 0 {
		l.Burst = max(1, int(2*l.RatePerSecond))
	}
	if l.MaxPageSize <= 0 {
		l.MaxPageSize = 200
	}
	l.Stream.defaults()
	l.Share.defaults()
}

// Config holds the API's dependencies.
type Config struct {
	Store    *store.Store
	Verifier *auth.Verifier
	// Ready reports whether the event bus is usable (for /readyz); nil means
	// only the database is checked.
	Ready func(ctx context.Context) error
	// EventsRequired makes /readyz fail while Ready fails. Leave it false
	// for the API: its writes go to the outbox, which keeps their events
	// while the bus is down, so an API replica stays ready and a load
	// balancer does not drain every replica during a NATS incident (the
	// bus's state is still reported in the body). Set it for a worker,
	// which cannot work without the bus.
	EventsRequired bool
	// Replay hands a parked event to its consumer again, inside the
	// transaction that marks it replayed; nil disables replay.
	Replay func(ctx context.Context, tx *store.Tx, d store.DeadLetter) error
	// Extractor extracts uploaded documents; the server passes a
	// *sandbox.Pool. Default: in process, without a deadline or memory
	// bound (see app.Config.Extractor).
	Extractor app.Extractor
	// Bus is the event bus, for the live event stream; nil disables it.
	Bus    *events.Bus
	Limits Limits
	Logger *slog.Logger
	// Registerer receives the HTTP metrics; Gatherer serves /metrics.
	// Default: a fresh registry.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	// MetricsOnAPI serves /metrics on the API handler too, without
	// authentication: for development only. Default false: the metrics,
	// which name routes, tenants' load and the event backlog, are served by
	// NewOps on their own (private) address.
	MetricsOnAPI bool
	// Version is reported in the OpenAPI document.
	Version string
	// CORSOrigins are the browser origins allowed to call the API (exact,
	// lowercase; see ParseCORSOrigins). None by default.
	CORSOrigins []string
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	app     *app.App
	api     huma.API
	mux     *http.ServeMux
	handler http.Handler
	metrics *httpMetrics
	limiter *rateLimiters
	share   *fairShare
	tenants *tenantCache
	streams *streamHub
}

// New builds the API and its routes.
func New(cfg Config) *Server {
	s := newServer(cfg)
	s.registerOps()
	s.handler = s.middleware(s.mux)
	return s
}

// NewOps returns the operations endpoints alone, /healthz, /readyz (the
// store and cfg.Ready) and /metrics (cfg.Gatherer), without authentication
// or the API: for a process that serves no API, `cadre worker`.
func NewOps(cfg Config) http.Handler {
	s := newServer(cfg)
	s.registerHealth(true)
	return s.mux
}

func newServer(cfg Config) *Server {
	cfg.Limits.defaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registerer == nil {
		reg := prometheus.NewRegistry()
		cfg.Registerer, cfg.Gatherer = reg, reg
	}
	if cfg.Version == "" {
		cfg.Version = "1.0.0"
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(),
		app: app.New(app.Config{Store: cfg.Store, Replay: cfg.Replay, Extractor: cfg.Extractor,
			Limits: app.Limits{Extract: cfg.Limits.Extract, MaxValues: cfg.Limits.MaxValues, Quotas: cfg.Limits.Quotas}})}
	s.metrics = newHTTPMetrics(cfg.Registerer)
	s.limiter = newRateLimiters(cfg.Limits.RatePerSecond, cfg.Limits.Burst)
	s.share = newFairShare(cfg.Limits.Share)
	s.tenants = newTenantCache(cfg.Store, 5*time.Second)

	hc := huma.DefaultConfig("Cadre API", cfg.Version)
	hc.Info.Description = "Company-private competency frameworks: documents and values in, an explainable competency library, role frameworks, assessments and development plans out."
	hc.OpenAPIPath = "/openapi"
	hc.DocsPath = ""
	hc.SchemasPath = ""
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
	}
	hc.Security = []map[string][]string{{"bearer": {}}}
	hc.CreateHooks = nil // no $schema links in responses
	s.api = humago.New(s.mux, hc)
	return s
}

// App returns the use cases the API adapts.
func (s *Server) App() *app.App { return s.app }

// Handler is the root handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// OpenAPI returns the generated OpenAPI document.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

// ForgetTenant drops a tenant from the existence cache (after deletion).
func (s *Server) ForgetTenant(id string) { s.tenants.forget(id) }

func (s *Server) registerOps() {
	s.registerHealth(s.cfg.MetricsOnAPI)
	s.registerTenants()
	s.registerQuotas()
	s.registerDocuments()
	s.registerValues()
	s.registerLibrary()
	s.registerDeadLetters()
	s.registerAudit()
	s.registerCatalog()
	s.registerEmployees()
	s.registerMe()
	s.registerAssessments()
	s.registerReviews()
	s.registerPlans()
	s.registerAnalytics()
	s.registerQualityAnalytics()
	s.registerStream()
}

// NewHTTPServer wraps h with the server timeouts Cadre uses.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      0, // SSE streams are long-lived; handlers bound their own work
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}
