package console

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// DevSignInLink returns a new one-time development sign-in link under base
// (http://127.0.0.1:8080), valid for an hour; "" when development sign-in
// is off.
func (c *Console) DevSignInLink(base string) string {
	if !c.cfg.DevSignIn {
		return ""
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	code := hex.EncodeToString(b)
	now := c.cfg.Now()
	c.mu.Lock()
	for k, exp := range c.devCodes {
		if now.After(exp) {
			delete(c.devCodes, k)
		}
	}
	c.devCodes[code] = now.Add(devCodeTTL)
	c.mu.Unlock()
	return strings.TrimSuffix(base, "/") + "/signin/dev?code=" + code
}

// spend consumes a one-time code.
func (c *Console) spend(code string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.devCodes[code]
	delete(c.devCodes, code)
	return ok && c.cfg.Now().Before(exp)
}

// signinView is the sign-in page's data.
type signinView struct {
	// Dev is true when development sign-in is on; Granted when this
	// browser followed a sign-in link.
	Dev, Granted bool
	Tenants      []store.Tenant
	Roles        []tenants.Role
	Industries   []competency.Industry
}

// devRoles are the roles the development sign-in offers.
var devRoles = []tenants.Role{tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee, tenants.RoleAnalyst}

// signinData lists the tenants for a browser holding a development grant.
func (c *Console) signinData(w http.ResponseWriter, r *http.Request) signinView {
	v := signinView{Dev: c.cfg.DevSignIn, Roles: devRoles, Industries: catalog.Default().Industries()}
	if !c.cfg.DevSignIn {
		return v
	}
	if _, ok := c.sessions.read(w, r, devCookie, "dev"); !ok {
		return v
	}
	v.Granted = true
	ts, err := c.app.Store().ListTenants(r.Context(), tenants.ID{}, 200)
	if err != nil {
		c.cfg.Logger.ErrorContext(r.Context(), "console list tenants", "err", err)
	}
	v.Tenants = ts
	return v
}

// devSignInPage follows a one-time link (?code=): the code is spent and the
// browser gets a development grant, then the page to pick a tenant and a
// role.
func (c *Console) devSignInPage(w http.ResponseWriter, r *http.Request) {
	if !c.cfg.DevSignIn {
		c.render(w, r, http.StatusNotFound, "signin", tenants.Principal{}, signinView{})
		return
	}
	if code := r.URL.Query().Get("code"); code != "" {
		if !c.spend(code) {
			c.renderMessage(w, r, http.StatusForbidden, "signin", tenants.Principal{}, signinView{Dev: true},
				"This sign-in link was used already or has expired; use the newest link printed by `cadre serve`.", "error")
			return
		}
		now := c.cfg.Now().Unix()
		if err := c.sessions.write(w, r, devCookie, session{Kind: "dev", Created: now, Seen: now}); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/signin/dev", http.StatusSeeOther)
		return
	}
	c.render(w, r, http.StatusOK, "signin", tenants.Principal{}, c.signinData(w, r))
}

// devSignIn signs the browser in as the chosen subject, tenant and role.
func (c *Console) devSignIn(w http.ResponseWriter, r *http.Request) {
	v := c.signinData(w, r)
	if !v.Granted {
		c.renderMessage(w, r, http.StatusForbidden, "signin", tenants.Principal{}, v, "Follow the sign-in link printed by `cadre serve` first.", "error")
		return
	}
	tenant, role := r.PostFormValue("tenant"), r.PostFormValue("role")
	subject := strings.TrimSpace(r.PostFormValue("subject"))
	known := false
	for _, t := range v.Tenants {
		known = known || t.ID.String() == tenant
	}
	ro, err := tenants.ParseRole(role)
	if !known || err != nil || ro == tenants.RolePlatformAdmin || subject == "" || len(subject) > 200 {
		c.renderMessage(w, r, http.StatusUnprocessableEntity, "signin", tenants.Principal{}, v, "Pick a company, a role and a subject.", "error")
		return
	}
	now := c.cfg.Now().Unix()
	s := session{Kind: "session", Subject: subject, Tenant: tenant, Roles: []string{string(ro)}, Created: now, Seen: now}
	if err := c.sessions.write(w, r, sessionCookie, s); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// devCompany creates a company from the development sign-in page, as the
// platform admin would through the API (app.CreateTenant).
func (c *Console) devCompany(w http.ResponseWriter, r *http.Request) {
	v := c.signinData(w, r)
	if !v.Granted {
		c.renderMessage(w, r, http.StatusForbidden, "signin", tenants.Principal{}, v, "Follow the sign-in link printed by `cadre serve` first.", "error")
		return
	}
	platform := tenants.Principal{Subject: "console-development", Roles: []tenants.Role{tenants.RolePlatformAdmin}}
	_, err := c.app.CreateTenant(r.Context(), platform, app.NewTenant{Name: r.PostFormValue("name"), Industry: r.PostFormValue("industry")})
	if err != nil {
		pv := c.refusal(r, err)
		c.renderMessage(w, r, pv.Status, "signin", tenants.Principal{}, v, pv.Detail, "error")
		return
	}
	http.Redirect(w, r, "/signin/dev", http.StatusSeeOther)
}

// signOut ends the session.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	c.sessions.clear(w, r, sessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// home is the start page: the pages the principal's roles open.
func (c *Console) home(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	c.render(w, r, http.StatusOK, "home", p, nil)
}
