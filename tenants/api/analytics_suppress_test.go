package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// setMinCell sets the tenant's k through the platform route.
func (e *env) setMinCell(tenant tenants.ID, k int) {
	e.t.Helper()
	r := e.do("PUT", fmt.Sprintf("/v1/tenants/%s/quotas", tenant), e.platform(), map[string]any{"analytics_min_cell": k})
	expect(e.t, r, 200, "set analytics_min_cell")
}

type suppressedHeatmap struct {
	MinCell int `json:"min_cell"`
	Cells   []struct {
		Group             string `json:"group"`
		CompetencySlug    string `json:"competency_slug"`
		EmployeesAssessed int    `json:"employees_assessed"`
	} `json:"cells"`
	Suppressed []struct {
		Group          string `json:"group"`
		CompetencySlug string `json:"competency_slug"`
	} `json:"suppressed"`
}

type suppressedCompetencies struct {
	MinCell int `json:"min_cell"`
	Items   []struct {
		CompetencySlug    string `json:"competency_slug"`
		EmployeesAssessed int    `json:"employees_assessed"`
	} `json:"items"`
}

// TestAnalyticsSuppressSmallCells (issue 17 §4): teams of 1, 2, 6, 8 and 9
// assessed employees. No analytics answer to an analyst holds a cell under
// k; in every competency the employees of the suppressed team cells are
// none or at least k together, so subtracting the cells shown from the
// competency's total reveals no small group; a larger k suppresses more;
// k below 3 is refused; the other tenant's k is its own; admins see all.
func TestAnalyticsSuppressSmallCells(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, b := seedPeople(t, e, "acme"), seedPeople(t, e, "globex")
		for team, n := range map[string]int{"solo": 1, "pair": 2, "six": 6, "eight": 8, "nine": 9} {
			for i := range n {
				e.insertTaker(a.tenant, taker{team: team, ability: 1 + i%5, self: 1 + (i+2)%5})
			}
		}
		e.insertTaker(b.tenant, taker{team: "solo", ability: 3, self: 3})
		for _, tenant := range []tenants.ID{a.tenant, b.tenant} {
			err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
				_, err := tx.RebuildAnalytics()
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}

		check := func(k int) (shown int) {
			t.Helper()
			var comps suppressedCompetencies
			json.Unmarshal(e.do("GET", "/v1/analytics/competencies", a.tokens["analyst"], nil).Body, &comps)
			total := map[string]int{}
			for _, it := range comps.Items {
				if it.EmployeesAssessed < k {
					t.Errorf("k=%d competencies: %s covers %d employees", k, it.CompetencySlug, it.EmployeesAssessed)
				}
				total[it.CompetencySlug] = it.EmployeesAssessed
			}
			if comps.MinCell != k || len(comps.Items) == 0 {
				t.Fatalf("k=%d competencies: min_cell %d, %d items; want k and some", k, comps.MinCell, len(comps.Items))
			}
			for _, by := range []string{"team", "role"} {
				var hm suppressedHeatmap
				r := e.do("GET", "/v1/analytics/heatmap?by="+by, a.tokens["analyst"], nil)
				expect(t, r, 200, "heatmap by "+by)
				json.Unmarshal(r.Body, &hm)
				shownSum := map[string]int{}
				for _, c := range hm.Cells {
					if c.EmployeesAssessed < k {
						t.Errorf("k=%d heatmap by %s: cell %s/%s covers %d employees", k, by, c.Group, c.CompetencySlug, c.EmployeesAssessed)
					}
					shownSum[c.CompetencySlug] += c.EmployeesAssessed
				}
				if by == "team" {
					shown = len(hm.Cells)
					if len(hm.Suppressed) == 0 {
						t.Errorf("k=%d heatmap by team: nothing suppressed, though teams of 1 and 2 took part", k)
					}
				}
				for slug, n := range total {
					if hidden := n - shownSum[slug]; hidden != 0 && hidden < k {
						t.Errorf("k=%d heatmap by %s: %s total %d minus the cells shown leaves %d employees, under k", k, by, slug, n, hidden)
					}
				}
			}
			return shown
		}
		atDefault := check(5)
		e.setMinCell(a.tenant, 9)
		if atNine := check(9); atNine >= atDefault {
			t.Errorf("k=9 shows %d cells, k=5 showed %d; want fewer", atNine, atDefault)
		}
		r := e.do("PUT", fmt.Sprintf("/v1/tenants/%s/quotas", a.tenant), e.platform(), map[string]any{"analytics_min_cell": 2})
		expect(t, r, 422, "k=2")
		expect(t, e.do("PUT", fmt.Sprintf("/v1/tenants/%s/quotas", a.tenant), a.tokens["admin"], map[string]any{"analytics_min_cell": 3}), 403, "a tenant admin sets k")
		check(9)

		// globex keeps the default: its one taker is suppressed.
		var comps suppressedCompetencies
		json.Unmarshal(e.do("GET", "/v1/analytics/competencies", b.tokens["analyst"], nil).Body, &comps)
		if comps.MinCell != 5 || len(comps.Items) != 0 {
			t.Errorf("globex: min_cell %d, %d items; want 5 and none (one taker)", comps.MinCell, len(comps.Items))
		}
		// Admins read every cell, as they read every employee's results.
		var hm suppressedHeatmap
		json.Unmarshal(e.do("GET", "/v1/analytics/heatmap?by=team", a.tokens["admin"], nil).Body, &hm)
		small := false
		for _, c := range hm.Cells {
			small = small || c.EmployeesAssessed == 1
		}
		if !small || len(hm.Suppressed) != 0 {
			t.Errorf("admin heatmap: want the one-person cells and nothing suppressed")
		}
	})
}
