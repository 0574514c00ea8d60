package api

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/analytics"
	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// The quality routes describe the assessment itself: how each item behaves
// across the tenant's takers, and where managers and takers disagree. They
// compute on request from each employee's latest scored assessment
// (store.LatestScoredTakes, capped at store.MaxScoredTakes), read the
// stored items and results only, and never the responses: no free text,
// and nothing of a scenario's key (an item is named by its kind and
// position, never by an option or the level an option stands for).

// MinItemTakers is how many takers of a competency, each with every item of
// it answered, the item–rest correlations and Cronbach's alpha need: below
// about 30 the sampling error of a correlation (roughly 1/√n, ±0.18 at 30)
// swamps the differences the figures are read for.
const MinItemTakers = 30

// DiscriminationThreshold is the item–rest correlation below which an item
// is flagged FlagDoesNotDiscriminate: the usual rule of classical test
// theory (Ebel's 0.2) for an item that hardly separates those who score
// high on the rest of the competency from those who score low, so it adds
// noise rather than information.
const DiscriminationThreshold = 0.2

// FlagDoesNotDiscriminate marks an item whose item–rest correlation is below
// DiscriminationThreshold.
const FlagDoesNotDiscriminate = "does_not_discriminate"

// MinCalibrationCell is the smallest team cell an analyst sees figures of:
// with fewer employees a mean or a count would tell an analyst about one
// person.
const MinCalibrationCell = 3

// ItemStatBody is one item of a competency across the tenant's takers.
type ItemStatBody struct {
	Item      string   `json:"item" doc:"The item's kind and position in its competency (self_rating, scenario_1, scenario_2, open_text): an item's id differs between assessments, its position does not."`
	Kind      string   `json:"kind" enum:"self_rating,scenario,open_text"`
	Responses int      `json:"responses" doc:"Takers who answered the item (an empty open-text answer does not count)."`
	MeanScore float64  `json:"mean_score" minimum:"0" maximum:"5"`
	Spread    float64  `json:"spread" minimum:"0" doc:"Standard deviation of the item scores."`
	ItemRest  *float64 `json:"item_rest,omitempty" doc:"Pearson correlation of the item score with the sum of the competency's other items; absent below min_takers."`
	Flags     []string `json:"flags,omitempty" doc:"does_not_discriminate when item_rest is below 0.2."`
	// Suppressed: fewer responses than the tenant's k; no figures.
	Suppressed bool `json:"suppressed,omitempty" doc:"Fewer responses than the tenant's analytics_min_cell: no figures."`
}

// ItemCompetencyBody is one competency's items.
type ItemCompetencyBody struct {
	CompetencySlug string         `json:"competency_slug"`
	Name           string         `json:"name,omitempty"`
	Takers         int            `json:"takers" doc:"Employees whose latest scored assessment covers the competency."`
	CompleteTakers int            `json:"complete_takers" doc:"Takers who answered every item of the competency: the item–rest correlations and alpha are computed over them."`
	Alpha          *float64       `json:"alpha,omitempty" doc:"Cronbach's alpha of the competency's items; absent below min_takers."`
	MinTakers      int            `json:"min_takers,omitempty" doc:"Set (to 30) when too few complete takers leave item_rest and alpha absent."`
	Items          []ItemStatBody `json:"items"`
	Suppressed     bool           `json:"suppressed,omitempty" doc:"Fewer takers than the tenant's analytics_min_cell: no items, no alpha."`
}

// ItemAnalyticsBody answers GET /v1/analytics/items.
type ItemAnalyticsBody struct {
	Takers       int                  `json:"takers" doc:"Employees with a scored assessment read."`
	Truncated    bool                 `json:"truncated" doc:"More employees have one than the 5000 read."`
	Competencies []ItemCompetencyBody `json:"competencies" doc:"By slug."`
}

// CalibrationInput selects the grouping and the per-person listing.
type CalibrationInput struct {
	By      string `query:"by" enum:"team" default:"team" doc:"Group employees by team."`
	Include string `query:"include" enum:"people" doc:"people: also list the flagged employees (admins only; 403 otherwise)."`
}

// CalibrationCellBody is one team × competency cell.
type CalibrationCellBody struct {
	Team           string   `json:"team" doc:"The team (\"\" for employees without one)."`
	CompetencySlug string   `json:"competency_slug"`
	Suppressed     bool     `json:"suppressed,omitempty" doc:"For analysts, a cell of fewer employees than the tenant's analytics_min_cell (5 by default): no figures."`
	Employees      int      `json:"employees,omitempty" doc:"Employees whose latest scored assessment covers the competency."`
	Reviewed       int      `json:"reviewed,omitempty" doc:"Of them, those with a manager's rating."`
	MeanSelf       *float64 `json:"mean_self,omitempty" doc:"Mean self-rating of those who gave one."`
	MeanManager    *float64 `json:"mean_manager,omitempty" doc:"Mean manager rating of the reviewed; for analysts only when 3 or more were reviewed."`
	MeanEvidence   *float64 `json:"mean_evidence,omitempty" doc:"Mean evidence level of those with evidence."`
	Inflated       int      `json:"inflated,omitempty"`
	Understated    int      `json:"understated,omitempty"`
	Calibrate      int      `json:"calibrate,omitempty"`
}

// CalibrationPersonBody is one flagged employee and competency (admins only).
type CalibrationPersonBody struct {
	EmployeeID     string   `json:"employee_id"`
	Team           string   `json:"team"`
	CompetencySlug string   `json:"competency_slug"`
	Flags          []string `json:"flags"`
}

// CalibrationBody answers GET /v1/analytics/calibration.
type CalibrationBody struct {
	By        string                  `json:"by" enum:"team"`
	Truncated bool                    `json:"truncated"`
	Cells     []CalibrationCellBody   `json:"cells" doc:"By team then competency."`
	People    []CalibrationPersonBody `json:"people,omitempty" doc:"With include=people (admins): every employee and competency flagged inflated, understated or calibrate."`
}

// Outputs of the quality routes.
type (
	ItemAnalyticsOutput struct{ Body ItemAnalyticsBody }
	CalibrationOutput   struct{ Body CalibrationBody }
)

func (s *Server) registerQualityAnalytics() {
	tags := []string{"analytics"}
	huma.Register(s.api, huma.Operation{
		OperationID: "analytics-items", Method: http.MethodGet, Path: "/v1/analytics/items",
		Summary:     "Item quality per competency (analyst, admin)",
		Description: "Per competency and item, over each employee's latest scored assessment: responses, mean item score and spread; with 30 or more complete takers also the item–rest correlation (items below 0.2 flagged does_not_discriminate) and Cronbach's alpha. Figures only.",
		Tags:        tags,
	}, s.getItemAnalytics)
	huma.Register(s.api, huma.Operation{
		OperationID: "analytics-calibration", Method: http.MethodGet, Path: "/v1/analytics/calibration",
		Summary:     "Self, manager and evidence per team and competency (analyst, admin)",
		Description: "Per team and competency: employees, reviewed, mean self-rating, manager rating and evidence level, and the inflated, understated and calibrate counts. Cells of fewer employees than the tenant's analytics_min_cell (5 by default) are suppressed for analysts. `include=people` lists the flagged employees, for admins only.",
		Tags:        tags,
	}, s.getCalibration)
}

// latestTakes reads the tenant's latest scored takes in a snapshot.
func (s *Server) latestTakes(ctx context.Context, tenant tenants.ID, op string) ([]store.ScoredTake, bool, error) {
	var (
		takes []store.ScoredTake
		more  bool
	)
	err := s.cfg.Store.InTenantSnapshot(ctx, tenant, func(tx *store.Tx) error {
		var err error
		takes, more, err = tx.LatestScoredTakes(store.MaxScoredTakes)
		return err
	})
	if err != nil {
		return nil, false, s.fail(ctx, op, err)
	}
	return takes, more, nil
}

// itemKeys names each item of a take by competency and position: the kind,
// numbered for scenarios in item order.
func itemKeys(items []assessment.Item) map[string]string {
	keys := make(map[string]string, len(items))
	seen := map[string]int{}
	for _, it := range items {
		key := it.Kind.String()
		if it.Kind == assessment.Scenario {
			seen[it.CompetencySlug]++
			key += "_" + strconv.Itoa(seen[it.CompetencySlug])
		}
		keys[it.ID] = key
	}
	return keys
}

// itemColumn gathers one item's scores.
type itemColumn struct {
	key, kind string
	scores    []float64
}

func (s *Server) getItemAnalytics(ctx context.Context, _ *struct{}) (*ItemAnalyticsOutput, error) {
	p, err := tenantPrincipal(ctx, analyticsRoles...)
	if err != nil {
		return nil, err
	}
	takes, more, err := s.latestTakes(ctx, p.Tenant, "item analytics")
	if err != nil {
		return nil, err
	}
	k, err := s.minCellOf(ctx, p.Tenant)
	if err != nil {
		return nil, s.fail(ctx, "item analytics", err)
	}
	if p.Has(tenants.RoleAdmin) {
		k = 0 // see suppressCells
	}
	type comp struct {
		takers int
		cols   map[string]*itemColumn
		// rows are the complete takers' item scores by item key.
		rows []map[string]float64
	}
	comps := map[string]*comp{}
	for _, t := range takes {
		keys := itemKeys(t.Items)
		want := map[string]int{}
		for _, it := range t.Items {
			if it.Kind != assessment.Manager {
				want[it.CompetencySlug]++
			}
		}
		for _, r := range t.Results.Competencies {
			c := comps[r.CompetencySlug]
			if c == nil {
				c = &comp{cols: map[string]*itemColumn{}}
				comps[r.CompetencySlug] = c
			}
			c.takers++
			answered := map[string]float64{}
			for _, ev := range r.Evidence {
				key, ok := keys[ev.ItemID]
				if !ok || ev.Kind == assessment.Manager || slices.Contains(ev.Flags, assessment.FlagEmpty) {
					continue
				}
				answered[key] = ev.ItemScore
				col := c.cols[key]
				if col == nil {
					col = &itemColumn{key: key, kind: ev.Kind.String()}
					c.cols[key] = col
				}
				col.scores = append(col.scores, ev.ItemScore)
			}
			if len(answered) == want[r.CompetencySlug] && len(answered) >= 2 {
				c.rows = append(c.rows, answered)
			}
		}
	}
	names, _ := catalogNames()
	body := ItemAnalyticsBody{Takers: len(takes), Truncated: more, Competencies: []ItemCompetencyBody{}}
	for slug, c := range comps {
		cols := make([]*itemColumn, 0, len(c.cols))
		for _, col := range c.cols {
			cols = append(cols, col)
		}
		slices.SortFunc(cols, func(a, b *itemColumn) int { return cmp.Compare(itemOrder(a.key), itemOrder(b.key)) })
		// The correlations need one row per taker with a score for every
		// item: a complete taker whose items differ from the competency's
		// (an older framework) does not count.
		matrix := make([][]float64, len(cols))
		complete := 0
		for _, row := range c.rows {
			if len(row) != len(cols) {
				continue
			}
			ok := true
			for _, col := range cols {
				_, has := row[col.key]
				ok = ok && has
			}
			if !ok {
				continue
			}
			for i, col := range cols {
				matrix[i] = append(matrix[i], row[col.key])
			}
			complete++
		}
		cb := ItemCompetencyBody{CompetencySlug: slug, Name: names[slug], Takers: c.takers, CompleteTakers: complete, Items: []ItemStatBody{}}
		var rest []float64
		if complete >= MinItemTakers {
			rest = analytics.ItemRest(matrix)
			alpha := analytics.Round3(analytics.CronbachAlpha(matrix))
			cb.Alpha = &alpha
		}
		if rest == nil {
			cb.MinTakers = MinItemTakers
		}
		for i, col := range cols {
			ib := ItemStatBody{Item: col.key, Kind: col.kind, Responses: len(col.scores),
				MeanScore: analytics.Round3(analytics.Mean(col.scores)), Spread: analytics.Round3(analytics.StdDev(col.scores))}
			if rest != nil {
				r := analytics.Round3(rest[i])
				ib.ItemRest = &r
				if rest[i] < DiscriminationThreshold {
					ib.Flags = []string{FlagDoesNotDiscriminate}
				}
			}
			if ib.Responses < k {
				ib = ItemStatBody{Item: col.key, Kind: col.kind, Suppressed: true}
			}
			cb.Items = append(cb.Items, ib)
		}
		if c.takers < k {
			cb = ItemCompetencyBody{CompetencySlug: slug, Name: names[slug], Items: []ItemStatBody{}, Suppressed: true}
		}
		body.Competencies = append(body.Competencies, cb)
	}
	slices.SortFunc(body.Competencies, func(a, b ItemCompetencyBody) int { return cmp.Compare(a.CompetencySlug, b.CompetencySlug) })
	return &ItemAnalyticsOutput{Body: body}, nil
}

// itemOrder sorts item keys as an assessment asks them: the self-rating,
// the scenarios in order, the open-text item.
func itemOrder(key string) string {
	switch key {
	case assessment.SelfRating.String():
		return "0"
	case assessment.OpenText.String():
		return "2"
	}
	return "1" + key
}

// calibrationCell accumulates one team × competency cell.
type calibrationCell struct {
	employees, reviewed                  int
	self, manager, evidence              []float64
	inflated, understated, calibrateFlag int
}

func (s *Server) getCalibration(ctx context.Context, in *CalibrationInput) (*CalibrationOutput, error) {
	p, err := tenantPrincipal(ctx, analyticsRoles...)
	if err != nil {
		return nil, err
	}
	if in.By != "" && in.By != "team" { // huma's enum check answers first; this is the backstop
		return nil, problem(http.StatusUnprocessableEntity, "validation", "by must be team",
			&huma.ErrorDetail{Location: "query.by", Message: "expected value to be one of \"team\"", Value: truncate(in.By, 40)})
	}
	people := in.Include == "people"
	if people {
		// The per-person listing names individuals: admins only.
		if _, err := tenantPrincipal(ctx, tenants.RoleAdmin); err != nil {
			return nil, err
		}
	}
	admin := p.Has(tenants.RoleAdmin)
	minCell, err := s.minCellOf(ctx, p.Tenant)
	if err != nil {
		return nil, s.fail(ctx, "calibration analytics", err)
	}
	takes, more, err := s.latestTakes(ctx, p.Tenant, "calibration analytics")
	if err != nil {
		return nil, err
	}
	type cellKey struct{ team, slug string }
	cells := map[cellKey]*calibrationCell{}
	body := CalibrationBody{By: "team", Truncated: more, Cells: []CalibrationCellBody{}}
	for _, t := range takes {
		for _, r := range t.Results.Competencies {
			k := cellKey{t.Team, r.CompetencySlug}
			c := cells[k]
			if c == nil {
				c = &calibrationCell{}
				cells[k] = c
			}
			c.add(r)
			if people {
				var flags []string
				for _, f := range r.Flags {
					if f == assessment.FlagInflated || f == assessment.FlagUnderstated || f == assessment.FlagCalibrate {
						flags = append(flags, string(f))
					}
				}
				if len(flags) > 0 {
					body.People = append(body.People, CalibrationPersonBody{EmployeeID: t.EmployeeID.String(), Team: t.Team, CompetencySlug: r.CompetencySlug, Flags: flags})
				}
			}
		}
	}
	for k, c := range cells {
		cb := CalibrationCellBody{Team: k.team, CompetencySlug: k.slug}
		if !admin && c.employees < max(minCell, MinCalibrationCell) {
			cb.Suppressed = true
		} else {
			cb.Employees, cb.Reviewed = c.employees, c.reviewed
			cb.MeanSelf, cb.MeanManager, cb.MeanEvidence = meanOrNil(c.self), meanOrNil(c.manager), meanOrNil(c.evidence)
			if !admin && c.reviewed < MinCalibrationCell {
				// The mean of one or two managers' ratings would be
				// theirs to read for anyone who knows who was reviewed.
				cb.MeanManager = nil
			}
			cb.Inflated, cb.Understated, cb.Calibrate = c.inflated, c.understated, c.calibrateFlag
		}
		body.Cells = append(body.Cells, cb)
	}
	slices.SortFunc(body.Cells, func(a, b CalibrationCellBody) int {
		return cmp.Or(cmp.Compare(a.Team, b.Team), cmp.Compare(a.CompetencySlug, b.CompetencySlug))
	})
	slices.SortFunc(body.People, func(a, b CalibrationPersonBody) int {
		return cmp.Or(cmp.Compare(a.Team, b.Team), cmp.Compare(a.EmployeeID, b.EmployeeID), cmp.Compare(a.CompetencySlug, b.CompetencySlug))
	})
	return &CalibrationOutput{Body: body}, nil
}

// add counts one employee's result of the cell's competency.
func (c *calibrationCell) add(r assessment.CompetencyResult) {
	c.employees++
	for _, ev := range r.Evidence {
		switch {
		case ev.Kind == assessment.SelfRating && ev.MatchedLevel > 0:
			c.self = append(c.self, float64(ev.MatchedLevel))
		case ev.Kind == assessment.Manager && ev.MatchedLevel > 0:
			c.reviewed++
			c.manager = append(c.manager, float64(ev.MatchedLevel))
		}
	}
	if r.EvidenceLevel > 0 {
		c.evidence = append(c.evidence, r.EvidenceLevel)
	}
	for _, f := range r.Flags {
		switch f {
		case assessment.FlagInflated:
			c.inflated++
		case assessment.FlagUnderstated:
			c.understated++
		case assessment.FlagCalibrate:
			c.calibrateFlag++
		}
	}
}

// meanOrNil is the rounded mean of xs, or nil for none.
func meanOrNil(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	m := analytics.Round3(analytics.Mean(xs))
	return &m
}
