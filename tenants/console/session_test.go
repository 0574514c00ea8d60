package console

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// clock is a settable time for the session tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestSessions(c *clock, secure bool) *sessions {
	return &sessions{key: []byte("0123456789abcdef0123456789abcdef"), idle: 30 * time.Minute, absolute: 12 * time.Hour, secure: secure, now: c.now}
}

// TestSessionTimeoutsAndTampering: a session cookie is accepted while used
// within the idle timeout and until the absolute one; a tampered, foreign
// or wrong-kind cookie is refused.
func TestSessionTimeoutsAndTampering(t *testing.T) {
	start := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	s := session{Kind: "session", Subject: "emp-1", Tenant: "00000000-0000-0000-0000-000000000001", Roles: []string{"employee"},
		Created: start.Unix(), Seen: start.Unix()}
	c := &clock{t: start}
	m := newTestSessions(c, false)
	v, err := m.encode(s)
	if err != nil {
		t.Fatal(err)
	}
	other := &sessions{key: []byte("another-key-another-key-another-key!"), idle: m.idle, absolute: m.absolute, now: c.now}
	foreign, err := other.encode(s)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, value, kind string
		at                time.Time
		ok                bool
	}{
		{"fresh", v, "session", start.Add(time.Minute), true},
		{"idle", v, "session", start.Add(31 * time.Minute), false},
		{"tampered", v[:len(v)-2] + "AA", "session", start, false},
		{"other key", foreign, "session", start, false},
		{"wrong kind", v, "dev", start, false},
		{"garbage", "x", "session", start, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = tt.at
			_, err := m.decode(tt.value, tt.kind)
			if got := err == nil; got != tt.ok {
				t.Errorf("decode: got ok %v (%v), want %v", got, err, tt.ok)
			}
		})
	}

	// Used every 20 minutes, the session lives until the absolute timeout.
	c.t = start
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: v})
	for c.t.Before(start.Add(12*time.Hour - 20*time.Minute)) {
		c.t = c.t.Add(20 * time.Minute)
		rec = httptest.NewRecorder()
		got, ok := m.read(rec, req, sessionCookie, "session")
		if !ok || got.Subject != "emp-1" {
			t.Fatalf("at %v: session refused", c.t.Sub(start))
		}
		fresh := rec.Result().Cookies()
		if len(fresh) != 1 {
			t.Fatalf("at %v: got %d cookies, want the refreshed session", c.t.Sub(start), len(fresh))
		}
		req = httptest.NewRequest("GET", "/", nil)
		req.AddCookie(fresh[0])
	}
	c.t = start.Add(12*time.Hour + time.Minute)
	rec = httptest.NewRecorder()
	if _, ok := m.read(rec, req, sessionCookie, "session"); ok {
		t.Error("a session older than the absolute timeout was accepted")
	}
	if cs := rec.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("expired session: got cookies %v, want it cleared", cs)
	}
}

// TestCookieFlags: HttpOnly and SameSite=Lax always; Secure under TLS or
// when configured (behind a TLS proxy).
func TestCookieFlags(t *testing.T) {
	c := &clock{t: time.Now()}
	for _, tt := range []struct {
		name       string
		configured bool
		tls        bool
		secure     bool
	}{
		{"plain http", false, false, false},
		{"tls", false, true, true},
		{"configured", true, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestSessions(c, tt.configured)
			req := httptest.NewRequest("GET", "/", nil)
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			if err := m.write(rec, req, sessionCookie, session{Kind: "session"}); err != nil {
				t.Fatal(err)
			}
			ck := rec.Result().Cookies()[0]
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != tt.secure {
				t.Errorf("got HttpOnly %v SameSite %v Secure %v, want true Lax %v", ck.HttpOnly, ck.SameSite, ck.Secure, tt.secure)
			}
		})
	}
}
