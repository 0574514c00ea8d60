package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants"
)

// PlatformDeadLetterBody is a parked message that names no tenant, as the
// platform operator sees it. Payload is the message's data as it was on the
// stream (base64 in JSON): it is no Cadre event, so it cannot be replayed.
type PlatformDeadLetterBody struct {
	ID         string    `json:"id"`
	Consumer   string    `json:"consumer"`
	StreamSeq  uint64    `json:"stream_seq"`
	Subject    string    `json:"subject"`
	Payload    []byte    `json:"payload"`
	Error      string    `json:"error"`
	Deliveries int       `json:"deliveries"`
	CreatedAt  time.Time `json:"created_at"`
}

// PlatformDeadLetterListOutput is a page of platform dead letters.
type PlatformDeadLetterListOutput struct {
	Body struct {
		Items      []PlatformDeadLetterBody `json:"items"`
		NextCursor string                   `json:"next_cursor,omitempty"`
	}
}

func (s *Server) registerPlatformDeadLetters() {
	huma.Register(s.api, huma.Operation{
		OperationID: "list-platform-dead-letters", Method: http.MethodGet, Path: "/v1/platform/dead-letters",
		Summary:     "Unreadable stream messages that name no tenant (platform operator)",
		Description: "Messages a worker found on the stream that are no Cadre event and whose subject names no tenant that exists, parked with their raw data. They can never be applied, so they have no replay; an unreadable message of a tenant is that tenant's dead letter instead.",
		Tags:        []string{"operations"},
	}, s.listPlatformDeadLetters)
}

func (s *Server) listPlatformDeadLetters(ctx context.Context, in *PageInput) (*PlatformDeadLetterListOutput, error) {
	p, err := principal(ctx, tenants.RolePlatformAdmin)
	if err != nil {
		return nil, err
	}
	if !p.IsPlatform() {
		return nil, problem(http.StatusForbidden, "", "only the platform operator lists platform dead letters")
	}
	after, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	n := s.pageSize(in.Limit)
	list, err := s.cfg.Store.PlatformDeadLetters(ctx, after, n+1)
	if err != nil {
		return nil, s.fail(ctx, "list platform dead letters", err)
	}
	out := &PlatformDeadLetterListOutput{}
	out.Body.Items = make([]PlatformDeadLetterBody, 0, len(list))
	for i, d := range list {
		if i == n {
			out.Body.NextCursor = encodeCursor(list[i-1].ID.String())
			break
		}
		out.Body.Items = append(out.Body.Items, PlatformDeadLetterBody{ID: d.ID.String(), Consumer: d.Consumer, StreamSeq: d.StreamSeq,
			Subject: d.Subject, Payload: d.Payload, Error: d.Error, Deliveries: d.Deliveries, CreatedAt: d.CreatedAt})
	}
	return out, nil
}
