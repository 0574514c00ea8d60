package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// CORS headers. Browsers on an allowed origin may send the headers Cadre
// reads and read the headers it answers with; a preflight is cached for
// corsMaxAge seconds.
const (
	corsAllowMethods  = "GET, POST, PUT, PATCH, DELETE"
	corsAllowHeaders  = "Authorization, Content-Type, Idempotency-Key, If-Match, Last-Event-ID, X-Request-Id"
	corsExposeHeaders = "ETag, Location, Retry-After, X-Request-Id, Idempotent-Replayed, RateLimit, RateLimit-Policy"
	corsMaxAge        = "600"
)

// ParseCORSOrigins checks a comma-separated list of origins
// (scheme://host[:port], as a browser sends them in Origin): exact origins
// only, since a wildcard would let any page use a token it got hold of.
func ParseCORSOrigins(s string) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		o := strings.TrimSpace(part)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || strings.Contains(o, "*") {
			return nil, fmt.Errorf("origin %q: want scheme://host[:port], e.g. https://dashboard.example.com", o)
		}
		out = append(out, strings.ToLower(o))
	}
	return out, nil
}

// cors answers cross-origin requests from the configured origins (none by
// default): a preflight (OPTIONS with Access-Control-Request-Method) is
// answered here, before authentication, since browsers send it without the
// token; other requests get the allow and expose headers and go on. An
// origin not on the list gets no CORS headers, so the browser keeps the
// answer from the page.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || len(s.cfg.CORSOrigins) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		allowed := slices.Contains(s.cfg.CORSOrigins, strings.ToLower(origin))
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if !allowed {
				writeProblem(w, problem(http.StatusForbidden, "", "this origin is not allowed to call the API (CADRE_CORS_ORIGINS)"))
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		}
		next.ServeHTTP(w, r)
	})
}
