package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// LibraryVersionBody is one version in the history: its metadata and change
// summary, without its content.
type LibraryVersionBody struct {
	Version         int         `json:"version"`
	BuiltAt         time.Time   `json:"built_at"`
	Digest          string      `json:"digest"`
	ContextRevision int64       `json:"context_revision"`
	Summary         SummaryBody `json:"summary"`
}

// LibraryVersionsInput pages through the history, newest first.
type LibraryVersionsInput struct {
	Limit  int    `query:"limit" minimum:"0" maximum:"200" doc:"Items per page (default 50, at most 200)."`
	Cursor string `query:"cursor" doc:"The next_cursor of the previous page."`
	Before string `query:"before" doc:"Only versions older than this version number (an alternative to cursor)."`
}

// LibraryVersionsOutput is a page of the history.
type LibraryVersionsOutput struct {
	Body struct {
		Items      []LibraryVersionBody `json:"items"`
		NextCursor string               `json:"next_cursor,omitempty"`
	}
}

// LibraryVersionInput names a version.
type LibraryVersionInput struct {
	N string `path:"n" doc:"The version number (1, 2, …)."`
}

// LibraryDiffInput names two versions to compare.
type LibraryDiffInput struct {
	From string `query:"from" required:"true" doc:"A version number."`
	To   string `query:"to" required:"true" doc:"A version number."`
}

// LibraryDiffOutput is how version to differs from version from.
type LibraryDiffOutput struct {
	Body struct {
		From    int              `json:"from"`
		To      int              `json:"to"`
		Added   []string         `json:"added" doc:"Slugs in to and not in from."`
		Removed []string         `json:"removed" doc:"Slugs in from and not in to."`
		Changed []library.Change `json:"changed" doc:"Competencies in both that differ, with the fields that changed."`
	}
}

func (s *Server) registerLibraryVersions(tags []string) {
	huma.Register(s.api, huma.Operation{
		OperationID: "list-library-versions", Method: http.MethodGet, Path: "/v1/library/versions",
		Summary: "The library's history, newest first, with change summaries", Tags: tags,
	}, s.listLibraryVersions)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-library-version", Method: http.MethodGet, Path: "/v1/library/versions/{n}",
		Summary: "One library version", Description: "Versions are immutable. Analysts see no document excerpts; managers and employees only those of documents visible to everyone.", Tags: tags,
	}, s.getLibraryVersion)
	huma.Register(s.api, huma.Operation{
		OperationID: "diff-library", Method: http.MethodGet, Path: "/v1/library/diff",
		Summary:     "Compare two library versions",
		Description: "Competencies added, removed and changed (with the names of the fields that changed) from version `from` to version `to`; either may be the older.",
		Tags:        tags,
	}, s.diffLibrary)
}

// parseVersion parses a version number given by a client.
func parseVersion(s, where string) (int, error) {
	n, ok := parseNumber(strings.TrimSpace(s), 1)
	if !ok {
		return 0, problem(http.StatusBadRequest, "invalid-version", where+" must be a version number (1, 2, …)",
			&huma.ErrorDetail{Location: where, Message: "want an integer from 1 to 2147483647", Value: truncate(s, 40)})
	}
	return n, nil
}

// versionCursor and parseVersionCursor make the opaque cursor of the
// history: the last version number of the page.
func versionCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v" + strconv.Itoa(n)))
}

func parseVersionCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if rest, ok := strings.CutPrefix(string(b), "v"); ok {
			if n, ok := parseNumber(rest, 1); ok {
				return n, nil
			}
		}
	}
	return 0, problem(http.StatusBadRequest, "invalid-cursor", "cursor is not valid")
}

func (s *Server) listLibraryVersions(ctx context.Context, in *LibraryVersionsInput) (*LibraryVersionsOutput, error) {
	p, err := tenantPrincipal(ctx, anyTenantRole...)
	if err != nil {
		return nil, err
	}
	before := 0
	switch {
	case in.Cursor != "" && in.Before != "":
		return nil, problem(http.StatusBadRequest, "", "give cursor or before, not both")
	case in.Cursor != "":
		if before, err = parseVersionCursor(in.Cursor); err != nil {
			return nil, err
		}
	case in.Before != "":
		if before, err = parseVersion(in.Before, "query.before"); err != nil {
			return nil, err
		}
	}
	n := s.pageSize(in.Limit)
	var vs []store.LibraryVersion
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		vs, err = tx.LibraryVersions(before, n+1)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "list library versions", err)
	}
	out := &LibraryVersionsOutput{}
	out.Body.Items = make([]LibraryVersionBody, 0, len(vs))
	for i, v := range vs {
		if i == n {
			out.Body.NextCursor = versionCursor(vs[i-1].Version)
			break
		}
		out.Body.Items = append(out.Body.Items, LibraryVersionBody{Version: v.Version, BuiltAt: v.BuiltAt, Digest: v.Digest,
			ContextRevision: v.ContextRevision, Summary: toSummaryBody(v.Summary)})
	}
	return out, nil
}

func (s *Server) getLibraryVersion(ctx context.Context, in *LibraryVersionInput) (*LibraryOutput, error) {
	_, v, x, err := s.libraryVersion(ctx, in.N, "get library version", anyTenantRole...)
	if err != nil {
		return nil, err
	}
	return &LibraryOutput{Body: toLibraryBody(v, x)}, nil
}

// libraryVersion reads version n (a path parameter) of the caller's
// tenant, for the roles given, with the excerpts the caller may see; op
// names the route in the error log.
func (s *Server) libraryVersion(ctx context.Context, n, op string, roles ...tenants.Role) (tenants.Principal, store.LibraryVersion, excerpts, error) {
	var v store.LibraryVersion
	var x excerpts
	p, err := tenantPrincipal(ctx, roles...)
	if err != nil {
		return p, v, x, err
	}
	num, err := parseVersion(n, "path.n")
	if err != nil {
		return p, v, x, err
	}
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		if v, err = tx.LibraryVersion(num); err != nil {
			return err
		}
		x, err = excerptsFor(tx, p)
		return err
	})
	if err != nil {
		return p, v, x, s.fail(ctx, op, err)
	}
	return p, v, x, nil
}

func (s *Server) diffLibrary(ctx context.Context, in *LibraryDiffInput) (*LibraryDiffOutput, error) {
	p, err := tenantPrincipal(ctx, anyTenantRole...)
	if err != nil {
		return nil, err
	}
	from, err := parseVersion(in.From, "query.from")
	if err != nil {
		return nil, err
	}
	to, err := parseVersion(in.To, "query.to")
	if err != nil {
		return nil, err
	}
	var a, b store.LibraryVersion
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		if a, err = tx.LibraryVersion(from); err != nil {
			return err
		}
		b, err = tx.LibraryVersion(to)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "diff library", err)
	}
	c := store.NewLibrarySummary(library.Diff(a.Library, b.Library)).Changes
	out := &LibraryDiffOutput{}
	out.Body.From, out.Body.To = from, to
	out.Body.Added, out.Body.Removed, out.Body.Changed = c.Added, c.Removed, c.Changed
	return out, nil
}
