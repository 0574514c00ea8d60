package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// apiPlan is the part of a plan body the tests read.
type apiPlan struct {
	EmployeeID string `json:"employee_id"`
	Role       string `json:"role"`
	TargetTier string `json:"target_tier"`
	Version    int    `json:"version"`
	Basis      struct {
		LibraryVersion int    `json:"library_version"`
		AssessmentID   string `json:"assessment_id"`
	} `json:"basis"`
	Items []apiPlanItem `json:"items"`
}

type apiPlanItem struct {
	ID             string  `json:"id"`
	CompetencySlug string  `json:"competency_slug"`
	CurrentLevel   int     `json:"current_level"`
	TargetLevel    int     `json:"target_level"`
	Gap            int     `json:"gap"`
	Priority       float64 `json:"priority"`
	DueDate        string  `json:"due_date"`
	Status         string  `json:"status"`
	ClosedReason   string  `json:"closed_reason"`
	Note           string  `json:"note"`
	Actions        []struct {
		Kind  string `json:"kind"`
		Title string `json:"title"`
	} `json:"actions"`
}

func decodePlan(t *testing.T, r resp) apiPlan {
	t.Helper()
	var p apiPlan
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("plan body %s: %v", r.Body, err)
	}
	return p
}

// item returns the plan's item with the given id.
func (p apiPlan) item(t *testing.T, id string) apiPlanItem {
	t.Helper()
	for _, it := range p.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("plan v%d has no item %s", p.Version, id)
	return apiPlanItem{}
}

// bySlug returns the plan's item for slug that is (closed true) or is not
// (closed false) closed, and whether there is one.
func (p apiPlan) bySlug(slug string, closed bool) (apiPlanItem, bool) {
	for _, it := range p.Items {
		if it.CompetencySlug == slug && (it.Status == "closed") == closed {
			return it, true
		}
	}
	return apiPlanItem{}, false
}

// waitPlan polls GET path until it answers 200 with a plan satisfying ok.
func (e *env) waitPlan(path, token, what string, ok func(p apiPlan) bool) apiPlan {
	e.t.Helper()
	var p apiPlan
	testwait.Until(e.t, time.Minute, what, func() (bool, error) {
		r := e.do("GET", path, token, nil)
		if r.Status != 200 {
			return false, fmt.Errorf("answer %d %s", r.Status, r.Body)
		}
		p = decodePlan(e.t, r)
		return ok(p), fmt.Errorf("answer %d %s", r.Status, r.Body)
	})
	return p
}

// planSettle waits until the outbox is empty and no consumer has messages
// pending or unacknowledged, three polls in a row.
func (e *env) planSettle() {
	e.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	quiet := 0
	for quiet < 3 {
		if time.Now().After(deadline) {
			e.t.Fatal("timed out waiting for the workers to settle")
		}
		time.Sleep(20 * time.Millisecond) // polling a condition with a deadline
		n, _, err := e.db.Store.Outbox().Pending(ctx)
		if err != nil || n > 0 {
			quiet = 0
			continue
		}
		stream, err := e.bus.JetStream().Stream(ctx, e.bus.StreamName())
		if err != nil {
			quiet = 0
			continue
		}
		busy := false
		lister := stream.ListConsumers(ctx)
		for ci := range lister.Info() {
			if ci.NumPending > 0 || ci.NumAckPending > 0 {
				busy = true
			}
		}
		if lister.Err() != nil {
			busy = true
		}
		if busy {
			quiet = 0
			continue
		}
		quiet++
	}
}

// midnightUTC reports whether s is an RFC 3339 time at midnight UTC.
func midnightUTC(s string) bool {
	d, err := time.Parse(time.RFC3339, s)
	return err == nil && d.Equal(d.Truncate(24*time.Hour)) && strings.HasSuffix(s, "Z")
}

func TestPlanLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a := seedPeople(t, e, "acme")
		rep, admin := a.tokens["report"], a.tokens["admin"]
		e.planSettle()
		p := e.waitPlan("/v1/me/plan", rep, "the report's first plan", func(p apiPlan) bool { return len(p.Items) > 0 })

		// Gaps became items, open ones by priority, each with actions, a
		// target above the current level and a date.
		if p.EmployeeID != a.report || p.Role != "devops-engineer" || p.TargetTier != "mid" {
			t.Errorf("plan of %s role %s target %s, want the report's devops-engineer plan at mid", p.EmployeeID, p.Role, p.TargetTier)
		}
		for i, it := range p.Items {
			if it.Status != "not_started" || it.Gap != it.TargetLevel-it.CurrentLevel || it.Gap <= 0 || len(it.Actions) == 0 || !midnightUTC(it.DueDate) {
				t.Errorf("item %d: %+v; want an open item with a gap, actions and a date", i, it)
			}
			if i > 0 && it.Priority > p.Items[i-1].Priority {
				t.Errorf("item %d (%s, %.2f) ranks above item %d (%.2f)", i, it.CompetencySlug, it.Priority, i-1, p.Items[i-1].Priority)
			}
		}

		// The employee starts the first item with a note: same version,
		// status and note kept.
		first, second := p.Items[0], p.Items[1]
		r := e.do("PATCH", "/v1/me/plan/items/"+first.ID, rep, map[string]any{"status": "in_progress", "note": "pairing with the SRE team"})
		expect(t, r, 200, "start the first item")
		got := decodePlan(t, r)
		if it := got.item(t, first.ID); it.Status != "in_progress" || it.Note != "pairing with the SRE team" || got.Version != p.Version {
			t.Errorf("after PATCH: v%d item %+v; want v%d in progress with the note", got.Version, it, p.Version)
		}

		// Bad changes are refused and change nothing.
		bad := []struct {
			name   string
			id     string
			body   any
			status int
			kind   string
		}{
			{"not started to done", second.ID, map[string]any{"status": "done"}, 409, "invalid-transition"},
			{"in progress to not started", first.ID, map[string]any{"status": "not_started"}, 409, "invalid-transition"},
			{"the employee cannot close", second.ID, map[string]any{"status": "closed"}, 422, "validation"},
			{"unknown status", second.ID, map[string]any{"status": "paused"}, 422, "validation"},
			{"nothing to change", second.ID, map[string]any{}, 422, "validation"},
			{"note too long", second.ID, map[string]any{"note": strings.Repeat("é", 2001)}, 422, "validation"},
			{"control characters", second.ID, map[string]any{"note": "a\x00b"}, 422, "validation"},
			{"unknown field", second.ID, map[string]any{"status": "in_progress", "owner": "x"}, 400, "unknown-field"},
			{"unknown item", uuid.NewString(), map[string]any{"status": "in_progress"}, 404, "not-found"},
			{"malformed item id", "nope", map[string]any{"status": "in_progress"}, 404, ""},
		}
		for _, c := range bad {
			r := e.do("PATCH", "/v1/me/plan/items/"+c.id, rep, c.body)
			expect(t, r, c.status, c.name)
			if c.kind != "" && !strings.HasSuffix(r.json(t)["type"].(string), "/"+c.kind) {
				t.Errorf("%s: problem type %v, want …/%s", c.name, r.json(t)["type"], c.kind)
			}
		}
		now := decodePlan(t, e.do("GET", "/v1/me/plan", rep, nil))
		if it := now.item(t, second.ID); it.Status != "not_started" || it.Note != "" {
			t.Errorf("second item after refused changes: %+v, want untouched", it)
		}

		// A target below the employee's tier is refused; a higher one
		// rebuilds the plan, and the started item carries over.
		expect(t, e.do("PUT", "/v1/me/plan/target", rep, map[string]any{"tier": "entry"}), 422, "target below the tier")
		r = e.do("PUT", "/v1/me/plan/target", rep, map[string]any{"tier": "senior"})
		expect(t, r, 202, "target senior")
		if r.json(t)["target_tier"] != "senior" {
			t.Errorf("target answer %s, want target_tier senior", r.Body)
		}
		p = e.waitPlan("/v1/me/plan", rep, "the plan aiming at senior", func(p apiPlan) bool { return p.TargetTier == "senior" })
		if it := p.item(t, first.ID); it.Status != "in_progress" || it.Note != "pairing with the SRE team" {
			t.Errorf("started item after the rebuild: %+v, want in progress with its note", it)
		}
		r = e.do("PUT", "/v1/me/plan/target", rep, map[string]any{"tier": "mid"})
		expect(t, r, 202, "clear the target")
		if _, ok := r.json(t)["target_tier"]; ok {
			t.Errorf("cleared target answer %s, want no target_tier", r.Body)
		}
		e.waitPlan("/v1/me/plan", rep, "the plan back at mid", func(p apiPlan) bool { return p.TargetTier == "mid" })

		// Retiring a competency closes its items; a closed item takes a
		// note but no status.
		retired := second.CompetencySlug
		expect(t, e.do("PATCH", "/v1/library/competencies/"+retired, admin, map[string]any{"status": "retired"}), 200, "retire "+retired)
		p = e.waitPlan("/v1/me/plan", rep, "the retired item closed", func(p apiPlan) bool {
			it, ok := p.bySlug(retired, true)
			return ok && it.ClosedReason == "competency_retired"
		})
		if _, ok := p.bySlug(retired, false); ok {
			t.Errorf("%s still has an open item after its retirement", retired)
		}
		closed, _ := p.bySlug(retired, true)
		r = e.do("PATCH", "/v1/me/plan/items/"+closed.ID, rep, map[string]any{"status": "in_progress"})
		expect(t, r, 409, "start a closed item")
		expect(t, e.do("PATCH", "/v1/me/plan/items/"+closed.ID, rep, map[string]any{"note": "covered by the guild"}), 200, "note on a closed item")

		// A role change rebuilds the plan against the new framework.
		oth := a.tokens["other"]
		e.waitPlan("/v1/me/plan", oth, "the other employee's plan", func(p apiPlan) bool { return len(p.Items) > 0 })
		expect(t, e.do("PATCH", "/v1/employees/"+a.other, admin, map[string]any{"role": "data-analyst"}), 200, "change role")
		p = e.waitPlan("/v1/me/plan", oth, "the data analyst's plan", func(p apiPlan) bool { return p.Role == "data-analyst" })
		if it, ok := p.bySlug("ci-cd", true); !ok || it.ClosedReason != "role_changed" {
			t.Errorf("ci-cd after the role change: %+v (found %v), want closed as role_changed", it, ok)
		}
		if _, ok := p.bySlug("sql", false); !ok {
			t.Errorf("no open sql item after the role change: %+v", p.Items)
		}

		// History: newest first, page by page, down to version 1.
		e.planSettle()
		cur := decodePlan(t, e.do("GET", "/v1/me/plan", rep, nil))
		var versions []int
		cursor := ""
		for range 100 {
			r := e.do("GET", "/v1/me/plan/history?limit=2&cursor="+url.QueryEscape(cursor), rep, nil)
			expect(t, r, 200, "history page")
			var page struct {
				Items      []apiPlan `json:"items"`
				NextCursor string    `json:"next_cursor"`
			}
			if err := json.Unmarshal(r.Body, &page); err != nil {
				t.Fatal(err)
			}
			for _, v := range page.Items {
				versions = append(versions, v.Version)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(versions) < 4 || versions[0] != cur.Version || versions[len(versions)-1] != 1 {
			t.Errorf("history versions %v, want from %d down to 1 (at least 4)", versions, cur.Version)
		}
		for i := 1; i < len(versions); i++ {
			if versions[i] != versions[i-1]-1 {
				t.Errorf("history versions %v: not consecutive, newest first", versions)
				break
			}
		}
		expect(t, e.do("GET", "/v1/me/plan/history?cursor=bm9wZQ", rep, nil), 400, "bad cursor")
	})
}

func TestPlanAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a := seedPeople(t, e, "acme")
		b := seedPeople(t, e, "globex")
		tok := a.tokens
		p := e.waitPlan("/v1/me/plan", tok["report"], "the report's plan", func(p apiPlan) bool { return len(p.Items) > 0 })
		bp := e.waitPlan("/v1/me/plan", b.tokens["report"], "the other tenant's report's plan", func(p apiPlan) bool { return len(p.Items) > 0 })
		if bp.EmployeeID != b.report || p.EmployeeID != a.report {
			t.Fatalf("the same subject in two tenants: plans of %s and %s, want %s and %s", p.EmployeeID, bp.EmployeeID, a.report, b.report)
		}

		// GET /v1/employees/{id}/plan: the admin, the employee and their
		// manager; nobody else, and never across tenants.
		path := "/v1/employees/" + a.report + "/plan"
		for who, want := range map[string]int{"admin": 200, "report": 200, "manager": 200, "other": 404, "otherManager": 404, "analyst": 403} {
			r := e.do("GET", path, tok[who], nil)
			expect(t, r, want, "GET the report's plan as "+who)
			if want == 200 && decodePlan(t, r).EmployeeID != a.report {
				t.Errorf("GET the report's plan as %s: got %s", who, r.Body)
			}
		}
		expect(t, e.do("GET", path, b.tokens["admin"], nil), 404, "GET the plan as another tenant's admin")
		expect(t, e.do("GET", path, b.tokens["manager"], nil), 404, "GET the plan as another tenant's manager of a report with that subject")
		expect(t, e.do("GET", path, e.platform(), nil), 403, "GET the plan as the platform")
		expect(t, e.do("GET", path, "", nil), 401, "GET the plan without a token")
		expect(t, e.do("GET", "/v1/employees/"+uuid.NewString()+"/plan", tok["admin"], nil), 404, "GET an unknown employee's plan")

		// The /me routes act on the caller's own plan only.
		stranger := e.token(a.tenant, "stranger", tenants.RoleEmployee)
		for _, c := range []struct{ method, path string }{
			{"GET", "/v1/me/plan"}, {"GET", "/v1/me/plan/history"},
			{"PUT", "/v1/me/plan/target"}, {"PATCH", "/v1/me/plan/items/" + p.Items[0].ID},
		} {
			var body any
			switch c.method {
			case "PUT":
				body = map[string]any{"tier": "senior"}
			case "PATCH":
				body = map[string]any{"status": "in_progress"}
			}
			expect(t, e.do(c.method, c.path, tok["analyst"], body), 403, c.method+" "+c.path+" as an analyst")
			r := e.do(c.method, c.path, stranger, body)
			expect(t, r, 404, c.method+" "+c.path+" without an employee record")
			if !strings.HasSuffix(r.json(t)["type"].(string), "/no-employee-record") {
				t.Errorf("%s %s without an employee record: type %v, want …/no-employee-record", c.method, c.path, r.json(t)["type"])
			}
		}
		// Someone else's item is not in the caller's plan, whoever asks.
		item := p.Items[0].ID
		for _, token := range []string{tok["other"], tok["manager"], tok["admin"], b.tokens["report"]} {
			expect(t, e.do("PATCH", "/v1/me/plan/items/"+item, token, map[string]any{"status": "in_progress", "note": "mine now"}), 404, "PATCH another's item")
		}
		e.planSettle()
		after := decodePlan(t, e.do("GET", "/v1/me/plan", tok["report"], nil))
		if it := after.item(t, item); it.Status != "not_started" || it.Note != "" {
			t.Errorf("the report's item after others' PATCHes: %+v, want untouched", it)
		}

		// An employee whose plan is not built yet gets a clear 404.
		id := uuid.Must(uuid.NewV7())
		err := e.db.Store.InTenant(context.Background(), a.tenant, func(tx *store.Tx) error {
			now := time.Now().UTC()
			return tx.InsertEmployee(store.Employee{ID: id, Subject: "newcomer", Name: "Newcomer", RoleSlug: "devops-engineer",
				Tier: competency.TierEntry, CreatedAt: now, UpdatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ path, token string }{
			{"/v1/me/plan", e.token(a.tenant, "newcomer", tenants.RoleEmployee)},
			{"/v1/employees/" + id.String() + "/plan", tok["admin"]},
		} {
			r := e.do("GET", c.path, c.token, nil)
			expect(t, r, 404, "GET "+c.path+" before the first plan")
			if !strings.HasSuffix(r.json(t)["type"].(string), "/no-plan") {
				t.Errorf("GET %s before the first plan: type %v, want …/no-plan", c.path, r.json(t)["type"])
			}
		}
	})
}
