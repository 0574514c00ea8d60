package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// openTextAnswer is a mid-level account that fits most technical
// competencies.
const openTextAnswer = "Last quarter I designed and built the deployment setup for our new payments service on my own: " +
	"I wrote reusable modules, added automated tests and alerts, and when a release failed I found the root cause in the logs and fixed it."

// answers builds a response to every item of an assessment body: the
// given rating, the first scenario option and a written answer.
func answers(t *testing.T, a map[string]any, rating int) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, x := range a["items"].([]any) {
		it := x.(map[string]any)
		r := map[string]any{"item_id": it["id"]}
		switch it["kind"] {
		case "self_rating":
			r["rating"] = rating
		case "scenario":
			r["option_id"] = it["options"].([]any)[0].(map[string]any)["id"]
		case "open_text":
			r["text"] = openTextAnswer
		default:
			t.Fatalf("item kind %v", it["kind"])
		}
		out = append(out, r)
	}
	return out
}

// itemOfKind returns the first item of a kind.
func itemOfKind(t *testing.T, a map[string]any, kind string) map[string]any {
	t.Helper()
	for _, x := range a["items"].([]any) {
		if it := x.(map[string]any); it["kind"] == kind {
			return it
		}
	}
	t.Fatalf("no %s item", kind)
	return nil
}

// storedAssessment reads an assessment straight from the store.
func (e *env) storedAssessment(tenant tenants.ID, id string) store.Assessment {
	e.t.Helper()
	var a store.Assessment
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
		a, err = tx.Assessment(uuid.MustParse(id))
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func TestAssessmentEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		r := e.importCSV(admin, companyCSV(50))
		expect(t, r, 200, "import 50 employees")
		if got := r.json(t)["created"]; got != float64(50) {
			t.Fatalf("created %v, want 50", got)
		}
		scored := e.subscribe(tenant, "assessment")
		taker := e.token(tenant, "u7", tenants.RoleEmployee)

		r = e.do("POST", "/v1/assessments", taker, map[string]any{})
		expect(t, r, 201, "start")
		a := r.json(t)
		id := a["id"].(string)
		if a["status"] != "open" || a["tier"] != "mid" || a["version"] != float64(1) || r.Header.Get("ETag") != `"1"` {
			t.Errorf("started: got %v (ETag %s)", a, r.Header.Get("ETag"))
		}
		items := a["items"].([]any)
		if len(items) != 32 {
			t.Errorf("items: got %d, want 32 (8 competencies × a self-rating, two scenarios and an open question)", len(items))
		}
		if strings.Contains(string(r.Body), "levels") || strings.Contains(string(r.Body), "rubric") || strings.Contains(string(r.Body), "\"key\"") {
			t.Errorf("the answer key leaked: %s", r.Body)
		}

		// Two partial saves, then submit.
		all := answers(t, a, 3)
		r = e.do("PUT", "/v1/assessments/"+id+"/responses", taker, map[string]any{"version": 1, "responses": all[:10]})
		expect(t, r, 200, "first half")
		r = e.do("PUT", "/v1/assessments/"+id+"/responses", taker, map[string]any{"responses": all[10:]}, "If-Match", `"2"`)
		expect(t, r, 200, "second half")
		if got := r.json(t); got["version"] != float64(3) || len(got["responses"].([]any)) != 32 {
			t.Errorf("after two saves: version %v, %d responses", got["version"], len(got["responses"].([]any)))
		}
		r = e.do("POST", "/v1/assessments/"+id+"/submit", taker, nil)
		expect(t, r, 202, "submit")

		var sub, done events.Event
		for done.Type == "" {
			ev := nextEvent(t, scored)
			switch ev.Type {
			case events.TypeAssessmentSubmitted:
				sub = ev
			case events.TypeAssessmentScored:
				done = ev
			}
		}
		var payload events.AssessmentScored
		if err := done.DecodeData(&payload); err != nil {
			t.Fatal(err)
		}
		if sub.Resource != id || payload.AssessmentID != id || payload.EmployeeID != e.employeeID(tenant, "u7") || len(payload.Results) != 8 {
			t.Errorf("scored event: got %+v", payload)
		}
		r = e.do("GET", "/v1/assessments/"+id, taker, nil)
		expect(t, r, 200, "read scored")
		got := r.json(t)
		results, _ := got["results"].([]any)
		if got["status"] != "scored" || len(results) != 8 || got["scored_at"] == nil {
			t.Fatalf("scored assessment: status %v, %d results", got["status"], len(results))
		}
		for _, x := range results {
			res := x.(map[string]any)
			lvl, conf := res["level"].(float64), res["confidence"].(float64)
			if lvl < 1 || lvl > 5 || conf <= 0 || conf > 1 || len(res["evidence"].([]any)) != 4 {
				t.Errorf("result %v: level %v confidence %v evidence %d", res["competency_slug"], lvl, conf, len(res["evidence"].([]any)))
			}
		}
		// /v1/me shows the latest results; the list shows the assessment.
		me := e.do("GET", "/v1/me", taker, nil).json(t)
		latest, _ := me["latest_results"].(map[string]any)
		if latest == nil || latest["assessment_id"] != id || len(latest["results"].([]any)) != 8 {
			t.Errorf("me.latest_results: got %v", me["latest_results"])
		}
		list := e.do("GET", "/v1/assessments", taker, nil).json(t)["items"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["status"] != "scored" {
			t.Errorf("list: got %v", list)
		}
		// Its manager and the admin read it too; the admin can start one
		// for any employee.
		expect(t, e.do("GET", "/v1/assessments/"+id, e.token(tenant, "m0", tenants.RoleManager), nil), 200, "manager reads")
		expect(t, e.do("POST", "/v1/assessments", admin, map[string]any{"employee_id": e.employeeID(tenant, "m3")}), 201, "admin starts one for m3")
	})
}

func TestAssessmentAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a := seedPeople(t, e, "acme")
		b := seedPeople(t, e, "globex")
		tok := a.tokens
		r := e.do("POST", "/v1/assessments", tok["report"], nil)
		expect(t, r, 201, "report starts their own")
		as := r.json(t)
		id := as["id"].(string)
		save := map[string]any{"responses": answers(t, as, 2)[:1]}

		// Starting one for someone: admin anyone, manager their report; the
		// others do not find the employee.
		start := map[string]any{"employee_id": a.report}
		for who, want := range map[string]int{"admin": 201, "manager": 201, "other": 404, "otherManager": 404, "analyst": 403} {
			expect(t, e.do("POST", "/v1/assessments", tok[who], start), want, "start for the report as "+who)
		}
		expect(t, e.do("POST", "/v1/assessments", b.tokens["admin"], start), 404, "start from another tenant")

		// Reading and listing.
		for who, want := range map[string]int{"report": 200, "manager": 200, "admin": 200, "other": 404, "otherManager": 404, "analyst": 403} {
			expect(t, e.do("GET", "/v1/assessments/"+id, tok[who], nil), want, "GET as "+who)
			expect(t, e.do("GET", "/v1/assessments?employee_id="+a.report, tok[who], nil), want, "list as "+who)
		}
		expect(t, e.do("GET", "/v1/assessments/"+id, b.tokens["admin"], nil), 404, "GET from another tenant")
		expect(t, e.do("GET", "/v1/assessments?employee_id="+a.report, b.tokens["admin"], nil), 404, "list from another tenant")

		// Answering and submitting: only the taker; readers who are not the
		// taker are 403, everyone else finds nothing.
		for who, want := range map[string]int{"manager": 403, "admin": 403, "other": 404, "otherManager": 404, "analyst": 403} {
			expect(t, e.do("PUT", "/v1/assessments/"+id+"/responses", tok[who], save), want, "PUT as "+who)
			expect(t, e.do("POST", "/v1/assessments/"+id+"/submit", tok[who], nil), want, "submit as "+who)
		}
		expect(t, e.do("PUT", "/v1/assessments/"+id+"/responses", b.tokens["report"], save), 404, "PUT from another tenant")
		expect(t, e.do("POST", "/v1/assessments/"+id+"/submit", b.tokens["admin"], nil), 404, "submit from another tenant")
		st := e.storedAssessment(a.tenant, id)
		if st.Status != store.AssessmentOpen || st.Version != 1 || len(st.Responses) != 0 {
			t.Errorf("after refused writes: status %s version %d responses %d", st.Status, st.Version, len(st.Responses))
		}
		expect(t, e.do("PUT", "/v1/assessments/"+id+"/responses", tok["report"], save), 200, "the taker answers")
	})
}

func TestAssessmentBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		p := seedPeople(t, e, "acme")
		taker := p.tokens["report"]
		r := e.do("POST", "/v1/assessments", taker, nil)
		expect(t, r, 201, "start")
		a := r.json(t)
		id := a["id"].(string)
		path := "/v1/assessments/" + id + "/responses"
		expect(t, e.do("PUT", path, taker, map[string]any{"responses": answers(t, a, 3)[:3]}), 200, "a valid save")
		before := e.storedAssessment(p.tenant, id)

		rating, scenario, open := itemOfKind(t, a, "self_rating"), itemOfKind(t, a, "scenario"), itemOfKind(t, a, "open_text")
		tests := []struct {
			name     string
			response map[string]any
			status   int
			kind     string
		}{
			{"a rating of 7", map[string]any{"item_id": rating["id"], "rating": 7}, 422, "invalid-response"},
			{"a rating of 0", map[string]any{"item_id": rating["id"], "rating": 0}, 422, "invalid-response"},
			{"an unknown item id", map[string]any{"item_id": "nope", "rating": 3}, 422, "unknown-item"},
			{"another item's option", map[string]any{"item_id": scenario["id"], "option_id": "1"}, 422, "invalid-response"},
			{"text for a rating", map[string]any{"item_id": rating["id"], "text": "five"}, 422, "invalid-response"},
			{"a 6,000-character answer", map[string]any{"item_id": open["id"], "text": strings.Repeat("word ", 1200)}, 413, "answer-too-long"},
			{"a 1 MB answer", map[string]any{"item_id": open["id"], "text": strings.Repeat("x", 1<<20)}, 413, "payload-too-large"},
			{"an unknown field in an answer", map[string]any{"item_id": rating["id"], "rating": 3, "confidence": 5}, 400, "unknown-field"},
		}
		for _, tt := range tests {
			// The bad answer rides with a good one: nothing is half-written.
			good := map[string]any{"item_id": open["id"], "text": "I fixed the build."}
			if tt.response["item_id"] == open["id"] {
				good = map[string]any{"item_id": rating["id"], "rating": 1}
			}
			r := e.do("PUT", path, taker, map[string]any{"responses": []any{good, tt.response}})
			expect(t, r, tt.status, tt.name)
			if got := r.json(t)["type"]; got != "https://cadre.dev/problems/"+tt.kind {
				t.Errorf("%s: type %v, want %s", tt.name, got, tt.kind)
			}
		}
		after := e.storedAssessment(p.tenant, id)
		if after.Version != before.Version || len(after.Responses) != len(before.Responses) {
			t.Errorf("after bad saves: version %d→%d, responses %d→%d", before.Version, after.Version, len(before.Responses), len(after.Responses))
		}
		r = e.do("PUT", path, taker, map[string]any{"responses": answers(t, a, 3)[:1], "comment": "x"})
		expect(t, r, 400, "an unknown top-level field")
		if got := r.json(t)["type"]; got != "https://cadre.dev/problems/unknown-field" {
			t.Errorf("an unknown top-level field: type %v, want unknown-field", got)
		}
		expect(t, e.do("PUT", path, taker, map[string]any{"version": 1, "responses": []any{}}), 409, "stale version")
		expect(t, e.do("PUT", path, taker, map[string]any{"responses": []any{}}, "If-Match", `"nonsense"`), 400, "bad If-Match")

		expect(t, e.do("POST", "/v1/assessments/"+id+"/submit", taker, nil), 202, "submit")
		r = e.do("POST", "/v1/assessments/"+id+"/submit", taker, nil)
		expect(t, r, 409, "submit twice")
		r = e.do("PUT", path, taker, map[string]any{"responses": answers(t, a, 5)[:1]})
		expect(t, r, 409, "answer after submit")
		if got := r.json(t)["type"]; got != "https://cadre.dev/problems/assessment-closed" {
			t.Errorf("answer after submit: type %v", got)
		}
		final := e.storedAssessment(p.tenant, id)
		if *final.Responses[0].Rating != 3 {
			t.Errorf("the answer sent after submit changed the stored one")
		}
	})
}

func TestConcurrentSavesLoseNoAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		p := seedPeople(t, e, "acme")
		taker := p.tokens["report"]
		r := e.do("POST", "/v1/assessments", taker, nil)
		expect(t, r, 201, "start")
		a := r.json(t)
		id := a["id"].(string)
		path := "/v1/assessments/" + id + "/responses"
		all := answers(t, a, 4)
		const writers = 8
		statuses := make([]int, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				statuses[i] = e.do("PUT", path, taker, map[string]any{"version": 1, "responses": all[i : i+1]}).Status
			})
		}
		wg.Wait()
		won, lost := 0, []int{}
		for i, s := range statuses {
			switch s {
			case http.StatusOK:
				won++
			case http.StatusConflict:
				lost = append(lost, i)
			default:
				t.Errorf("writer %d: status %d", i, s)
			}
		}
		if won != 1 || len(lost) != writers-1 {
			t.Fatalf("same version, %d writers: %d won, %d got 409; want exactly one winner", writers, won, len(lost))
		}
		// The losers read the new version and retry: every answer lands.
		for _, i := range lost {
			cur := e.do("GET", "/v1/assessments/"+id, taker, nil)
			expect(t, e.do("PUT", path, taker, map[string]any{"responses": all[i : i+1]}, "If-Match", cur.Header.Get("ETag")), 200, "retry")
		}
		// Concurrent saves without a version merge instead of failing.
		var wg2 sync.WaitGroup
		for i := writers; i < 2*writers; i++ {
			wg2.Go(func() {
				if s := e.do("PUT", path, taker, map[string]any{"responses": all[i : i+1]}).Status; s != 200 {
					t.Errorf("unversioned writer %d: status %d", i, s)
				}
			})
		}
		wg2.Wait()
		st := e.storedAssessment(p.tenant, id)
		if len(st.Responses) != 2*writers {
			t.Errorf("responses stored: got %d, want %d (an answer was lost)", len(st.Responses), 2*writers)
		}
	})
}
