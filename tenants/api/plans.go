package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// PlanBody is an employee's development plan (DESIGN §7.1 `plan`): one
// version, its basis and its items, the open ones first by priority, then
// the closed ones, most recently closed first.
type PlanBody struct {
	EmployeeID string        `json:"employee_id" format:"uuid"`
	Role       string        `json:"role" doc:"The slug of the role the plan was built for."`
	Tier       string        `json:"tier" enum:"entry,mid,senior" doc:"The employee's tier when the plan was built."`
	TargetTier string        `json:"target_tier" enum:"entry,mid,senior" doc:"The tier whose required levels the plan aims at: the chosen target tier, or the employee's own."`
	Version    int           `json:"version" doc:"Grows by one with every rebuild that changed the plan; item updates keep it."`
	BuiltAt    time.Time     `json:"built_at"`
	Basis      PlanBasisBody `json:"basis"`
	Items      PlanItems     `json:"items"`
}

// PlanBasisBody is what a plan version was built from.
type PlanBasisBody struct {
	LibraryVersion int    `json:"library_version" doc:"The library version of the framework; 0 before the first one."`
	AssessmentID   string `json:"assessment_id,omitempty" format:"uuid" doc:"The assessment of the newest result; absent before any."`
}

// PlanItems is the JSON array of a plan's items, served as the store keeps
// it (the JSON of []plan.Item, whose shape PlanItemBody documents) rather
// than decoded and encoded again on every read.
type PlanItems json.RawMessage

// MarshalJSON returns the items as they are ([] for none).
func (p PlanItems) MarshalJSON() ([]byte, error) {
	if len(p) == 0 {
		return []byte("[]"), nil
	}
	return p, nil
}

// Schema documents PlanItems as an array of PlanItemBody.
func (PlanItems) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeFor[[]PlanItemBody](), true, "PlanItems")
}

// PlanItemBody is one competency the employee develops (or did: closed
// items stay as history).
type PlanItemBody struct {
	ID             string           `json:"id" format:"uuid" doc:"Stable across rebuilds."`
	CompetencySlug string           `json:"competency_slug"`
	CurrentLevel   int              `json:"current_level" minimum:"1" maximum:"5"`
	Assessed       bool             `json:"assessed" doc:"false when no result exists and current_level is the assumed 1."`
	TargetLevel    int              `json:"target_level" minimum:"1" maximum:"5"`
	Gap            int              `json:"gap" minimum:"0"`
	Priority       float64          `json:"priority" doc:"gap × group weight (primary 1.0, supporting 0.6) × (0.5 + company relevance)."`
	Actions        []PlanActionBody `json:"actions"`
	DueDate        time.Time        `json:"due_date" doc:"Midnight UTC of the day the item is due: 6 weeks per level of gap after the build that set the gap."`
	Status         string           `json:"status" enum:"not_started,in_progress,done,closed"`
	ClosedReason   string           `json:"closed_reason,omitempty" enum:"met,competency_retired,role_changed,not_in_framework"`
	Note           string           `json:"note,omitempty"`
	CreatedAt      time.Time        `json:"created_at"`
	ClosedAt       *time.Time       `json:"closed_at,omitempty"`
}

// PlanActionBody is one development action.
type PlanActionBody struct {
	Kind   string `json:"kind" enum:"course,project,mentoring,reading"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// planDocumentBody is the body of a stored plan, its items as stored.
func planDocumentBody(d store.PlanDocument) PlanBody {
	return PlanBody{EmployeeID: d.EmployeeID, Role: d.Role, Tier: d.Tier.String(), TargetTier: d.TargetTier.String(),
		Version: d.Version, BuiltAt: d.BuiltAt.UTC(),
		Basis: PlanBasisBody{LibraryVersion: d.Basis.LibraryVersion, AssessmentID: d.Basis.AssessmentID},
		Items: PlanItems(d.Items)}
}

// toPlanBody is the body of a plan value.
func toPlanBody(p plan.Plan) (PlanBody, error) {
	items := p.Items
	if items == nil {
		items = []plan.Item{}
	}
	b, err := json.Marshal(items)
	if err != nil {
		return PlanBody{}, err
	}
	return planDocumentBody(store.PlanDocument{EmployeeID: p.EmployeeID, Role: p.Role, Tier: p.Tier, TargetTier: p.TargetTier,
		Version: p.Version, BuiltAt: p.BuiltAt, Basis: p.Basis, Items: b}), nil
}

// PlanOutput answers with a plan.
type PlanOutput struct {
	Body PlanBody
}

// EmployeePlanInput names an employee.
type EmployeePlanInput struct {
	ID string `path:"id" doc:"The employee's id."`
}

// PlanItemPatch changes an item of the caller's plan; absent fields stay as
// they are, an empty note clears it.
type PlanItemPatch struct {
	Status *string `json:"status,omitempty" enum:"not_started,in_progress,done" doc:"not_started → in_progress → done, and done → in_progress. Closed items keep their status."`
	Note   *string `json:"note,omitempty" maxLength:"2000" doc:"Free text, at most 2000 characters; \"\" clears it."`
}

// PatchPlanItemInput updates one item of the caller's plan.
type PatchPlanItemInput struct {
	ID   string `path:"id" doc:"The item's id."`
	Body PlanItemPatch
}

// PlanTargetBody chooses the tier the caller's plan aims at.
type PlanTargetBody struct {
	Tier string `json:"tier" enum:"entry,mid,senior" doc:"A tier above the caller's own; the caller's own tier clears the target."`
}

// PutPlanTargetInput sets the caller's target tier.
type PutPlanTargetInput struct {
	Body PlanTargetBody
}

// PlanTargetOutput answers a target change: accepted, the plan follows
// asynchronously (watch plan.updated or GET /v1/me/plan).
type PlanTargetOutput struct {
	Status int
	Body   PlanTargetState
}

// PlanTargetState is the caller's tier and target tier after the change.
type PlanTargetState struct {
	EmployeeID string `json:"employee_id" format:"uuid"`
	Tier       string `json:"tier" enum:"entry,mid,senior"`
	TargetTier string `json:"target_tier,omitempty" enum:"entry,mid,senior" doc:"Absent when the plan aims at the employee's own tier."`
}

// PlanHistoryOutput lists plan versions, newest first.
type PlanHistoryOutput struct {
	Body PlanHistoryBody
}

// PlanHistoryBody is one page of plan versions.
type PlanHistoryBody struct {
	Items      []PlanBody `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

func (s *Server) registerPlans() {
	huma.Register(s.api, huma.Operation{
		OperationID: "get-my-plan", Method: http.MethodGet, Path: "/v1/me/plan", Summary: "The caller's development plan",
		Description: "The current version of the caller's plan. 404 `no-employee-record` when the caller has no employee record, `no-plan` until the plan worker built the first plan.",
		Tags:        []string{"plans"},
	}, s.getMyPlan)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-employee-plan", Method: http.MethodGet, Path: "/v1/employees/{id}/plan", Summary: "An employee's development plan",
		Description: "Admins read any employee's plan, managers their direct reports'; anyone else's is 404. Analysts are 403.",
		Tags:        []string{"plans"},
	}, s.getEmployeePlan)
	huma.Register(s.api, huma.Operation{
		OperationID: "patch-my-plan-item", Method: http.MethodPatch, Path: "/v1/me/plan/items/{id}", Summary: "Update an item of the caller's plan",
		Description: "Changes the item's status and/or note in place: the plan keeps its version (a version is a rebuild) and a plan.updated event with cause `item` follows. A transition the item cannot make, or a status change of a closed item, is 409 `invalid-transition`.",
		Tags:        []string{"plans"}, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.patchMyPlanItem)
	huma.Register(s.api, huma.Operation{
		OperationID: "put-my-plan-target", Method: http.MethodPut, Path: "/v1/me/plan/target", Summary: "Choose the tier the caller's plan aims at",
		Description: "Sets the caller's target tier (a tier above their own; their own tier clears it) and answers 202: the plan worker rebuilds the plan, announced by plan.updated.",
		Tags:        []string{"plans"}, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes, DefaultStatus: http.StatusAccepted,
	}, s.putMyPlanTarget)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-my-plan-history", Method: http.MethodGet, Path: "/v1/me/plan/history", Summary: "The versions of the caller's plan",
		Description: "Every version of the caller's plan, newest first, paginated. An item update changes the version it was made on.",
		Tags:        []string{"plans"},
	}, s.getMyPlanHistory)
}

// planProblem turns the store's answers about a plan into problems (see
// app.PlanRefusal).
func planProblem(err error, self bool) error { return app.PlanRefusal(err, self) }

func (s *Server) getMyPlan(ctx context.Context, _ *struct{}) (*PlanOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	d, err := s.cfg.Store.ReadCurrentPlanBySubject(ctx, p.Tenant, p.Subject)
	if err != nil {
		return nil, s.fail(ctx, "get my plan", planProblem(err, true))
	}
	return &PlanOutput{Body: planDocumentBody(d)}, nil
}

func (s *Server) getEmployeePlan(ctx context.Context, in *EmployeePlanInput) (*PlanOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	var d store.PlanDocument
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		r, err := app.ReaderOf(tx, p)
		if err != nil {
			return err
		}
		if _, err := r.Employee(tx, id); err != nil {
			return err // another's employee, like another tenant's, is not found
		}
		d, err = tx.CurrentPlanDocument(id)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get employee plan", planProblem(err, false))
	}
	return &PlanOutput{Body: planDocumentBody(d)}, nil
}

func (s *Server) patchMyPlanItem(ctx context.Context, in *PatchPlanItemInput) (*PlanOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizePlans, "update plan item")
	if err != nil {
		return nil, err
	}
	itemID, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	updated, err := s.app.UpdateMyPlanItem(ctx, p, itemID, app.ItemUpdate{Status: in.Body.Status, Note: in.Body.Note})
	if err != nil {
		return nil, s.fail(ctx, "update plan item", err)
	}
	body, err := toPlanBody(updated)
	if err != nil {
		return nil, s.fail(ctx, "update plan item", err)
	}
	return &PlanOutput{Body: body}, nil
}

func (s *Server) putMyPlanTarget(ctx context.Context, in *PutPlanTargetInput) (*PlanTargetOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.app.SetMyPlanTarget(ctx, p, in.Body.Tier)
	if err != nil {
		return nil, s.fail(ctx, "set plan target", err)
	}
	out := &PlanTargetOutput{Status: http.StatusAccepted}
	out.Body.EmployeeID, out.Body.Tier = t.EmployeeID.String(), t.Tier.String()
	if t.TargetTier.Valid() {
		out.Body.TargetTier = t.TargetTier.String()
	}
	return out, nil
}

// PlanHistoryInput pages through the caller's plan versions.
type PlanHistoryInput struct {
	Limit  int    `query:"limit" minimum:"0" maximum:"200" doc:"Versions per page (default 50, at most 200)."`
	Cursor string `query:"cursor" doc:"The next_cursor of the previous page."`
}

func (s *Server) getMyPlanHistory(ctx context.Context, in *PlanHistoryInput) (*PlanHistoryOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	before, err := decodeVersionCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	limit := s.pageSize(in.Limit)
	var versions []plan.Plan
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		me, err := tx.EmployeeBySubject(p.Subject)
		if err != nil {
			return err
		}
		versions, err = tx.PlanHistory(me.ID, before, limit+1)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "plan history", planProblem(err, true))
	}
	out := &PlanHistoryOutput{}
	if len(versions) > limit {
		versions = versions[:limit]
		out.Body.NextCursor = encodeVersionCursor(versions[limit-1].Version)
	}
	out.Body.Items = make([]PlanBody, len(versions))
	for i, v := range versions {
		if out.Body.Items[i], err = toPlanBody(v); err != nil {
			return nil, s.fail(ctx, "plan history", err)
		}
	}
	return out, nil
}

// versionCursorPrefix marks a plan-history cursor: the versions below the
// one it names come next.
const versionCursorPrefix = "plan-version:"

func encodeVersionCursor(before int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(versionCursorPrefix + strconv.Itoa(before)))
}

func decodeVersionCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if s, ok := strings.CutPrefix(string(b), versionCursorPrefix); ok {
			if n, ok := parseNumber(s, 2); ok {
				return n, nil
			}
		}
	}
	return 0, problem(http.StatusBadRequest, "invalid-cursor", "cursor is not valid")
}
