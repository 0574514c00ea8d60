package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// Secrets that must never appear in an analytics answer: a sentence of an
// uploaded document and a free-text answer.
const (
	docSecret    = "Zanzibar-ledger-7741 reconciliation runbook"
	answerSecret = "quokka-halyard-5512"
)

// analyticsCompetencies is GET /v1/analytics/competencies.
type analyticsCompetencies struct {
	Employees, Assessed int
	Items               []struct {
		CompetencySlug       string  `json:"competency_slug"`
		EmployeesAssessed    int     `json:"employees_assessed"`
		MeanScore            float64 `json:"mean_score"`
		MeanGap              float64 `json:"mean_gap"`
		ShareMeetingRequired float64 `json:"share_meeting_required"`
	}
}

// strongAnswers are concrete, distinct accounts per competency of the
// DevOps framework (an answer repeated across items is flagged as copied);
// weakAnswer is a thin one.
var strongAnswers = map[string]string{
	"cloud-infrastructure-management": "In May I moved our four production clusters to a new region after the old one kept failing: I wrote the network and database plans, rehearsed the cut-over twice, and ran it on a Sunday with 11 minutes of downtime. Hosting costs fell by a fifth.",
	"ci-cd":                           "Releases used to take two days, so I rebuilt the pipeline every product team ships through: I added parallel test stages, canary deploys and one-command rollback. Median merge-to-production dropped to 40 minutes and failed releases fell from 12 to 2 a month.",
	"collaboration-communication":     "When the warehouse and finance teams disagreed about the returns API, I set up three working sessions, wrote the proposal both signed, and kept a weekly status note for the directors. The project shipped in June, a month early.",
	"problem-solving":                 "Checkout latency doubled every Tuesday and nobody knew why. I compared traces from good and bad days, found a weekly batch job locking the orders table, moved it to a replica and added a guard. The spikes stopped and stayed gone for the six months since.",
	"security-best-practices":         "After a pen test found leaked keys, I moved every service's secrets into the vault, rotated 140 credentials over a weekend, and added a pre-commit scanner to all 30 repositories. The follow-up audit found nothing.",
	"automation-scripting":            "I wrote the tool that provisions a new customer environment end to end, with tests and docs; it replaced a 3-hour manual checklist. Support now runs it 40 times a month and setup errors went to zero.",
	"monitoring-performance-tuning":   "I set latency and error targets for the booking service with product, replaced 60 noisy alerts with 8 that page only when users suffer, and profiled the search endpoint: fixing its N+1 query cut p99 from 2 s to 300 ms.",
	"agile-methodologies":             "Our team missed four sprint goals in a row, so I ran a retrospective on the causes, split stories to fit in two days, and capped work in progress at three. Over the next quarter we met eleven of twelve sprint goals.",
}

const weakAnswer = "I follow the checklist when someone asks me to."

// takeAssessment starts, answers (self-ratings of rating, the most
// effective scenario option and a concrete account when strong, the least
// effective option and a thin answer otherwise, an open-text answer
// carrying answerSecret) and submits an assessment as subject, and returns
// its id.
func (e *env) takeAssessment(tenant tenants.ID, subject string, rating int, strong bool) string {
	e.t.Helper()
	tok := e.token(tenant, subject, tenants.RoleEmployee)
	r := e.do("POST", "/v1/assessments", tok, map[string]any{})
	expect(e.t, r, 201, "start assessment")
	a := r.json(e.t)
	id := a["id"].(string)
	key := e.storedAssessment(tenant, id).Key.Levels
	var rs []map[string]any
	for _, x := range a["items"].([]any) {
		it := x.(map[string]any)
		resp := map[string]any{"item_id": it["id"]}
		switch it["kind"] {
		case "self_rating":
			resp["rating"] = rating
		case "scenario":
			var pick string
			for _, o := range it["options"].([]any) {
				oid := o.(map[string]any)["id"].(string)
				if pick == "" || strong && key[oid] > key[pick] || !strong && key[oid] < key[pick] {
					pick = oid
				}
			}
			resp["option_id"] = pick
		case "open_text":
			text := weakAnswer
			if strong {
				text = strongAnswers[it["competency_slug"].(string)]
			}
			resp["text"] = text + " " + answerSecret
		}
		rs = append(rs, resp)
	}
	expect(e.t, e.do("PUT", "/v1/assessments/"+id+"/responses", tok, map[string]any{"responses": rs}), 200, "answer")
	expect(e.t, e.do("POST", "/v1/assessments/"+id+"/submit", tok, nil), 202, "submit")
	return id
}

// waitFor polls GET path as token until ok holds for its body.
func (e *env) waitFor(path, token, what string, ok func(body []byte) bool) []byte {
	e.t.Helper()
	var body []byte
	testwait.Until(e.t, 30*time.Second, what, func() (bool, error) {
		r := e.do("GET", path, token, nil)
		body = r.Body
		return r.Status == 200 && ok(r.Body), fmt.Errorf("answer %d %s", r.Status, r.Body)
	})
	return body
}

func TestAnalyticsEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		p := seedPeople(t, e, "acme")
		other := seedPeople(t, e, "globex")
		analyst := p.tokens["analyst"]
		expect(t, e.upload(p.tokens["admin"], "Runbook", "Our engineers follow the "+docSecret+" every month."), 202, "upload")

		// Three assessments with varied answers: strong, weak, middling.
		ids := map[string]string{
			"rep": e.takeAssessment(p.tenant, "rep", 5, true),
			"oth": e.takeAssessment(p.tenant, "oth", 1, false),
			"mgr": e.takeAssessment(p.tenant, "mgr", 3, false),
		}
		body := e.waitFor("/v1/analytics/competencies", p.tokens["admin"], "three assessed employees", func(b []byte) bool {
			var c analyticsCompetencies
			return json.Unmarshal(b, &c) == nil && c.Assessed == 3
		})
		var got analyticsCompetencies
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}

		// The figures are those of the scored results, read back as the admin.
		type acc struct {
			n, meeting int
			score, gap float64
		}
		want := map[string]*acc{}
		for subject, id := range ids {
			a := e.do("GET", "/v1/assessments/"+id, p.tokens["admin"], nil).json(t)
			if a["status"] != "scored" {
				t.Fatalf("%s's assessment is %v, want scored", subject, a["status"])
			}
			for _, x := range a["results"].([]any) {
				r := x.(map[string]any)
				w := want[r["competency_slug"].(string)]
				if w == nil {
					w = &acc{}
					want[r["competency_slug"].(string)] = w
				}
				w.n++
				w.score += r["score"].(float64)
				w.gap += r["gap"].(float64)
				if r["level"].(float64) >= r["required_level"].(float64) {
					w.meeting++
				}
			}
		}
		if got.Employees != 4 || len(got.Items) != len(want) {
			t.Fatalf("competencies: got %d employees, %d items; want 4, %d: %s", got.Employees, len(got.Items), len(want), body)
		}
		spread := false
		for _, it := range got.Items {
			w := want[it.CompetencySlug]
			if w == nil {
				t.Errorf("unexpected competency %s", it.CompetencySlug)
				continue
			}
			n := float64(w.n)
			if it.EmployeesAssessed != w.n || math.Abs(it.MeanScore-w.score/n) > 0.002 || math.Abs(it.MeanGap-w.gap/n) > 0.002 ||
				math.Abs(it.ShareMeetingRequired-float64(w.meeting)/n) > 0.002 {
				t.Errorf("%s: got %+v, want n=%d mean %.3f gap %.3f share %.3f", it.CompetencySlug, it, w.n, w.score/n, w.gap/n, float64(w.meeting)/n)
			}
			if it.ShareMeetingRequired > 0 && it.ShareMeetingRequired < 1 {
				spread = true
			}
		}
		if !spread {
			t.Errorf("strong and weak answers gave no competency a mixed share meeting the level: %s", body)
		}

		// The heatmap by team: teams a (mgr, rep) and b (oth).
		hm := e.do("GET", "/v1/analytics/heatmap?by=team", p.tokens["admin"], nil) // admins see the small cells
		expect(t, hm, 200, "heatmap by team")
		var heat struct {
			By     string
			Groups []struct{ Key, Label string }
			Cells  []struct {
				Group             string
				EmployeesAssessed int `json:"employees_assessed"`
			}
		}
		if err := json.Unmarshal(hm.Body, &heat); err != nil {
			t.Fatal(err)
		}
		perTeam := map[string]int{}
		for _, c := range heat.Cells {
			perTeam[c.Group] = max(perTeam[c.Group], c.EmployeesAssessed)
		}
		if heat.By != "team" || len(heat.Groups) != 2 || perTeam["a"] != 2 || perTeam["b"] != 1 {
			t.Errorf("heatmap by team: got %s", hm.Body)
		}
		byRole := e.do("GET", "/v1/analytics/heatmap?by=role", p.tokens["admin"], nil)
		expect(t, byRole, 200, "heatmap by role")
		if !strings.Contains(string(byRole.Body), `"key":"devops-engineer","label":"DevOps Engineer"`) {
			t.Errorf("heatmap by role: got %s", byRole.Body)
		}

		// Plans and completion.
		plans := e.waitFor("/v1/analytics/plans", analyst, "plans of all four", func(b []byte) bool {
			var pl struct {
				EmployeesWithPlans int `json:"employees_with_plans"`
			}
			return json.Unmarshal(b, &pl) == nil && pl.EmployeesWithPlans == 4
		})
		if !strings.Contains(string(plans), `"total":`) {
			t.Errorf("plans: got %s", plans)
		}
		expect(t, e.do("POST", "/v1/assessments", e.token(p.tenant, "mgr2", tenants.RoleEmployee), map[string]any{}), 201, "an open one")
		comp := e.do("GET", "/v1/analytics/assessments", analyst, nil)
		expect(t, comp, 200, "completion")
		var c struct{ Employees, Started, Open, Submitted, Scored int }
		if err := json.Unmarshal(comp.Body, &c); err != nil {
			t.Fatal(err)
		}
		if c != (struct{ Employees, Started, Open, Submitted, Scored int }{4, 4, 1, 0, 3}) {
			t.Errorf("completion: got %+v, want 4 employees, 4 started, 1 open, 3 scored", c)
		}

		// No analytics answer carries document text or free text.
		for _, path := range []string{"/v1/analytics/competencies", "/v1/analytics/heatmap?by=team", "/v1/analytics/heatmap?by=role",
			"/v1/analytics/plans", "/v1/analytics/assessments"} {
			for _, tok := range []string{analyst, p.tokens["admin"]} {
				r := e.do("GET", path, tok, nil)
				expect(t, r, 200, path)
				if s := string(r.Body); strings.Contains(s, answerSecret) || strings.Contains(s, "Zanzibar") || strings.Contains(s, "payments service") {
					t.Errorf("%s leaks text: %s", path, s)
				}
			}
		}

		// Another tenant sees nothing of this one; A's figures stay.
		for _, path := range []string{"/v1/analytics/competencies", "/v1/analytics/heatmap?by=team", "/v1/analytics/plans", "/v1/analytics/assessments"} {
			r := e.do("GET", path, other.tokens["analyst"], nil)
			expect(t, r, 200, "other tenant "+path)
			if s := string(r.Body); strings.Contains(s, `"employees_assessed":`) || strings.Contains(s, `"scored":3`) || strings.Contains(s, `"assessed":3`) {
				t.Errorf("other tenant sees A's figures at %s: %s", path, s)
			}
		}
		var theirs analyticsCompetencies
		if err := json.Unmarshal(e.do("GET", "/v1/analytics/competencies", other.tokens["analyst"], nil).Body, &theirs); err != nil {
			t.Fatal(err)
		}
		if theirs.Employees != 4 || theirs.Assessed != 0 || len(theirs.Items) != 0 {
			t.Errorf("other tenant's competencies: got %+v, want its own 4 employees and nothing assessed", theirs)
		}
		if r := e.do("GET", "/v1/analytics/competencies", analyst, nil).json(t); r["assessed"] != float64(3) {
			t.Errorf("A's figures changed: %v", r)
		}
	})
}

func TestAnalyticsAccessAndBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		p := seedPeople(t, e, "acme")
		paths := []string{"/v1/analytics/competencies", "/v1/analytics/heatmap", "/v1/analytics/plans", "/v1/analytics/assessments"}
		cases := []struct {
			who, token string
			status     int
		}{
			{"analyst", p.tokens["analyst"], 200},
			{"admin", p.tokens["admin"], 200},
			{"employee", p.tokens["report"], 403},
			{"manager", p.tokens["manager"], 403},
			{"platform", e.platform(), 403},
			{"anonymous", "", 401},
		}
		for _, c := range cases {
			for _, path := range paths {
				expect(t, e.do("GET", path, c.token, nil), c.status, fmt.Sprintf("%s GET %s", c.who, path))
			}
		}
		for _, by := range []string{"department", "TEAM", "team;drop", "x"} {
			r := e.do("GET", "/v1/analytics/heatmap?by="+by, p.tokens["analyst"], nil)
			expect(t, r, 422, "by="+by)
			if pr := r.json(t); !strings.HasSuffix(pr["type"].(string), "/validation") {
				t.Errorf("by=%s: problem type %v", by, pr["type"])
			}
		}
		// An empty tenant has zero figures, not errors.
		r := e.do("GET", "/v1/analytics/heatmap", p.tokens["analyst"], nil).json(t)
		if r["by"] != "team" || len(r["cells"].([]any)) != 0 {
			t.Errorf("empty heatmap: got %v", r)
		}
	})
}
