package api_test

import (
	"strings"
	"testing"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// scoredReportAssessment has the report of p answer and submit an
// assessment, waits for it to be scored and returns it as read then.
func scoredReportAssessment(t *testing.T, e *env, p people) map[string]any {
	t.Helper()
	sub := e.subscribe(p.tenant, "assessment")
	taker := p.tokens["report"]
	r := e.do("POST", "/v1/assessments", taker, nil)
	expect(t, r, 201, "start")
	a := r.json(t)
	id := a["id"].(string)
	expect(t, e.do("PUT", "/v1/assessments/"+id+"/responses", taker, map[string]any{"responses": answers(t, a, 3)}), 200, "answer")
	expect(t, e.do("POST", "/v1/assessments/"+id+"/submit", taker, nil), 202, "submit")
	for {
		if ev := nextEvent(t, sub); ev.Type == events.TypeAssessmentScored && ev.Resource == id {
			break
		}
	}
	r = e.do("GET", "/v1/assessments/"+id, taker, nil)
	expect(t, r, 200, "read scored")
	return r.json(t)
}

// problemAt checks a problem's type and its one error location.
func problemAt(t *testing.T, r resp, kind, location, what string) {
	t.Helper()
	m := r.json(t)
	if got := m["type"]; got != "https://cadre.dev/problems/"+kind {
		t.Errorf("%s: type %v, want %s", what, got, kind)
	}
	if location == "" {
		return
	}
	errs, _ := m["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["location"] != location {
		t.Errorf("%s: errors %v, want one at %s", what, errs, location)
	}
}

func TestReviewAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a := seedPeople(t, e, "acme")
		b := seedPeople(t, e, "globex")
		tok := a.tokens
		as := scoredReportAssessment(t, e, a)
		id := as["id"].(string)
		path := "/v1/assessments/" + id + "/review"
		slug := as["items"].([]any)[0].(map[string]any)["competency_slug"].(string)
		body := map[string]any{"ratings": []any{map[string]any{"competency_slug": slug, "level": 4, "comment": "steady in incidents"}}}
		sub := e.subscribe(a.tenant, "assessment")

		// Nobody but the report's manager and admins may review; nobody
		// finds a review before one is submitted.
		for who, want := range map[string]int{"report": 403, "other": 403, "analyst": 403, "otherManager": 404} {
			expect(t, e.do("PUT", path, tok[who], body), want, "PUT as "+who)
		}
		expect(t, e.do("PUT", path, b.tokens["admin"], body), 404, "PUT from another tenant")
		expect(t, e.do("PUT", path, b.tokens["manager"], body), 404, "PUT from another tenant's manager")
		self := e.token(a.tenant, "rep", tenants.RoleManager, tenants.RoleEmployee)
		r := e.do("PUT", path, self, body)
		expect(t, r, 403, "PUT of one's own")
		problemAt(t, r, "self-review", "", "PUT of one's own")
		r = e.do("GET", path, tok["admin"], nil)
		expect(t, r, 404, "GET before any review")
		problemAt(t, r, "no-review", "", "GET before any review")

		r = e.do("PUT", path, tok["manager"], body)
		expect(t, r, 200, "PUT as the manager")
		got := r.json(t)
		ratings := got["ratings"].([]any)
		if got["reviewer"] != "mgr" || got["version"] != float64(1) || got["assessment_id"] != id || len(ratings) != 1 ||
			ratings[0].(map[string]any)["level"] != float64(4) || ratings[0].(map[string]any)["comment"] != "steady in incidents" {
			t.Errorf("stored review %s, want the manager's first, level 4 with the comment", r.Body)
		}
		var ev events.Event
		for ev.Type != events.TypeAssessmentReviewed {
			ev = nextEvent(t, sub)
		}
		var payload events.AssessmentReviewed
		if err := ev.DecodeData(&payload); err != nil {
			t.Fatal(err)
		}
		if ev.Resource != id || payload.EmployeeID != a.report || payload.Reviewer != "mgr" || len(payload.Ratings) != 1 ||
			payload.Ratings[0] != (events.ReviewRating{CompetencySlug: slug, Level: 4}) || strings.Contains(string(ev.Data), "steady") {
			t.Errorf("assessment.reviewed %s, want the level of %s and no comment", ev.Data, slug)
		}

		// The employee sees the review once it is submitted, as do the
		// manager and admins; analysts see aggregates only.
		for who, want := range map[string]int{"report": 200, "manager": 200, "admin": 200, "analyst": 403, "other": 404, "otherManager": 404} {
			r := e.do("GET", path, tok[who], nil)
			expect(t, r, want, "GET as "+who)
			if want == 200 && !strings.Contains(string(r.Body), "steady in incidents") {
				t.Errorf("GET as %s: %s, want the review with its comment", who, r.Body)
			}
		}
		expect(t, e.do("GET", path, b.tokens["admin"], nil), 404, "GET from another tenant")

		// An admin replaces it.
		r = e.do("PUT", path, tok["admin"], map[string]any{"ratings": []any{map[string]any{"competency_slug": slug, "level": 5}}})
		expect(t, r, 200, "PUT as an admin")
		if got := r.json(t); got["version"] != float64(2) || got["reviewer"] != "admin-acme" {
			t.Errorf("replaced review %s, want the admin's, version 2", r.Body)
		}
	})
}

func TestReviewBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		p := seedPeople(t, e, "acme")
		manager := p.tokens["manager"]
		as := scoredReportAssessment(t, e, p)
		path := "/v1/assessments/" + as["id"].(string) + "/review"
		slug := as["items"].([]any)[0].(map[string]any)["competency_slug"].(string)
		rating := func(level int, comment string) map[string]any {
			return map[string]any{"competency_slug": slug, "level": level, "comment": comment}
		}

		tests := []struct {
			name     string
			body     any
			status   int
			kind     string
			location string
		}{
			{"level 0", map[string]any{"ratings": []any{rating(0, "")}}, 422, "validation", "body.ratings[0].level"},
			{"level 6", map[string]any{"ratings": []any{rating(6, "")}}, 422, "validation", "body.ratings[0].level"},
			{"a competency not in the assessment", map[string]any{"ratings": []any{rating(3, ""),
				map[string]any{"competency_slug": "underwater-basket-weaving", "level": 3}}}, 422, "validation", "body.ratings[1].competency_slug"},
			{"no ratings", map[string]any{"ratings": []any{}}, 422, "validation", "body.ratings"},
			{"a comment too long", map[string]any{"ratings": []any{rating(3, strings.Repeat("x", 2001))}}, 422, "validation", "body.ratings[0].comment"},
			{"a comment with a control character", map[string]any{"ratings": []any{rating(3, "a\u0007b")}}, 422, "validation", "body.ratings[0].comment"},
			{"an unknown field", map[string]any{"ratings": []any{rating(3, "")}, "score": 5}, 400, "unknown-field", ""},
			{"malformed JSON", `{"ratings": [`, 400, "malformed-json", ""},
		}
		for _, tt := range tests {
			r := e.do("PUT", path, manager, tt.body)
			expect(t, r, tt.status, tt.name)
			problemAt(t, r, tt.kind, tt.location, tt.name)
		}
		expect(t, e.do("PUT", "/v1/assessments/nope/review", manager, map[string]any{"ratings": []any{rating(3, "")}}), 404, "a malformed id")

		// An assessment not yet scored is a conflict.
		r := e.do("POST", "/v1/assessments", manager, map[string]any{"employee_id": p.report})
		expect(t, r, 201, "start another")
		r = e.do("PUT", "/v1/assessments/"+r.json(t)["id"].(string)+"/review", manager, map[string]any{"ratings": []any{rating(3, "")}})
		expect(t, r, 409, "an open assessment")
		problemAt(t, r, "assessment-not-scored", "", "an open assessment")

		// None of it was stored.
		expect(t, e.do("GET", path, manager, nil), 404, "GET after the refusals")
		expect(t, e.do("PUT", path, manager, map[string]any{"ratings": []any{rating(3, "")}}), 200, "a good review")
	})
}
