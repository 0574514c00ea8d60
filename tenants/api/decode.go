package api

import (
	"bytes"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxNumber is the largest number a client may give in a path, query,
// header or cursor: versions and revisions are int4 columns on PostgreSQL,
// and a larger value there is a database error (a 500), not a miss.
const MaxNumber = math.MaxInt32

// parseNumber parses a decimal integer from min to MaxNumber.
func parseNumber(s string, min int) (int, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < int64(min) || n > MaxNumber {
		return 0, false
	}
	return int(n), true
}

// bodyLimit is the most any route reads of a request body: JSON bodies, or
// a document upload (JSON escaping and multipart framing around it).
func (s *Server) bodyLimit() int64 {
	return max(s.cfg.Limits.MaxBodyBytes, 2*s.cfg.Limits.Extract.MaxBytes+1<<16)
}

// requireUTF8 refuses, with one 400 invalid-utf8 problem, a request whose
// path, query or JSON body is not valid UTF-8: encoding/json (and URL
// decoding) would otherwise pass the bad bytes on or turn them into U+FFFD
// unseen. A body past bodyLimit is left to the route, which refuses it as
// too large.
func (s *Server) requireUTF8(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !utf8.ValidString(r.URL.Path) || !validQuery(r.URL.RawQuery) {
			writeProblem(w, problem(http.StatusBadRequest, "invalid-utf8", "the request's path or query is not valid UTF-8"))
			return
		}
		if r.Body == nil || r.Body == http.NoBody || !jsonBody(r.Header.Get("Content-Type")) {
			next.ServeHTTP(w, r)
			return
		}
		limit := s.bodyLimit()
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			writeProblem(w, problem(http.StatusBadRequest, "", "could not read the request body"))
			return
		}
		if int64(len(body)) <= limit && !utf8.Valid(body) {
			writeProblem(w, problem(http.StatusBadRequest, "invalid-utf8", "the request body is not valid UTF-8"))
			return
		}
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		next.ServeHTTP(w, r)
	})
}

// validQuery reports whether every decoded key and value of a raw query is
// valid UTF-8 (an undecodable query is left to the route).
func validQuery(raw string) bool {
	if raw == "" {
		return true
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return true
	}
	for k, vs := range q {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

// jsonBody reports a JSON content type (application/json or +json).
func jsonBody(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
