package api

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// principal returns the caller if they hold one of roles: 401 without a
// principal, 403 with the wrong role. Tenant roles need a tenant; the
// platform role needs none.
func principal(ctx context.Context, roles ...tenants.Role) (tenants.Principal, error) {
	p, ok := tenants.PrincipalFrom(ctx)
	if !ok {
		return p, problem(http.StatusUnauthorized, "", "a valid bearer token is required")
	}
	if !p.Has(roles...) {
		return p, problem(http.StatusForbidden, "", "your role may not do this")
	}
	return p, nil
}

// caller returns the authenticated caller (401 without one), for the routes
// whose use case authorizes the caller itself.
func caller(ctx context.Context) (tenants.Principal, error) {
	p, ok := tenants.PrincipalFrom(ctx)
	if !ok {
		return p, problem(http.StatusUnauthorized, "", "a valid bearer token is required")
	}
	return p, nil
}

// callerWho returns the caller if may (a use case's authorization) lets
// them in: routes check the role this way before they read the path id or
// the body, so a caller who may not is refused (403) even when the id they
// sent is malformed. op names the route in the error log.
func (s *Server) callerWho(ctx context.Context, may func(tenants.Principal) error, op string) (tenants.Principal, error) {
	p, err := caller(ctx)
	if err != nil {
		return p, err
	}
	if err := may(p); err != nil {
		return p, s.fail(ctx, op, err)
	}
	return p, nil
}

// tenantPrincipal is principal for tenant-scoped routes: a platform token
// (no tenant) is 403.
func tenantPrincipal(ctx context.Context, roles ...tenants.Role) (tenants.Principal, error) {
	p, err := principal(ctx, roles...)
	if err != nil {
		return p, err
	}
	if p.Tenant.IsZero() {
		return p, problem(http.StatusForbidden, "", "this route acts inside a tenant; use a tenant token")
	}
	return p, nil
}

// anyTenantRole are the roles of a company's people and tools.
var anyTenantRole = []tenants.Role{tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee, tenants.RoleAnalyst}

// fail turns a store or domain error into a problem; an unavailable
// database is a 503 and unknown errors a bare 500, both noted for the
// middleware, which logs them once with the request.
func (s *Server) fail(ctx context.Context, op string, err error) error {
	var p *Problem
	var refusal *app.Error
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &refusal) && refusal.Quota != nil:
		return quotaProblem(refusal)
	case errors.As(err, &refusal):
		return appProblem(refusal)
	case errors.Is(err, store.ErrNotFound):
		return problem(http.StatusNotFound, "", "not found")
	case errors.Is(err, store.ErrConflict):
		return problem(http.StatusConflict, "", "conflicts with an existing resource")
	case errors.Is(err, context.Canceled):
		return problem(http.StatusServiceUnavailable, "", "request cancelled")
	}
	noteFailure(ctx, op, err)
	return storeFailure(err)
}

// encodeCursor and decodeCursor make the opaque ?cursor= of list routes: the
// id of the last item of the page, base64url-encoded.
func encodeCursor(id string) string {
	if id == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(id))
}

// decodeCursor returns the id a list resumes after: uuid.Nil (from the
// start) for no cursor, a 400 invalid-cursor problem for one this API did
// not make.
func decodeCursor(c string) (uuid.UUID, error) {
	if c == "" {
		return uuid.Nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return uuid.Nil, problem(http.StatusBadRequest, "invalid-cursor", "cursor is not valid")
	}
	id, err := uuid.Parse(string(b))
	if err != nil {
		return uuid.Nil, problem(http.StatusBadRequest, "invalid-cursor", "cursor is not valid")
	}
	return id, nil
}

func (s *Server) pageSize(limit int) int {
	if limit <= 0 {
		return 50
	}
	if limit > s.cfg.Limits.MaxPageSize {
		return s.cfg.Limits.MaxPageSize
	}
	return limit
}

// PageInput is the cursor pagination of list routes.
type PageInput struct {
	Limit  int    `query:"limit" minimum:"0" maximum:"200" doc:"Items per page (default 50, at most 200)."`
	Cursor string `query:"cursor" doc:"The next_cursor of the previous page."`
}

// parseUUID parses a path id; a malformed id is simply not found.
func parseUUID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, problem(http.StatusNotFound, "", "not found")
	}
	return id, nil
}

// kindStatus is the HTTP status of each kind of use-case refusal.
var kindStatus = map[app.Kind]int{
	app.Invalid:         http.StatusUnprocessableEntity,
	app.BadRequest:      http.StatusBadRequest,
	app.Unauthenticated: http.StatusUnauthorized,
	app.Forbidden:       http.StatusForbidden,
	app.NotFound:        http.StatusNotFound,
	app.Conflict:        http.StatusConflict,
	app.Stale:           http.StatusPreconditionFailed,
	app.TooLarge:        http.StatusRequestEntityTooLarge,
	app.Unsupported:     http.StatusUnsupportedMediaType,
}

// appProblem is the problem of a use case's refusal.
func appProblem(e *app.Error) *Problem {
	status, ok := kindStatus[e.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	details := make([]*huma.ErrorDetail, len(e.Fields))
	for i, f := range e.Fields {
		details[i] = &huma.ErrorDetail{Location: f.Location, Message: f.Message, Value: f.Value}
	}
	return problem(status, e.Code, e.Detail, details...)
}
