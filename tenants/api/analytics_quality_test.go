package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// taker describes a scored assessment made directly through the store:
// ability (1–5) picks the scenario option whose level is nearest to it and
// a strong or thin open-text answer; self is every self-rating; manager,
// when set, is a manager's review rating every competency at that level.
type taker struct {
	team          string
	ability, self int
	manager       competency.Level
}

// insertTaker inserts an employee of the team and a scored (and, with a
// manager rating, reviewed) assessment of theirs, and returns the
// employee's id.
func (e *env) insertTaker(tenant tenants.ID, tk taker) uuid.UUID {
	e.t.Helper()
	f, err := catalog.Default().Framework("devops-engineer", "finance")
	if err != nil {
		e.t.Fatal(err)
	}
	now := time.Now().UTC()
	id := uuid.Must(uuid.NewV7())
	gen, err := assessment.Generate(f, competency.TierMid, id.String())
	if err != nil {
		e.t.Fatal(err)
	}
	emp := store.Employee{ID: uuid.Must(uuid.NewV7()), Subject: "taker-" + id.String(), Name: "Taker", RoleSlug: "devops-engineer",
		Tier: competency.TierMid, Team: tk.team, CreatedAt: now, UpdatedAt: now}
	var rs []assessment.Response
	for _, it := range gen.Items {
		r := assessment.Response{ItemID: it.ID}
		switch it.Kind {
		case assessment.SelfRating:
			v := tk.self
			r.Rating = &v
		case assessment.Scenario:
			pick := it.Options[0].ID
			for _, o := range it.Options {
				if dist(int(gen.Key.Levels[o.ID]), tk.ability) < dist(int(gen.Key.Levels[pick]), tk.ability) {
					pick = o.ID
				}
			}
			r.OptionID = &pick
		case assessment.OpenText:
			txt := weakAnswer + " " + answerSecret
			if tk.ability >= 3 {
				txt = strongAnswers[it.CompetencySlug] + " " + answerSecret
			}
			r.Text = &txt
		}
		rs = append(rs, r)
	}
	a := store.Assessment{ID: id, EmployeeID: emp.ID, LibraryVersion: 1, RoleSlug: "devops-engineer", Tier: competency.TierMid, Seed: id.String(),
		Items: gen.Items, Key: gen.Key, CreatedBy: emp.Subject, CreatedAt: now}
	err = e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		if err := tx.InsertEmployee(emp); err != nil {
			return err
		}
		if err := tx.InsertAssessment(a); err != nil {
			return err
		}
		if _, err := tx.SaveResponses(id, 1, rs); err != nil {
			return err
		}
		sub, err := tx.SubmitAssessment(id)
		if err != nil {
			return err
		}
		res, err := assessment.DefaultScorer.Score(sub.Domain(0), rs)
		if err != nil {
			return err
		}
		if err := tx.SaveResults(id, res, now); err != nil {
			return err
		}
		if tk.manager == 0 {
			return nil
		}
		rev := store.Review{AssessmentID: id, Reviewer: "mgr", SubmittedAt: now}
		for _, rb := range gen.Key.Rubrics {
			rev.Ratings = append(rev.Ratings, store.ReviewRating{CompetencySlug: rb.Slug, Level: tk.manager, Comment: "manager note " + answerSecret})
		}
		put, err := tx.PutReview(rev)
		if err != nil {
			return err
		}
		fused, err := assessment.DefaultScorer.ScoreWithReview(sub.Domain(0), rs, put.AssessmentReview())
		if err != nil {
			return err
		}
		return tx.ReviseResults(id, fused, now)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return emp.ID
}

func dist(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

// itemAnalytics is GET /v1/analytics/items.
type itemAnalytics struct {
	Takers       int
	Competencies []struct {
		Suppressed     bool
		CompetencySlug string   `json:"competency_slug"`
		Takers         int      `json:"takers"`
		CompleteTakers int      `json:"complete_takers"`
		Alpha          *float64 `json:"alpha"`
		MinTakers      int      `json:"min_takers"`
		Items          []struct {
			Item      string
			Kind      string
			Responses int
			MeanScore float64  `json:"mean_score"`
			Spread    float64  `json:"spread"`
			ItemRest  *float64 `json:"item_rest"`
			Flags     []string
		}
	}
}

func getItems(t *testing.T, e *env, token string) (itemAnalytics, string) {
	t.Helper()
	r := e.do("GET", "/v1/analytics/items", token, nil)
	expect(t, r, 200, "GET items")
	var out itemAnalytics
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out, string(r.Body)
}

func TestItemAnalytics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, b := seedPeople(t, e, "acme"), seedPeople(t, e, "globex")
		// 31 takers of every ability who all rate themselves 3: the
		// self-rating is answered identically by everyone.
		for i := range 31 {
			e.insertTaker(a.tenant, taker{team: "a", ability: 1 + i%5, self: 3})
		}
		for i := range 2 {
			e.insertTaker(b.tenant, taker{team: "a", ability: 1 + i*4, self: 1 + i*4})
		}
		for who, want := range map[string]int{"analyst": 200, "admin": 200, "report": 403, "manager": 403} {
			expect(t, e.do("GET", "/v1/analytics/items", a.tokens[who], nil), want, "GET items as "+who)
		}

		got, raw := getItems(t, e, a.tokens["analyst"])
		if strings.Contains(raw, answerSecret) || strings.Contains(raw, "prompt") || strings.Contains(raw, "option") {
			t.Errorf("item analytics leak answers or items: %s", raw)
		}
		if got.Takers != 31 || len(got.Competencies) == 0 {
			t.Fatalf("acme: %d takers, %d competencies; want 31 and some", got.Takers, len(got.Competencies))
		}
		discriminating := 0
		for _, c := range got.Competencies {
			if c.Takers != 31 || c.CompleteTakers != 31 || c.Alpha == nil || c.MinTakers != 0 || len(c.Items) != 4 {
				t.Errorf("%s: takers %d complete %d alpha %v min_takers %d items %d; want 31, 31, an alpha, none, 4",
					c.CompetencySlug, c.Takers, c.CompleteTakers, c.Alpha, c.MinTakers, len(c.Items))
				continue
			}
			wantItems := []string{"self_rating", "scenario_1", "scenario_2", "open_text"}
			for i, it := range c.Items {
				if it.Item != wantItems[i] || it.Responses != 31 || it.ItemRest == nil {
					t.Errorf("%s item %d: %q, %d responses, item_rest %v", c.CompetencySlug, i, it.Item, it.Responses, it.ItemRest)
					continue
				}
				flagged := len(it.Flags) == 1 && it.Flags[0] == "does_not_discriminate"
				if flagged != (*it.ItemRest < 0.2) {
					t.Errorf("%s %s: item_rest %v but flags %v", c.CompetencySlug, it.Item, *it.ItemRest, it.Flags)
				}
				if it.Item == "self_rating" && (!flagged || it.Spread != 0 || it.MeanScore == 0) {
					t.Errorf("%s: the identical self-rating: flags %v spread %v mean %v; want flagged, no spread", c.CompetencySlug, it.Flags, it.Spread, it.MeanScore)
				}
				if !flagged {
					discriminating++
				}
			}
		}
		if discriminating == 0 {
			t.Errorf("no item discriminates, though scenario choices and answers follow ability")
		}

		// Globex has two takers: no correlations, a min_takers note; and
		// nothing of acme's 31.
		g, _ := getItems(t, e, b.tokens["analyst"])
		for _, c := range g.Competencies {
			if !c.Suppressed || c.Takers != 0 || len(c.Items) != 0 {
				t.Errorf("globex %s for an analyst: suppressed %v, %d takers, %d items; want suppressed (2 takers < k = 5)", c.CompetencySlug, c.Suppressed, c.Takers, len(c.Items))
			}
		}
		g, _ = getItems(t, e, b.tokens["admin"])
		if g.Takers != 2 {
			t.Errorf("globex sees %d takers, want its own 2", g.Takers)
		}
		for _, c := range g.Competencies {
			if c.Takers != 2 || c.Alpha != nil || c.MinTakers != 30 {
				t.Errorf("globex %s: takers %d alpha %v min_takers %d", c.CompetencySlug, c.Takers, c.Alpha, c.MinTakers)
			}
			for _, it := range c.Items {
				if it.ItemRest != nil || len(it.Flags) != 0 {
					t.Errorf("globex %s %s: item_rest %v flags %v below 30 takers", c.CompetencySlug, it.Item, it.ItemRest, it.Flags)
				}
			}
		}
	})
}

// calibration is GET /v1/analytics/calibration.
type calibration struct {
	Cells []struct {
		Team           string
		CompetencySlug string `json:"competency_slug"`
		Suppressed     bool
		Employees      int
		Reviewed       int
		MeanSelf       *float64 `json:"mean_self"`
		MeanManager    *float64 `json:"mean_manager"`
		MeanEvidence   *float64 `json:"mean_evidence"`
		Understated    int
		Calibrate      int
	}
	People []struct {
		EmployeeID     string `json:"employee_id"`
		Team           string
		CompetencySlug string `json:"competency_slug"`
		Flags          []string
	}
}

func getCalibration(t *testing.T, e *env, path, token string) (calibration, string) {
	t.Helper()
	r := e.do("GET", path, token, nil)
	expect(t, r, 200, "GET "+path)
	var out calibration
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out, string(r.Body)
}

func TestCalibrationAnalytics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, b := seedPeople(t, e, "acme"), seedPeople(t, e, "globex")
		// Team big: three strong takers who rate themselves 1 and whose
		// manager rates them 5 (understated, calibrate). Team small: one.
		big := map[string]bool{}
		for range 3 {
			big[e.insertTaker(a.tenant, taker{team: "big", ability: 5, self: 1, manager: 5}).String()] = true
		}
		small := e.insertTaker(a.tenant, taker{team: "small", ability: 5, self: 1, manager: 5}).String()
		// Team mixed: three takers, one reviewed (in line with the evidence):
		// an analyst sees the cell but not that one manager's rating.
		e.insertTaker(a.tenant, taker{team: "mixed", ability: 3, self: 3, manager: 3})
		for range 2 {
			e.insertTaker(a.tenant, taker{team: "mixed", ability: 3, self: 3})
		}
		e.insertTaker(b.tenant, taker{team: "big", ability: 1, self: 5})
		e.setMinCell(a.tenant, 3) // the three-person teams show figures

		for who, want := range map[string]int{"analyst": 200, "admin": 200, "report": 403, "manager": 403} {
			expect(t, e.do("GET", "/v1/analytics/calibration?by=team", a.tokens[who], nil), want, "GET calibration as "+who)
		}
		for who, want := range map[string]int{"analyst": 403, "report": 403, "manager": 403, "admin": 200} {
			expect(t, e.do("GET", "/v1/analytics/calibration?include=people", a.tokens[who], nil), want, "GET people as "+who)
		}
		expect(t, e.do("GET", "/v1/analytics/calibration?by=role", a.tokens["analyst"], nil), 422, "by=role")

		got, raw := getCalibration(t, e, "/v1/analytics/calibration?by=team", a.tokens["analyst"])
		if strings.Contains(raw, answerSecret) || strings.Contains(raw, small) || strings.Contains(raw, "employee_id") {
			t.Errorf("analyst calibration leaks a person or text: %s", raw)
		}
		seen := map[string]int{}
		for _, c := range got.Cells {
			seen[c.Team]++
			switch c.Team {
			case "big":
				if c.Suppressed || c.Employees != 3 || c.Reviewed != 3 || c.MeanManager == nil || *c.MeanManager != 5 ||
					c.MeanSelf == nil || *c.MeanSelf != 1 || c.MeanEvidence == nil || c.Calibrate != 3 {
					t.Errorf("big %s: %+v", c.CompetencySlug, c)
				}
			case "small":
				if !c.Suppressed || c.Employees != 0 || c.MeanManager != nil || c.MeanSelf != nil || c.Calibrate != 0 {
					t.Errorf("small %s for an analyst: %+v; want suppressed, no figures", c.CompetencySlug, c)
				}
			case "mixed":
				if c.Suppressed || c.Employees != 3 || c.Reviewed != 1 || c.MeanManager != nil || c.MeanSelf == nil {
					t.Errorf("mixed %s for an analyst: %+v; want figures but no manager mean of one review", c.CompetencySlug, c)
				}
			default:
				t.Errorf("unexpected team %q (another tenant's?)", c.Team)
			}
		}
		if seen["big"] == 0 || seen["small"] == 0 {
			t.Fatalf("teams seen: %v", seen)
		}

		// The admin sees the small team and, on request, who is flagged.
		adm, _ := getCalibration(t, e, "/v1/analytics/calibration?include=people", a.tokens["admin"])
		for _, c := range adm.Cells {
			if c.Team == "small" && (c.Suppressed || c.Employees != 1 || c.Calibrate != 1) {
				t.Errorf("small %s for the admin: %+v", c.CompetencySlug, c)
			}
		}
		people := map[string]bool{}
		for _, p := range adm.People {
			people[p.EmployeeID] = true
			if !strings.Contains(fmt.Sprint(p.Flags), "calibrate") {
				t.Errorf("person %s %s flags %v, want calibrate", p.EmployeeID, p.CompetencySlug, p.Flags)
			}
		}
		if len(people) != 4 || !people[small] {
			t.Errorf("people listed: %v; want the 4 flagged acme takers", people)
		}
		for id := range big {
			if !people[id] {
				t.Errorf("big-team taker %s not listed", id)
			}
		}

		// Globex sees only its own unreviewed taker.
		g, _ := getCalibration(t, e, "/v1/analytics/calibration", b.tokens["admin"])
		for _, c := range g.Cells {
			if c.Team != "big" || c.Employees != 1 || c.Reviewed != 0 || c.MeanManager != nil {
				t.Errorf("globex cell %+v", c)
			}
		}
	})
}
