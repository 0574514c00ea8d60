package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/cadrehq/cadre/tenants"
)

// Cookie names.
const (
	sessionCookie = "cadre_session"
	devCookie     = "cadre_dev"
)

// sessionRefresh is how stale a session's last-seen time may get before a
// request writes it again: a minute keeps the idle timeout accurate to a
// minute without a Set-Cookie on every request.
const sessionRefresh = time.Minute

// session is what the session cookie holds, signed.
type session struct {
	Subject string   `json:"s"`
	Tenant  string   `json:"t"`
	Roles   []string `json:"r"`
	// Created and Seen are Unix seconds: the sign-in and the last request.
	Created int64 `json:"c"`
	Seen    int64 `json:"l"`
	// Kind is "session" or "dev" (a development sign-in grant), so that one
	// cookie cannot be replayed as the other.
	Kind string `json:"k"`
}

// principal returns the session's principal; ok is false when the session
// does not make one.
func (s session) principal() (tenants.Principal, bool) {
	id, err := tenants.ParseID(s.Tenant)
	if err != nil || s.Subject == "" || len(s.Roles) == 0 {
		return tenants.Principal{}, false
	}
	p := tenants.Principal{Subject: s.Subject, Tenant: id}
	for _, r := range s.Roles {
		role, err := tenants.ParseRole(r)
		if err != nil || role == tenants.RolePlatformAdmin {
			return tenants.Principal{}, false
		}
		p.Roles = append(p.Roles, role)
	}
	return p, true
}

// sessions signs and checks session cookies.
type sessions struct {
	key            []byte
	idle, absolute time.Duration
	secure         bool
	now            func() time.Time
}

var errBadCookie = errors.New("invalid session cookie")

func (m *sessions) encode(s session) (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(m.sign(payload)), nil
}

func (m *sessions) sign(payload string) []byte {
	h := hmac.New(sha256.New, m.key)
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// decode checks a cookie value's signature, kind and timeouts.
func (m *sessions) decode(v, kind string) (session, error) {
	payload, sig, ok := strings.Cut(v, ".")
	if !ok {
		return session{}, errBadCookie
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, m.sign(payload)) {
		return session{}, errBadCookie
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return session{}, errBadCookie
	}
	var s session
	if err := json.Unmarshal(b, &s); err != nil || s.Kind != kind {
		return session{}, errBadCookie
	}
	now := m.now()
	if now.Sub(time.Unix(s.Created, 0)) > m.absolute || now.Sub(time.Unix(s.Seen, 0)) > m.idle {
		return session{}, errBadCookie
	}
	return s, nil
}

// read returns the request's valid session of kind, refreshing its
// last-seen time on w when it is older than sessionRefresh.
func (m *sessions) read(w http.ResponseWriter, r *http.Request, name, kind string) (session, bool) {
	c, err := r.Cookie(name)
	if err != nil {
		return session{}, false
	}
	s, err := m.decode(c.Value, kind)
	if err != nil {
		m.clear(w, r, name)
		return session{}, false
	}
	if now := m.now(); now.Sub(time.Unix(s.Seen, 0)) > sessionRefresh {
		s.Seen = now.Unix()
		_ = m.write(w, r, name, s)
	}
	return s, true
}

// write sets the cookie name to s.
func (m *sessions) write(w http.ResponseWriter, r *http.Request, name string, s session) error {
	v, err := m.encode(s)
	if err != nil {
		return err
	}
	http.SetCookie(w, m.cookie(r, name, v, int(m.absolute/time.Second)))
	return nil
}

// clear removes the cookie name.
func (m *sessions) clear(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, m.cookie(r, name, "", -1))
}

func (m *sessions) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: m.secure || r.TLS != nil}
}
