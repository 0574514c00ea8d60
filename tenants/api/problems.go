package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants/store"
)

// ProblemBase prefixes every problem `type`; the suffix is stable.
const ProblemBase = "https://cadre.dev/problems/"

// Problem is an RFC 9457 problem detail.
type Problem = huma.ErrorModel

// problemTypes gives each status its stable problem type.
var problemTypes = map[int]string{
	http.StatusBadRequest:            "bad-request",
	http.StatusUnauthorized:          "unauthenticated",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not-found",
	http.StatusMethodNotAllowed:      "method-not-allowed",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "payload-too-large",
	http.StatusUnsupportedMediaType:  "unsupported-media-type",
	http.StatusUnprocessableEntity:   "unprocessable",
	http.StatusTooManyRequests:       "rate-limited",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

func problemType(status int) string {
	if t, ok := problemTypes[status]; ok {
		return ProblemBase + t
	}
	return "about:blank"
}

// retryAfterUnavailable is the Retry-After of every 503 answer, in
// seconds: the database or the bus is out, and a client retrying after a
// second finds it back as soon as it is (the store's sessions reconnect on
// the next request), without a herd retrying at once.
const retryAfterUnavailable = "1"

// unavailable is the answer to a request that failed because the database
// was unavailable (store.ErrUnavailable): 503, with Retry-After (set by the
// outermost middleware on every 503), whatever the route and whether the
// failure surfaced in a handler or in the middleware (issue 13.9: the same
// outage answered 500 on some routes and 503 on others).
func unavailable() *Problem {
	return problem(http.StatusServiceUnavailable, "", "the database is unavailable; try again later")
}

// storeFailure is the answer to a store error no route handles: 503 when
// the database is unavailable, else 500.
func storeFailure(err error) *Problem {
	if errors.Is(err, store.ErrUnavailable) {
		return unavailable()
	}
	return problem(http.StatusInternalServerError, "", "internal error")
}

// problem builds a problem with a specific type suffix (e.g. "validation").
func problem(status int, kind, detail string, errs ...*huma.ErrorDetail) *Problem {
	t := problemType(status)
	if kind != "" {
		t = ProblemBase + kind
	}
	return &Problem{Type: t, Title: http.StatusText(status), Status: status, Detail: detail, Errors: errs}
}

// newHumaError replaces huma.NewError so that every error huma itself raises
// (validation, body limits, content types) is a Cadre problem: unknown JSON
// fields and malformed JSON are 400 "bad-request"; other schema violations
// 422 "validation". Bodies are not echoed back.
func newHumaError(status int, msg string, errs ...error) huma.StatusError {
	details := make([]*huma.ErrorDetail, 0, len(errs))
	unknownField := false
	for _, err := range errs {
		var d *huma.ErrorDetail
		if errors.As(err, &d) {
			cp := *d
			switch v := cp.Value.(type) {
			case map[string]any, []any:
				cp.Value = nil // never echo request bodies back
			case string:
				if cp.Location == "body" {
					cp.Value = nil
				} else if len(v) > 200 {
					cp.Value = v[:200] + "…"
				}
			}
			if strings.Contains(cp.Message, "unexpected property") {
				unknownField = true
			}
			details = append(details, &cp)
			continue
		}
		if err != nil {
			details = append(details, &huma.ErrorDetail{Message: err.Error()})
		}
	}
	kind := ""
	switch {
	case unknownField && status == http.StatusUnprocessableEntity:
		status, kind = http.StatusBadRequest, "unknown-field"
	case status == http.StatusUnprocessableEntity:
		kind = "validation"
	case status == http.StatusBadRequest && len(details) > 0 && details[0].Location == "body":
		kind = "malformed-json"
	}
	if status >= 500 {
		// A handler's unmapped error reaches huma as a 500 with the error
		// in errs: an unavailable database is still a 503.
		for _, err := range errs {
			if errors.Is(err, store.ErrUnavailable) {
				return unavailable()
			}
		}
		msg = "internal error"
		details = nil
	}
	return problem(status, kind, msg, details...)
}

func init() { huma.NewError = newHumaError }

// writeProblem writes p outside huma (middleware).
func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
