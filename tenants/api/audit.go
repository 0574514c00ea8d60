package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// AuditEntryBody is one audit entry: who did what to which object, when.
type AuditEntryBody struct {
	ID        string         `json:"id" format:"uuid"`
	Actor     string         `json:"actor" doc:"The subject of the token that made the change."`
	Action    string         `json:"action" doc:"What was done, e.g. document.upload."`
	Object    string         `json:"object" doc:"The object acted on, e.g. document/{id}."`
	Detail    map[string]any `json:"detail"`
	CreatedAt time.Time      `json:"created_at"`
}

// AuditListInput filters the audit trail.
type AuditListInput struct {
	PageInput
	Actor  string    `query:"actor" maxLength:"200" doc:"Only entries by this actor."`
	Action string    `query:"action" maxLength:"200" doc:"Only entries of this action."`
	Object string    `query:"object" maxLength:"200" doc:"Only entries about this object."`
	From   time.Time `query:"from" doc:"Only entries at or after this time (RFC 3339)."`
	To     time.Time `query:"to" doc:"Only entries before this time (RFC 3339)."`
}

// AuditListOutput is a page of the audit trail, oldest first.
type AuditListOutput struct {
	Body struct {
		Items      []AuditEntryBody `json:"items"`
		NextCursor string           `json:"next_cursor,omitempty"`
	}
}

func (s *Server) registerAudit() {
	huma.Register(s.api, huma.Operation{
		OperationID: "list-audit", Method: http.MethodGet, Path: "/v1/audit",
		Summary:     "The tenant's audit trail (admin)",
		Description: "Every change made through the API, SCIM or a worker on a person's behalf, oldest first, filtered by actor, action, object and time. Entries are written in the transaction of the change they record, and no route changes or deletes them.",
		Tags:        []string{"operations"},
	}, s.listAudit)
}

func (s *Server) listAudit(ctx context.Context, in *AuditListInput) (*AuditListOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	after, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	if !in.From.IsZero() && !in.To.IsZero() && !in.To.After(in.From) {
		return nil, problem(http.StatusBadRequest, "", "to must be after from")
	}
	n := s.pageSize(in.Limit)
	var list []store.AuditEntry
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		list, err = tx.AuditEntries(store.AuditQuery{Actor: in.Actor, Action: in.Action, Resource: in.Object,
			From: in.From, To: in.To, After: after, Limit: n + 1})
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "list audit", err)
	}
	out := &AuditListOutput{}
	out.Body.Items = make([]AuditEntryBody, 0, len(list))
	for i, e := range list {
		if i == n {
			out.Body.NextCursor = encodeCursor(list[i-1].ID.String())
			break
		}
		out.Body.Items = append(out.Body.Items, AuditEntryBody{ID: e.ID.String(), Actor: e.Actor, Action: e.Action,
			Object: e.Resource, Detail: e.Detail, CreatedAt: e.CreatedAt})
	}
	return out, nil
}
