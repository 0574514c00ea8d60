package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

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
	// Elements are the behavioural elements found in an open-text answer
	// (situation, action, result, scope, specific), with their byte spans.
	Elements []ElementBody `json:"elements,omitempty"`
	Flags    []string      `json:"flags,omitempty"`
}

// ElementBody is one behavioural element of an open-text answer.
type ElementBody struct {
	Kind  string `json:"kind" enum:"situation,action,result,scope,specific"`
	Start int    `json:"start" doc:"Byte offset of the span in the answer."`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// ResultCalibrationBody says where a manager's rating and the self-rating or the
// evidence are two levels or more apart.
type ResultCalibrationBody struct {
	Manager  int      `json:"manager"`
	Self     int      `json:"self,omitempty"`
	Evidence float64  `json:"evidence,omitempty"`
	Reasons  []string `json:"reasons"`
}

// ResultBody is the score of one competency and the evidence behind it.
type ResultBody struct {
	CompetencySlug string  `json:"competency_slug"`
	Score          float64 `json:"score"`
	Level          int     `json:"level"`
	RequiredLevel  int     `json:"required_level"`
	Gap            int     `json:"gap"`
	Confidence     float64 `json:"confidence"`
	// EvidenceLevel is the level the scenarios and the open text support,
	// before the self-rating and a manager's rating.
	EvidenceLevel float64                `json:"evidence_level,omitempty"`
	Evidence      []EvidenceBody         `json:"evidence"`
	Flags         []string               `json:"flags,omitempty"`
	Calibration   *ResultCalibrationBody `json:"calibration,omitempty"`
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
			Gap: c.Gap, Confidence: c.Confidence, EvidenceLevel: c.EvidenceLevel, Evidence: make([]EvidenceBody, 0, len(c.Evidence)),
			Flags: flagNames(c.Flags)}
		if k := c.Calibration; k != nil {
			rb.Calibration = &ResultCalibrationBody{Manager: k.Manager.Int(), Self: k.Self.Int(), Evidence: k.Evidence, Reasons: k.Reasons}
		}
		for _, ev := range c.Evidence {
			eb := EvidenceBody{ItemID: ev.ItemID, Kind: kindName(ev.Kind), Excerpt: ev.Excerpt, Contribution: ev.Contribution,
				ItemScore: ev.ItemScore, Weight: ev.Weight, MatchedLevel: ev.MatchedLevel.Int(), Flags: flagNames(ev.Flags)}
			for _, m := range ev.Matches {
				eb.Matches = append(eb.Matches, MatchBody{Phrase: m.Phrase, Level: m.Level.Int(), Source: m.Source})
			}
			for _, el := range ev.Elements {
				eb.Elements = append(eb.Elements, ElementBody{Kind: el.Kind, Start: el.Start, End: el.End, Text: el.Text})
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
		Tags:        tags, MaxBodyBytes: s.cfg.Limits.MaxBodyBytes,
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
	v, ok := parseNumber(h, 1)
	if !ok {
		return 0, problem(http.StatusBadRequest, "bad-request", "If-Match must be the assessment's version, e.g. \"3\"")
	}
	return v, nil
}

func (s *Server) startAssessment(ctx context.Context, in *StartAssessmentInput) (*AssessmentOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var employee string
	if in.Body != nil {
		employee = in.Body.EmployeeID
	}
	a, err := s.app.StartAssessment(ctx, p, employee)
	if err != nil {
		return nil, s.fail(ctx, "start assessment", err)
	}
	return &AssessmentOutput{Status: http.StatusCreated, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}

func (s *Server) getAssessment(ctx context.Context, in *AssessmentIDInput) (*AssessmentOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeAssessments, "authorize assessments")
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	a, err := s.app.Assessment(ctx, p, id)
	if err != nil {
		return nil, s.fail(ctx, "get assessment", err)
	}
	return &AssessmentOutput{Status: http.StatusOK, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}

func (s *Server) listAssessments(ctx context.Context, in *ListAssessmentsInput) (*AssessmentListOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeAssessments, "authorize assessments")
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
	list, err := s.app.Assessments(ctx, p, target, afterID, n+1)
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

func (s *Server) saveResponses(ctx context.Context, in *SaveResponsesInput) (*AssessmentOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeAssessments, "authorize assessments")
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
	var responses []assessment.Response
	if in.Body.Responses != nil {
		responses = make([]assessment.Response, len(in.Body.Responses))
		for i, r := range in.Body.Responses {
			responses[i] = assessment.Response(r)
		}
	}
	a, err := s.app.SaveResponses(ctx, p, id, app.Answers{Version: want, Responses: responses})
	if err != nil {
		return nil, s.fail(ctx, "save responses", err)
	}
	return &AssessmentOutput{Status: http.StatusOK, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}

func (s *Server) submitAssessment(ctx context.Context, in *AssessmentIDInput) (*AssessmentOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeAssessments, "authorize assessments")
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
	a, err := s.app.SubmitAssessment(ctx, p, id, want)
	if err != nil {
		return nil, s.fail(ctx, "submit assessment", err)
	}
	return &AssessmentOutput{Status: http.StatusAccepted, ETag: etag(a.Version), Body: toAssessmentBody(a, true)}, nil
}
