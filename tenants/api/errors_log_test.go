package api_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// logRecords is a slog.Handler that keeps every record at min or above.
type logRecords struct {
	min slog.Level
	mu  sync.Mutex
	rs  []slog.Record
}

func (h *logRecords) Enabled(_ context.Context, l slog.Level) bool { return l >= h.min }
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler           { return h }
func (h *logRecords) WithGroup(string) slog.Handler                { return h }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rs = append(h.rs, r.Clone())
	return nil
}

// errors returns the records at level Error or above, as message and
// attributes.
func (h *logRecords) errors() []map[string]string { return h.atLeast(slog.LevelError) }

// atLeast returns the records at level min or above, as message and
// attributes.
func (h *logRecords) atLeast(min slog.Level) []map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]string
	for _, r := range h.rs {
		if r.Level < min {
			continue
		}
		m := map[string]string{"msg": r.Message}
		r.Attrs(func(a slog.Attr) bool {
			m[a.Key] = a.Value.String()
			return true
		})
		out = append(out, m)
	}
	return out
}

// bareServer is the API alone on a SQLite store, served in the test's
// goroutine (no listener, no bus, no workers), so that everything the
// request logs is logged when ServeHTTP returns.
type bareServer struct {
	t   *testing.T
	db  storetest.DB
	h   http.Handler
	log *logRecords
}

func newBareServer(t *testing.T) *bareServer {
	t.Helper()
	return newBareServerLimits(t, api.Limits{Extract: extract.DefaultLimits(), MaxValues: 100, RatePerSecond: -1})
}

// newBareServerLimits is newBareServer with other limits.
func newBareServerLimits(t *testing.T, lim api.Limits) *bareServer {
	t.Helper()
	db := storetest.SQLite(t)
	verifier, err := auth.New(context.Background(), auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	log := &logRecords{}
	srv := api.New(api.Config{Store: db.Store, Verifier: verifier, Limits: lim, Logger: slog.New(log)})
	return &bareServer{t: t, db: db, h: srv.Handler(), log: log}
}

func (b *bareServer) tenant(slug string) (tenants.ID, string) {
	b.t.Helper()
	id := tenants.NewID()
	if err := b.db.Store.CreateTenant(context.Background(), store.Tenant{ID: id, Name: slug, Slug: slug, Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		b.t.Fatal(err)
	}
	tok, err := auth.Mint(testSecret, tenants.Principal{Subject: "admin-" + slug, Tenant: id, Roles: []tenants.Role{tenants.RoleAdmin}}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	return id, tok
}

func (b *bareServer) get(path, token, requestID string) *httptest.ResponseRecorder {
	b.t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if requestID != "" {
		r.Header.Set("X-Request-Id", requestID)
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, r)
	return w
}

// problemOf decodes a problem answer's type and detail.
func problemOf(t *testing.T, w *httptest.ResponseRecorder) (typ, detail string) {
	t.Helper()
	var p struct{ Type, Detail string }
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body %q: %v", w.Body, err)
	}
	return p.Type, p.Detail
}

// TestServerErrorIsLoggedOnce reads an employee whose stored row is
// corrupt: a bare 500 for the client, and exactly one error log line with
// the request id, method, path, tenant and the store's error. The 4xx
// answers around it (another tenant's read of the same id, a bad cursor,
// no token) log no error at all.
func TestServerErrorIsLoggedOnce(t *testing.T) {
	b := newBareServer(t)
	a, adminA := b.tenant("acme")
	_, adminB := b.tenant("globex")
	now := time.Now().UTC()
	e := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: "rep", Name: "Rep", RoleSlug: "data-analyst", Tier: competency.TierMid, CreatedAt: now, UpdatedAt: now}
	if err := b.db.Store.InTenant(context.Background(), a, func(tx *store.Tx) error { return tx.InsertEmployee(e) }); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", store.SQLiteDSN(b.db.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("UPDATE employees SET tier = 'overlord' WHERE id = ?", e.ID.String()); err != nil {
		t.Fatal(err)
	}

	path := "/v1/employees/" + e.ID.String()
	w := b.get(path, adminA, "req-corrupt")
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("corrupt employee: got %d %s, want 500", w.Code, w.Body)
	}
	if _, detail := problemOf(t, w); detail != "internal error" || strings.Contains(w.Body.String(), "overlord") {
		t.Errorf("corrupt employee: body %s, want a bare internal error", w.Body)
	}
	for _, c := range []struct {
		path, token string
		status      int
	}{
		{path, adminB, http.StatusNotFound},
		{"/v1/employees?cursor=!!", adminA, http.StatusBadRequest},
		{path, "", http.StatusUnauthorized},
	} {
		if w := b.get(c.path, c.token, ""); w.Code != c.status {
			t.Errorf("GET %s: got %d %s, want %d", c.path, w.Code, w.Body, c.status)
		}
	}

	logged := b.log.errors()
	if len(logged) != 1 {
		t.Fatalf("error log lines: got %d %v, want 1", len(logged), logged)
	}
	got := logged[0]
	for k, want := range map[string]string{"msg": "request failed", "request_id": "req-corrupt", "method": "GET", "path": path,
		"status": "500", "tenant_id": a.String(), "op": "get employee"} {
		if got[k] != want {
			t.Errorf("log %s: got %q, want %q (line %v)", k, got[k], want, got)
		}
	}
	if !strings.Contains(got["err"], store.ErrCorrupt.Error()) {
		t.Errorf("log err: got %q, want the store's corrupt-row error", got["err"])
	}
}

// TestInvalidCursorIs400 sends every cursor list route a cursor it did not
// make: not base64, and base64 of something that is not an id. Both are
// 400 invalid-cursor; a well-formed cursor past the end is an empty page,
// and the same cursor in another tenant's list is no error either.
func TestInvalidCursorIs400(t *testing.T) {
	b := newBareServer(t)
	_, admin := b.tenant("acme")
	_, other := b.tenant("globex")
	platform, err := auth.Mint(testSecret, tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	routes := []struct{ path, token string }{
		{"/v1/documents", admin},
		{"/v1/employees", admin},
		{"/v1/assessments", admin},
		{"/v1/admin/dead-letters", admin},
		{"/v1/tenants", platform},
	}
	past := base64.RawURLEncoding.EncodeToString([]byte("ffffffff-ffff-ffff-ffff-ffffffffffff"))
	for _, r := range routes {
		for _, cursor := range []string{"!!", base64.RawURLEncoding.EncodeToString([]byte("v2"))} {
			w := b.get(r.path+"?cursor="+cursor, r.token, "")
			if w.Code != http.StatusBadRequest {
				t.Errorf("%s cursor %q: got %d %s, want 400", r.path, cursor, w.Code, w.Body)
				continue
			}
			if typ, _ := problemOf(t, w); !strings.HasSuffix(typ, "/invalid-cursor") {
				t.Errorf("%s cursor %q: type %q, want …/invalid-cursor", r.path, cursor, typ)
			}
		}
		tokens := []string{r.token}
		if r.token == admin {
			tokens = append(tokens, other)
		}
		for _, tok := range tokens {
			if w := b.get(r.path+"?cursor="+past, tok, ""); w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"next_cursor":"`) {
				t.Errorf("%s past the end: got %d %s, want 200 and no next page", r.path, w.Code, w.Body)
			}
		}
	}
	if logged := b.log.errors(); len(logged) != 0 {
		t.Errorf("error log lines: got %v, want none for 4xx", logged)
	}
}
