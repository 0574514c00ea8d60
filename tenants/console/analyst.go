package console

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// heatmapView is the heatmap page's data: a grid of groups (rows) by
// competencies (columns), each cell the group's mean score.
type heatmapView struct {
	By           string
	Competencies []heatColumn
	Rows         []heatRow
}

type heatColumn struct{ Slug, Name string }

type heatRow struct {
	Label string
	Cells []heatCell
}

// heatCell is one group's figures for one competency; Empty when nobody of
// the group was assessed on it.
type heatCell struct {
	Empty     bool
	Employees int
	Mean, Gap float64
	Meeting   float64
}

// heatmap shows the analytics read model as a coloured grid: aggregates
// only, never answers (DESIGN §1).
func (c *Console) heatmap(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	dim := store.DimensionTeam
	if r.URL.Query().Get("by") == "role" {
		dim = store.DimensionRole
	}
	var cells []store.AnalyticsCell
	err := c.app.Store().InTenantSnapshot(r.Context(), p.Tenant, func(tx *store.Tx) (err error) {
		cells, err = tx.AnalyticsCells(dim)
		return err
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "heatmap", p, newHeatmap(dim, cells))
}

// newHeatmap arranges cells (ordered by group, then competency) as a grid.
func newHeatmap(dim store.AnalyticsDimension, cells []store.AnalyticsCell) heatmapView {
	v := heatmapView{By: string(dim)}
	var slugs []string
	groups := []string{}
	byKey := map[[2]string]store.AnalyticsCell{}
	for _, c := range cells {
		if !slices.Contains(slugs, c.CompetencySlug) {
			slugs = append(slugs, c.CompetencySlug)
		}
		if len(groups) == 0 || groups[len(groups)-1] != c.Group {
			groups = append(groups, c.Group)
		}
		byKey[[2]string{c.Group, c.CompetencySlug}] = c
	}
	slices.Sort(slugs)
	for _, s := range slugs {
		name := s
		if cp, ok := catalog.Default().Competency(s); ok {
			name = cp.Name
		}
		v.Competencies = append(v.Competencies, heatColumn{Slug: s, Name: name})
	}
	for _, g := range groups {
		label := g
		switch {
		case dim == store.DimensionTeam && g == "":
			label = "(no team)"
		case dim == store.DimensionRole:
			if role, ok := catalog.Default().Role(g); ok {
				label = role.Role.Title
			}
		}
		row := heatRow{Label: label}
		for _, s := range slugs {
			c, ok := byKey[[2]string{g, s}]
			if !ok || c.Employees == 0 {
				row.Cells = append(row.Cells, heatCell{Empty: true})
				continue
			}
			row.Cells = append(row.Cells, heatCell{Employees: c.Employees, Mean: c.MeanScore(), Gap: c.MeanGap(), Meeting: c.ShareMeeting()})
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// live is the API's event stream (/v1/events/stream) for the session's
// principal: the browser's EventSource cannot send a bearer token, so the
// console mints a short one and calls the API in-process. The API checks
// the role and the tenant as for any client.
func (c *Console) live(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	if c.cfg.Mint == nil || c.cfg.API == nil { // no HS256 secret: no live updates
		c.fail(w, r, p, &app.Error{Kind: app.NotFound, Detail: "live updates are not enabled on this server"})
		return
	}
	tok, err := c.cfg.Mint(p)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	q := url.Values{}
	if t := r.URL.Query().Get("types"); t != "" {
		q.Set("types", t)
	}
	req := r.Clone(r.Context())
	req.URL.Path, req.URL.RawQuery, req.RequestURI = "/v1/events/stream", q.Encode(), ""
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Del("Cookie")
	c.cfg.API.ServeHTTP(w, req)
}
