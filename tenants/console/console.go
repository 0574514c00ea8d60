package console

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
)

//go:embed web/templates/*.html web/static/*
var web embed.FS

// Defaults of Config.
const (
	// DefaultIdleTimeout ends a session nobody used for half an hour.
	DefaultIdleTimeout = 30 * time.Minute
	// DefaultAbsoluteTimeout ends every session after a working day.
	DefaultAbsoluteTimeout = 12 * time.Hour
)

// Config holds the console's dependencies.
type Config struct {
	// App runs the use cases; its store serves the reads.
	App *app.App
	// API serves /v1; the live event stream (/live) is the API's
	// /v1/events/stream, called with a token minted for the session.
	API http.Handler
	// Mint returns a short-lived API token for p; nil disables live updates.
	Mint func(p tenants.Principal) (string, error)
	// DevSignIn enables the development sign-in (one-time links, then a
	// page to pick a tenant and a role). Only for a server running on its
	// generated development secret.
	DevSignIn bool
	// SecureCookies marks cookies Secure even on plain HTTP (behind a TLS
	// proxy); under TLS they are Secure anyway.
	SecureCookies bool
	// SessionKey signs the cookies (at least 32 bytes). Default: random per
	// process, so sessions end when the process restarts.
	SessionKey []byte
	// IdleTimeout and AbsoluteTimeout bound a session. Defaults above.
	IdleTimeout, AbsoluteTimeout time.Duration
	Logger                       *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Console is the web console's handler.
type Console struct {
	cfg      Config
	app      *app.App
	sessions *sessions
	pages    map[string]*template.Template
	static   http.Handler
	handler  http.Handler

	mu       sync.Mutex
	devCodes map[string]time.Time // one-time sign-in codes and their expiry
}

// devCodeTTL is how long a printed sign-in link stays usable: long enough
// to copy it from the terminal after a slow start.
const devCodeTTL = time.Hour

// New returns the console over cfg.
func New(cfg Config) (*Console, error) {
	if cfg.App == nil {
		return nil, errors.New("console: App is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.AbsoluteTimeout <= 0 {
		cfg.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if len(cfg.SessionKey) == 0 {
		cfg.SessionKey = make([]byte, 32)
		if _, err := rand.Read(cfg.SessionKey); err != nil {
			return nil, err
		}
	}
	if len(cfg.SessionKey) < 32 {
		return nil, errors.New("console: SessionKey must have at least 32 bytes")
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(web, "web/static")
	if err != nil {
		return nil, err
	}
	c := &Console{cfg: cfg, app: cfg.App, pages: pages, devCodes: map[string]time.Time{},
		static: http.StripPrefix("/static/", http.FileServerFS(static)),
		sessions: &sessions{key: cfg.SessionKey, idle: cfg.IdleTimeout, absolute: cfg.AbsoluteTimeout,
			secure: cfg.SecureCookies, now: cfg.Now}}
	mux := http.NewServeMux()
	c.routes(mux)
	c.handler = securityHeaders(http.NewCrossOriginProtection().Handler(mux))
	return c, nil
}

// Patterns are the paths the console serves; everything else (the API,
// /healthz, /metrics) stays with the API. Mount them on the root mux.
var Patterns = []string{"/{$}", "/static/", "/signin/", "/signout", "/library", "/library/", "/documents", "/documents/",
	"/employees", "/employees/", "/assessment", "/assessment/", "/plan", "/plan/", "/team", "/heatmap", "/live"}

// Mount registers the console's patterns on mux.
func (c *Console) Mount(mux *http.ServeMux) {
	for _, p := range Patterns {
		mux.Handle(p, c.handler)
	}
}

// ServeHTTP serves the console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

// contentSecurityPolicy allows the console's own script, style and images
// and nothing inline; the event stream is same-origin.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every console answer carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// principalKey keys the signed-in principal in a request's context.
type principalKey struct{}

// signedIn wraps a page that needs a session with one of roles: without a
// session it answers the sign-in page; with another role, the forbidden
// page.
func (c *Console) signedIn(h func(w http.ResponseWriter, r *http.Request, p tenants.Principal), roles ...tenants.Role) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.sessions.read(w, r, sessionCookie, "session")
		p, valid := s.principal()
		if !ok || !valid {
			c.render(w, r, http.StatusUnauthorized, "signin", tenants.Principal{}, c.signinData(w, r))
			return
		}
		if len(roles) > 0 && !p.Has(roles...) {
			c.fail(w, r, p, &app.Error{Kind: app.Forbidden, Detail: "your role may not open this page"})
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)), p)
	}
}

func (c *Console) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", c.static)
	mux.HandleFunc("GET /{$}", c.signedIn(c.home))
	mux.HandleFunc("GET /signin/dev", c.devSignInPage)
	mux.HandleFunc("POST /signin/dev", c.devSignIn)
	mux.HandleFunc("POST /signin/dev/company", c.devCompany)
	mux.HandleFunc("POST /signout", c.signOut)
	admin := []tenants.Role{tenants.RoleAdmin}
	takers := []tenants.Role{tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee}
	analysts := []tenants.Role{tenants.RoleAnalyst, tenants.RoleAdmin}
	pages := []struct {
		pattern string
		h       func(w http.ResponseWriter, r *http.Request, p tenants.Principal)
		roles   []tenants.Role
	}{
		{"GET /library", c.library, admin},
		{"POST /library/{slug}/approve", c.approve, admin},
		{"GET /documents", c.documents, admin},
		{"POST /documents", c.upload, admin},
		{"POST /documents/{id}/delete", c.deleteDocument, admin},
		{"GET /employees", c.employees, admin},
		{"POST /employees/import", c.importEmployees, admin},
		{"GET /assessment", c.assessment, takers},
		{"POST /assessment/start", c.startAssessment, takers},
		{"GET /assessment/{id}", c.assessmentPage, takers},
		{"POST /assessment/{id}/answer", c.answer, takers},
		{"POST /assessment/{id}/submit", c.submit, takers},
		{"GET /plan", c.plan, takers},
		{"POST /plan/items/{id}", c.planItem, takers},
		{"GET /team", c.team, []tenants.Role{tenants.RoleManager, tenants.RoleAdmin}},
		{"GET /heatmap", c.heatmap, analysts},
		{"GET /live", c.live, analysts},
	}
	for _, pg := range pages {
		mux.HandleFunc(pg.pattern, c.signedIn(pg.h, pg.roles...))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, tenants.Principal{}, &app.Error{Kind: app.NotFound, Detail: "not found"})
	})
}
