package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/frameworks"
	"github.com/cadrehq/cadre/tenants/store"
)

// saveRetries bounds how often a save without a version is retried against
// concurrent saves before it gives up with 409.
const saveRetries = 8

// ItemOptionBody is one choice of an item.
type ItemOptionBody struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// ItemBody is one question of an assessment (never its key).
type ItemBody struct {
	ID             string           `json:"id"`
	CompetencySlug string           `json:"competency_slug"`
	Kind           string           `json:"kind" enum:"self_rating,scenario,open_text"`
	Prompt         string           `json:"prompt"`
	Options        []ItemOptionBody `json:"options,omitempty"`
	RequiredLevel  int              `json:"required_level"`
}

// ResponseBody is the answer to one item: rating (1–5) for a self-rating,
// option_id for a scenario, text for an open-text item.
type ResponseBody struct {
	ItemID   string  `json:"item_id"`
	Rating   *int    `json:"rating,omitempty"`
	OptionID *string `json:"option_id,omitempty"`
	Text     *string `json:"text,omitempty"`
}

// MatchBody is a phrase of an answer and the level whose behaviours it
// matched.
type MatchBody struct {
	Phrase string `json:"phrase"`
	Level  int    `json:"level"`
	Source string `json:"source" enum:"descriptor,marker"`
}

// EvidenceBody is what one item contributed to a competency's score.
type EvidenceBody struct {
	ItemID       string      `json:"item_id"`
	Kind         string      `json:"kind"`
	Excerpt      string      `json:"excerpt,omitempty"`
	Contribution float64     `json:"contribution"`
	ItemScore    float64     `json:"item_score"`
	Weight       float64     `json:"weight"`
	MatchedLevel int         `json:"matched_level,omitempty"`
	Matches      []MatchBody `json:"matches,omitempty"`
	Flags        []string    `json:"flags,omitempty"`
}

// ResultBody is the score of one competency and the evidence behind it.
type ResultBody struct {
	CompetencySlug string         `json:"competency_slug"`
	Score          float64        `json:"score"`
	Level          int            `json:"level"`
	RequiredLevel  int            `json:"required_level"`
	Gap            int            `json:"gap"`
	Confidence     float64        `json:"confidence"`
	Evidence       []EvidenceBody `json:"evidence"`
	Flags          []string       `json:"flags,omitempty"`
}

// AssessmentBody is an assessment as its taker, their manager or an admin
// sees it.
type AssessmentBody struct {
	ID             string         `json:"id" format:"uuid"`
	EmployeeID     string         `json:"employee_id" format:"uuid"`
	Status         string         `json:"status" enum:"open,submitted,scored"`
	LibraryVersion int            `json:"library_version"`
	Role           RoleRef        `json:"role"`
	Tier           string         `json:"tier"`
	Version        int            `json:"version" doc:"Send it back (or as If-Match) when saving responses; a stale one is 409."`
	MaxAnswerChars int            `json:"max_answer_chars"`
	Items          []ItemBody     `json:"items,omitempty"`
	Responses      []ResponseBody `json:"responses,omitempty"`
	Results        []ResultBody   `json:"results,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	SubmittedAt    *time.Time     `json:"submitted_at,omitempty"`
	ScoredAt       *time.Time     `json:"scored_at,omitempty"`
}

func kindName(k assessment.Kind) string { return k.String() }

func flagNames(fs []assessment.Flag) []string {
	if len(fs) == 0 {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// resultBodies shapes scored results for the API.
func resultBodies(res *assessment.Result) []ResultBody {
	if res == nil {
		return nil
	}
	out := make([]ResultBody, 0, len(res.Competencies))
	for _, c := range res.Competencies {
		rb := ResultBody{CompetencySlug: c.CompetencySlug, Score: c.Score, Level: c.Level.Int(), RequiredLevel: c.RequiredLevel.Int(),
			Gap: c.Gap, Confidence: c.Confidence, Evidence: make([]EvidenceBody, 0, len(c.Evidence)), Flags: flagNames(c.Flags)}
		for _, ev := range c.Evidence {
			eb := EvidenceBody{ItemID: ev.ItemID, Kind: kindName(ev.Kind), Excerpt: ev.Excerpt, Contribution: ev.Contribution,
				ItemScore: ev.ItemScore, Weight: ev.Weight, MatchedLevel: ev.MatchedLevel.Int(), Flags: flagNames(ev.Flags)}
			for _, m := range ev.Matches {
				eb.Matches = append(eb.Matches, MatchBody{Phrase: m.Phrase, Level: m.Level.Int(), Source: m.Source})
			}
			rb.Evidence = append(rb.Evidence, eb)
		}
		out = append(out, rb)
	}
	return out
}

// toAssessmentBody shapes a stored assessment; full adds items and
// responses (a list shows neither).
func toAssessmentBody(a store.Assessment, full bool) AssessmentBody {
	b := AssessmentBody{ID: a.ID.String(), EmployeeID: a.EmployeeID.String(), Status: string(a.Status), LibraryVersion: a.LibraryVersion,
		Role: roleRef(a.RoleSlug), Tier: a.Tier.String(), Version: a.Version, MaxAnswerChars: assessment.DefaultMaxAnswerChars,
		Results: resultBodies(a.Results), CreatedAt: a.CreatedAt, SubmittedAt: a.SubmittedAt, ScoredAt: a.ScoredAt}
	if !full {
		return b
	}
	b.Items = make([]ItemBody, len(a.Items))
	for i, it := range a.Items {
		ib := ItemBody{ID: it.ID, CompetencySlug: it.CompetencySlug, Kind: kindName(it.Kind), Prompt: it.Prompt, RequiredLevel: it.RequiredLevel.Int()}
		for _, o := range it.Options {
			ib.Options = append(ib.Options, ItemOptionBody{ID: o.ID, Text: o.Text})
		}
		b.Items[i] = ib
	}
	b.Responses = make([]ResponseBody, len(a.Responses))
	for i, r := range a.Responses {
		b.Responses[i] = ResponseBody(r)
	}
	return b
}

// StartAssessmentInput is POST /v1/assessments.
type StartAssessmentInput struct {
	Body *struct {
		EmployeeID string `json:"employee_id,omitempty" doc:"Whom to assess (admins; managers for their reports). Default: the caller."`
	} `required:"false"`
}

// AssessmentIDInput names an assessment; If-Match may carry its version.
type AssessmentIDInput struct {
	ID      string `path:"id"`
	IfMatch string `header:"If-Match" doc:"The version the caller read, e.g. \"3\"."`
}

// SaveResponsesInput is PUT /v1/assessments/{id}/responses.
type SaveResponsesInput struct {
	ID      string `path:"id"`
	IfMatch string `header:"If-Match" doc:"The version the caller read, e.g. \"3\" (or send version in the body)."`
	Body    struct {
		Version   *int           `json:"version,omitempty" doc:"The version the caller read; without it (and without If-Match) the answers are merged into the latest version."`
		Responses []ResponseBody `json:"responses" maxItems:"1000"`
	}
}

// ListAssessmentsInput lists an employee's assessments.
type ListAssessmentsInput struct {
	PageInput
	EmployeeID string `query:"employee_id" doc:"Default: the caller."`
}

// AssessmentOutput answers with one assessment and its version as ETag.
type AssessmentOutput struct {
	Status int
	ETag   string `header:"ETag"`
	Body   AssessmentBody
}

// AssessmentListOutput is a page of assessments.
type AssessmentListOutput struct {
	Body struct {
		Items      []AssessmentBody `json:"items"`
		NextCursor string           `json:"next_cursor,omitempty"`
	}
}

func (s *Server) registerAssessments() {
	tags := []string{"assessments"}
	huma.Register(s.api, huma.Operation{
		OperationID: "start-assessment", Method: http.MethodPost, Path: "/v1/assessments", DefaultStatus: http.StatusCreated,
		Summary:     "Start an assessment",
		Description: "Generated from the employee's tailored framework at their tier: per competency a self-rating, a scenario and an open-text item. Employees start their own; admins and managers (for their reports) name employee_id.",
		Tags:        tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
	}, s.startAssessment)
	huma.Register(s.api, huma.Operation{
		OperationID: "list-assessments", Method: http.MethodGet, Path: "/v1/assessments",
		Summary: "List an employee's assessments", Tags: tags,
	}, s.listAssessments)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-assessment", Method: http.MethodGet, Path: "/v1/assessments/{id}",
		Summary: "Read an assessment, with its results once scored", Tags: tags,
	}, s.getAssessment)
	huma.Register(s.api, huma.Operation{
		OperationID: "save-responses", Method: http.MethodPut, Path: "/v1/assessments/{id}/responses",
		Summary:     "Save answers (the taker, while open)",
		Description: "Partial saves: the answers sent replace those of the same items; others stay. With If-Match or version, a stale version is 409. Each answer is checked against its item's kind.",
		Tags:        tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes, SkipValidateBody: true,
	}, s.saveResponses)
	huma.Register(s.api, huma.Operation{
		OperationID: "submit-assessment", Method: http.MethodPost, Path: "/v1/assessments/{id}/submit", DefaultStatus: http.StatusAccepted,
		Summary: "Submit an assessment for scoring (the taker, once)", Tags: tags,
	}, s.submitAssessment)
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// parseIfMatch reads a version from If-Match (`"3"`, `W/"3"`, `3`); empty
// and `*` mean no precondition (0).
func parseIfMatch(h string) (int, error) {
	h = strings.TrimSpace(h)
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.Atoi(h)
	if err != nil || v < 1 {
		return 0, problem(http.StatusBadRequest, "bad-request", "If-Match must be the assessment's version, e.g. \"3\"")
	}
	return v, nil
}

// readableAssessment loads an assessment the caller may see (its taker,
// the taker's manager, an admin) and says whether the caller is its taker.
func readableAssessment(tx *store.Tx, p tenants.Principal, id uuid.UUID) (store.Assessment, bool, error) {
	v, err := loadViewer(tx, p)
	if err != nil {
		return store.Assessment{}, false, err
	}
	a, err := tx.Assessment(id)
	if err != nil {
		return store.Assessment{}, false, err
	}
	e, err := readableEmployee(tx, v, a.EmployeeID)
	if err != nil {
		return store.Assessment{}, false, err
	}
	return a, v.isSelf(e), nil
}

// notTaker answers a reader of an assessment who is not its taker.
func notTaker() error {
	return problem(http.StatusForbidden, "not-the-taker", "only the employee taking the assessment may answer or submit it")
}

func (s *Server) startAssessment(ctx context.Context, in *StartAssessmentInput) (*AssessmentOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	var target uuid.UUID
	if in.Body != nil && in.Body.EmployeeID != "" {
		if target, err = uuid.Parse(in.Body.EmployeeID); err != nil || len(in.Body.EmployeeID) != 36 {
			return nil, problem(http.StatusUnprocessableEntity, "validation", "employee_id must be an employee id",
				&huma.ErrorDetail{Location: "body.employee_id", Message: "must be a UUID"})
		}
	}
	var a store.Assessment
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		v, err := loadViewer(tx, p)
		if err != nil {
			return err
		}
		var e store.Employee
		switch {
		case target != uuid.Nil:
			if e, err = readableEmployee(tx, v, target); err != nil {
				return err
			}
		case v.me != nil:
			e = *v.me
		default:
			return problem(http.StatusUnprocessableEntity, "no-employee-record", "you have no employee record in this company; name employee_id or ask an admin to add you")
		}
		tf, err := frameworks.For(tx, e.RoleSlug)
		if errors.Is(err, frameworks.ErrUnknownRole) {
			return problem(http.StatusUnprocessableEntity, "unknown-role", fmt.Sprintf("the company has no framework for the role %q", e.RoleSlug))
		}
		if err != nil {
			return err
		}
		id := uuid.Must(uuid.NewV7())
		gen, err := assessment.Generate(tf.Framework, e.Tier, id.String())
		if err != nil {
			return problem(http.StatusUnprocessableEntity, "framework-unusable", "the framework cannot be turned into an assessment: "+err.Error())
		}
		a = store.Assessment{ID: id, EmployeeID: e.ID, Status: store.AssessmentOpen, LibraryVersion: tf.LibraryVersion, RoleSlug: e.RoleSlug,
			Tier: e.Tier, Seed: id.String(), Items: gen.Items, Key: gen.Key, Responses: []assessment.Response{}, Version: 1,
			CreatedBy: p.Subject, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
		return tx.InsertAssessment(a)
	})
	if err != nil {
		return nil, s.fail(ctx, "start assessment", err)
	}
	return &AssessmentOutput{Status: http.StatusCreated, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}

func (s *Server) getAssessment(ctx context.Context, in *AssessmentIDInput) (*AssessmentOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	var a store.Assessment
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		a, _, err = readableAssessment(tx, p, id)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get assessment", err)
	}
	return &AssessmentOutput{Status: http.StatusOK, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}

func (s *Server) listAssessments(ctx context.Context, in *ListAssessmentsInput) (*AssessmentListOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	var target uuid.UUID
	if in.EmployeeID != "" {
		if target, err = parseUUID(in.EmployeeID); err != nil {
			return nil, err
		}
	}
	afterID, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	n := s.pageSize(in.Limit)
	var list []store.Assessment
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		v, err := loadViewer(tx, p)
		if err != nil {
			return err
		}
		var e store.Employee
		switch {
		case target != uuid.Nil:
			if e, err = readableEmployee(tx, v, target); err != nil {
				return err
			}
		case v.me != nil:
			e = *v.me
		default:
			return nil // no employee record: nothing of theirs
		}
		list, err = tx.Assessments(e.ID, afterID, n+1)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "list assessments", err)
	}
	out := &AssessmentListOutput{}
	out.Body.Items = make([]AssessmentBody, 0, len(list))
	for i, a := range list {
		if i == n {
			out.Body.NextCursor = encodeCursor(list[i-1].ID.String())
			break
		}
		out.Body.Items = append(out.Body.Items, toAssessmentBody(a, false))
	}
	return out, nil
}

// responseProblem maps a response validation error to its problem: an
// answer too long is 413, anything else 422, naming the item and field.
func responseProblem(i int, err error) error {
	var re *assessment.ResponseError
	loc := fmt.Sprintf("body.responses[%d]", i)
	if errors.As(err, &re) {
		loc += "." + re.Field
	}
	detail := &huma.ErrorDetail{Location: loc, Message: err.Error()}
	switch {
	case errors.Is(err, assessment.ErrTextTooLong):
		return problem(http.StatusRequestEntityTooLarge, "answer-too-long", err.Error()+"; nothing was saved", detail)
	case errors.Is(err, assessment.ErrUnknownItem):
		return problem(http.StatusUnprocessableEntity, "unknown-item", err.Error()+"; nothing was saved", detail)
	case errors.Is(err, assessment.ErrDuplicateResponse):
		return problem(http.StatusUnprocessableEntity, "duplicate-response", err.Error()+"; nothing was saved", detail)
	}
	return problem(http.StatusUnprocessableEntity, "invalid-response", err.Error()+"; nothing was saved", detail)
}

// mergeResponses validates the incoming answers against the assessment and
// merges them into the saved ones (by item), in item order.
func mergeResponses(a store.Assessment, incoming []assessment.Response) ([]assessment.Response, error) {
	dom := a.Domain(0)
	seen := make(map[string]bool, len(incoming))
	byItem := make(map[string]assessment.Response, len(a.Responses)+len(incoming))
	for _, r := range a.Responses {
		byItem[r.ItemID] = r
	}
	for i, r := range incoming {
		if err := dom.Validate(r); err != nil {
			return nil, responseProblem(i, err)
		}
		if seen[r.ItemID] {
			return nil, responseProblem(i, &assessment.ResponseError{ItemID: r.ItemID, Field: "item_id", Err: assessment.ErrDuplicateResponse})
		}
		seen[r.ItemID] = true
		byItem[r.ItemID] = r
	}
	out := make([]assessment.Response, 0, len(byItem))
	for _, it := range a.Items {
		if r, ok := byItem[it.ID]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// closedProblem and staleProblem answer the assessment flow's conflicts.
func closedProblem() error {
	return problem(http.StatusConflict, "assessment-closed", "the assessment was submitted; it takes no more answers and cannot be submitted again")
}

func staleProblem(current int) error {
	return problem(http.StatusConflict, "stale-version", fmt.Sprintf("the assessment changed since you read it; its version is now %d: read it again and retry", current))
}

func (s *Server) saveResponses(ctx context.Context, in *SaveResponsesInput) (*AssessmentOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	want, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	if v := in.Body.Version; v != nil {
		if want != 0 && *v != want {
			return nil, problem(http.StatusBadRequest, "bad-request", "If-Match and version disagree")
		}
		want = *v
	}
	if in.Body.Responses == nil {
		return nil, problem(http.StatusUnprocessableEntity, "validation", "responses is required",
			&huma.ErrorDetail{Location: "body.responses", Message: "required"})
	}
	incoming := make([]assessment.Response, len(in.Body.Responses))
	for i, r := range in.Body.Responses {
		incoming[i] = assessment.Response(r)
	}
	var a store.Assessment
	for attempt := 0; ; attempt++ {
		err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
			var self bool
			a, self, err = readableAssessment(tx, p, id)
			if err != nil {
				return err
			}
			if !self {
				return notTaker()
			}
			if a.Status != store.AssessmentOpen {
				return closedProblem()
			}
			base := a.Version
			if want != 0 {
				if want != a.Version {
					return staleProblem(a.Version)
				}
				base = want
			}
			merged, err := mergeResponses(a, incoming)
			if err != nil {
				return err
			}
			nv, err := tx.SaveResponses(id, base, merged)
			if err != nil {
				return err
			}
			a.Responses, a.Version = merged, nv
			return nil
		})
		// Without a precondition, lose no answer to a concurrent save: merge
		// into the newer version and try again.
		if errors.Is(err, store.ErrStaleVersion) && want == 0 && attempt < saveRetries {
			continue
		}
		break
	}
	switch {
	case errors.Is(err, store.ErrStaleVersion):
		return nil, staleProblem(a.Version + 1)
	case errors.Is(err, store.ErrAssessmentClosed):
		return nil, closedProblem()
	case err != nil:
		return nil, s.fail(ctx, "save responses", err)
	}
	return &AssessmentOutput{Status: http.StatusOK, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}

func (s *Server) submitAssessment(ctx context.Context, in *AssessmentIDInput) (*AssessmentOutput, error) {
	p, err := tenantPrincipal(ctx, peopleRoles...)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	want, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	var a store.Assessment
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		cur, self, err := readableAssessment(tx, p, id)
		if err != nil {
			return err
		}
		if !self {
			return notTaker()
		}
		if want != 0 && cur.Status == store.AssessmentOpen && want != cur.Version {
			return staleProblem(cur.Version)
		}
		if a, err = tx.SubmitAssessment(id); err != nil {
			return err
		}
		_, err = tx.Emit(events.TypeAssessmentSubmitted, a.ID.String(), events.AssessmentSubmitted{AssessmentID: a.ID.String(),
			EmployeeID: a.EmployeeID.String(), LibraryVersion: a.LibraryVersion, Tier: a.Tier.String()})
		return err
	})
	if errors.Is(err, store.ErrAssessmentClosed) {
		return nil, closedProblem()
	}
	if err != nil {
		return nil, s.fail(ctx, "submit assessment", err)
	}
	return &AssessmentOutput{Status: http.StatusAccepted, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}
