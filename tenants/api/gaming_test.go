package api_test

import (
	"testing"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestGamingEndToEnd: through the API, on both databases, a DevOps
// Engineer who clicks the highest self-rating and the longest (most
// senior-sounding) scenario action everywhere and writes "Yes." is scored
// at most level 2 on average over the whole assessment, and at most 2.5
// with one generic claim of seniority everywhere; one who answers with
// concrete accounts and picks the keyed best actions scores well above
// both.
func TestGamingEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		expect(t, e.importCSV(admin, companyCSV(20)), 200, "import")
		scored := e.subscribe(tenant, "assessment")
		const claim = "I lead this across the whole organisation and set the strategy for several teams, with measurable results."
		takers := []struct {
			subject, name string
			text          func(slug string) string
			best          bool
			max, min      float64
		}{
			{"u1", "top clicks and Yes.", func(string) string { return "Yes." }, false, 2.0, 0},
			{"u2", "top clicks and a generic claim", func(string) string { return claim }, false, 2.5, 0},
			{"u3", "honest strong answers", func(slug string) string { return strongAnswers[slug] }, true, 5, 3.0},
		}
		ids := map[string]string{}
		for _, tk := range takers {
			tok := e.token(tenant, tk.subject, tenants.RoleEmployee)
			r := e.do("POST", "/v1/assessments", tok, map[string]any{})
			expect(t, r, 201, "start "+tk.name)
			a := r.json(t)
			id := a["id"].(string)
			key := e.storedAssessment(tenant, id).Key.Levels
			var rs []map[string]any
			for _, x := range a["items"].([]any) {
				it := x.(map[string]any)
				resp := map[string]any{"item_id": it["id"]}
				switch it["kind"] {
				case "self_rating":
					resp["rating"] = 5
				case "scenario":
					var pick, text string
					for _, o := range it["options"].([]any) {
						opt := o.(map[string]any)
						oid, otext := opt["id"].(string), opt["text"].(string)
						if pick == "" || tk.best && key[oid] > key[pick] || !tk.best && len(otext) > len(text) {
							pick, text = oid, otext
						}
					}
					resp["option_id"] = pick
				case "open_text":
					resp["text"] = tk.text(it["competency_slug"].(string))
				}
				rs = append(rs, resp)
			}
			expect(t, e.do("PUT", "/v1/assessments/"+id+"/responses", tok, map[string]any{"responses": rs}), 200, "answer "+tk.name)
			expect(t, e.do("POST", "/v1/assessments/"+id+"/submit", tok, nil), 202, "submit "+tk.name)
			ids[id] = tk.name
		}
		for done := 0; done < len(takers); {
			if ev := nextEvent(t, scored); ev.Type == events.TypeAssessmentScored && ids[ev.Resource] != "" {
				done++
			}
		}
		for _, tk := range takers {
			var id string
			for k, v := range ids {
				if v == tk.name {
					id = k
				}
			}
			got := e.do("GET", "/v1/assessments/"+id, admin, nil).json(t)
			results := got["results"].([]any)
			var sum float64
			for _, x := range results {
				sum += x.(map[string]any)["level"].(float64)
			}
			mean := sum / float64(len(results))
			t.Logf("%s: mean level %.2f over %d competencies", tk.name, mean, len(results))
			if len(results) != 8 || mean > tk.max || mean < tk.min {
				t.Errorf("%s: mean level %.2f over %d competencies, want 8 competencies in [%.1f, %.1f]", tk.name, mean, len(results), tk.min, tk.max)
			}
		}
	})
}
