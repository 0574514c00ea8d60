package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// DeadLetterBody is a parked event as an admin sees it.
type DeadLetterBody struct {
	ID         string     `json:"id"`
	Consumer   string     `json:"consumer"`
	EventID    string     `json:"event_id"`
	EventType  string     `json:"event_type"`
	Error      string     `json:"error"`
	Deliveries int        `json:"deliveries"`
	CreatedAt  time.Time  `json:"created_at"`
	ReplayedAt *time.Time `json:"replayed_at,omitempty"`
}

// DeadLetterListOutput is a page of dead letters.
type DeadLetterListOutput struct {
	Body struct {
		Items      []DeadLetterBody `json:"items"`
		NextCursor string           `json:"next_cursor,omitempty"`
	}
}

// ReplayOutput acknowledges a replay.
type ReplayOutput struct {
	Body DeadLetterBody
}

// DeadLetterIDInput names a dead letter.
type DeadLetterIDInput struct {
	ID string `path:"id"`
}

func toDeadLetterBody(d store.DeadLetter) DeadLetterBody {
	return DeadLetterBody{ID: d.ID.String(), Consumer: d.Consumer, EventID: d.EventID, EventType: d.EventType, Error: d.Error,
		Deliveries: d.Deliveries, CreatedAt: d.CreatedAt, ReplayedAt: d.ReplayedAt}
}

func (s *Server) registerDeadLetters() {
	huma.Register(s.api, huma.Operation{
		OperationID: "list-dead-letters", Method: http.MethodGet, Path: "/v1/admin/dead-letters",
		Summary: "Events a worker parked after its delivery bound (admin)", Tags: []string{"operations"},
	}, s.listDeadLetters)
	s.registerPlatformDeadLetters()
	if s.cfg.Replay != nil {
		huma.Register(s.api, huma.Operation{
			OperationID: "replay-dead-letter", Method: http.MethodPost, Path: "/v1/admin/dead-letters/{id}/replay", DefaultStatus: http.StatusAccepted,
			Summary:     "Hand a parked event to its worker again (admin)",
			Description: "Applies the parked event with its worker now, once: replaying an event already applied changes nothing. 409 replay-failed if the worker fails again (nothing changes); 404 for an unknown dead letter.",
			Tags:        []string{"operations"},
		}, s.replayDeadLetter)
	}
}

func (s *Server) listDeadLetters(ctx context.Context, in *PageInput) (*DeadLetterListOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	afterID, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	n := s.pageSize(in.Limit)
	var list []store.DeadLetter
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		list, err = tx.DeadLetters(afterID, n+1)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "list dead letters", err)
	}
	out := &DeadLetterListOutput{}
	out.Body.Items = make([]DeadLetterBody, 0, len(list))
	for i, d := range list {
		if i == n {
			out.Body.NextCursor = encodeCursor(list[i-1].ID.String())
			break
		}
		out.Body.Items = append(out.Body.Items, toDeadLetterBody(d))
	}
	return out, nil
}

func (s *Server) replayDeadLetter(ctx context.Context, in *DeadLetterIDInput) (*ReplayOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeReplay, "replay dead letter")
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	d, err := s.app.ReplayDeadLetter(ctx, p, id)
	if re := (*app.ReplayError)(nil); errors.As(err, &re) {
		s.cfg.Logger.WarnContext(ctx, "dead letter replay failed", append(logAttrs(ctx), "dead_letter_id", id.String(), "err", re.Err)...)
	}
	if err != nil {
		return nil, s.fail(ctx, "replay dead letter", err)
	}
	return &ReplayOutput{Body: toDeadLetterBody(d)}, nil
}
