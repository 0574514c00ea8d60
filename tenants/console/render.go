package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// view is what every page template receives.
type view struct {
	Title string
	// Principal is the signed-in person; zero on the sign-in page.
	Principal tenants.Principal
	// Nav are the pages the principal's roles open.
	Nav []navLink
	// Path is the request's path, to mark the current page.
	Path string
	// Message is a refusal or a confirmation shown above the page.
	Message, MessageKind string
	Data                 any
}

type navLink struct{ Href, Label string }

// nav lists the pages p's roles open, in the order of the personas.
func nav(p tenants.Principal) []navLink {
	var n []navLink
	if p.Has(tenants.RoleAdmin) {
		n = append(n, navLink{"/library", "Library"}, navLink{"/documents", "Documents"}, navLink{"/employees", "Employees"})
	}
	if p.Has(tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee) {
		n = append(n, navLink{"/assessment", "Assessment"}, navLink{"/plan", "Plan"})
	}
	if p.Has(tenants.RoleManager, tenants.RoleAdmin) {
		n = append(n, navLink{"/team", "Team"})
	}
	if p.Has(tenants.RoleAnalyst, tenants.RoleAdmin) {
		n = append(n, navLink{"/heatmap", "Heatmap"})
	}
	return n
}

var funcs = template.FuncMap{
	"highlight": highlight,
	"pct":       func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"num":       func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"inc":       func(i int) int { return i + 1 },
	"heat":      heatClass,
	"roles": func(p tenants.Principal) string {
		s := make([]string, len(p.Roles))
		for i, r := range p.Roles {
			s[i] = string(r)
		}
		return strings.Join(s, ", ")
	},
}

// parsePages parses every page with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(web, "web/templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(web, "web/templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("console: parse %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render writes page with data; a template error is a bare 500.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, p tenants.Principal, data any) {
	c.renderMessage(w, r, status, page, p, data, "", "")
}

func (c *Console) renderMessage(w http.ResponseWriter, r *http.Request, status int, page string, p tenants.Principal, data any, msg, kind string) {
	t, ok := c.pages[page]
	if !ok {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if msg == "" {
		msg, kind = r.URL.Query().Get("done"), "ok"
		if !knownNotices[msg] {
			msg = ""
		}
	}
	v := view{Title: titles[page], Principal: p, Nav: nav(p), Path: r.URL.Path, Message: msg, MessageKind: kind, Data: data}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		c.cfg.Logger.ErrorContext(r.Context(), "console render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// knownNotices are the confirmations a redirect may ask a page to show
// (?done=…); anything else is ignored, so a link cannot put text on a page.
var knownNotices = map[string]bool{
	"Approved.": true, "Uploaded; the library is rebuilding.": true, "Deleted.": true,
	"Saved.": true, "Submitted; scoring…": true, "Plan updated.": true,
}

var titles = map[string]string{
	"signin": "Sign in", "home": "Cadre", "library": "Library", "documents": "Documents", "employees": "Employees",
	"assessment": "Assessment", "plan": "Development plan", "team": "Team", "heatmap": "Heatmap", "error": "Problem",
}

// statusOf maps a use case's refusal to the HTTP status the API answers.
var statusOf = map[app.Kind]int{
	app.Invalid: http.StatusUnprocessableEntity, app.BadRequest: http.StatusBadRequest,
	app.Unauthenticated: http.StatusUnauthorized, app.Forbidden: http.StatusForbidden,
	app.NotFound: http.StatusNotFound, app.Conflict: http.StatusConflict, app.Stale: http.StatusPreconditionFailed,
	app.TooLarge: http.StatusRequestEntityTooLarge, app.Unsupported: http.StatusUnsupportedMediaType,
}

// problemView is the error page's data.
type problemView struct {
	Status int
	Detail string
	Fields []app.Field
}

// refusal returns err as a readable problem: a use case's refusal as it
// is, a store's not-found as not found, anything else as a bare internal
// error (logged once, here).
func (c *Console) refusal(r *http.Request, err error) problemView {
	if e, ok := app.AsError(err); ok {
		st := statusOf[e.Kind]
		if st == 0 {
			st = http.StatusBadRequest
		}
		return problemView{Status: st, Detail: e.Detail, Fields: e.Fields}
	}
	if errors.Is(err, store.ErrNotFound) {
		return problemView{Status: http.StatusNotFound, Detail: "not found"}
	}
	c.cfg.Logger.ErrorContext(r.Context(), "console request failed", "path", r.URL.Path, "err", err)
	return problemView{Status: http.StatusInternalServerError, Detail: "something went wrong on our side; try again later"}
}

// fail answers the error page for err.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, p tenants.Principal, err error) {
	pv := c.refusal(r, err)
	c.render(w, r, pv.Status, "error", p, pv)
}

// redirect answers 303 to target with a confirmation notice.
func redirect(w http.ResponseWriter, r *http.Request, target, notice string) {
	if notice != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "done=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
