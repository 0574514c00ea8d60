package api

import (
	"cmp"
	"context"
	"slices"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// Small cells (issue 17 §4): an analytics cell over fewer than k employees
// (the tenant's analytics_min_cell, 5 by default, never below 3) shows no
// figures, since a reader who knows who is in it reads their scores. The
// heatmap's cells of one competency add up to the competency's total in
// /v1/analytics/competencies, so a lone suppressed cell would be that total
// minus the cells shown: complementary cells are suppressed too, the
// smallest first, until the suppressed cells of the competency cover at
// least k employees together and are at least two.
//
// What this does not cover: the team and role heatmaps are two partitions
// of the same employees, and a reader who also knows each person's team and
// role could in principle combine them; both hide every cell under k, which
// bounds what such a linkage can isolate.

// SuppressedCellBody names a cell shown without figures.
type SuppressedCellBody struct {
	Group          string `json:"group,omitempty"`
	CompetencySlug string `json:"competency_slug"`
}

// Admins are not held to k: they read every employee's results anyway
// (GET /v1/employees/{id}, assessments), and the calibration route already
// lists people for them.

// suppressCells splits cells into those shown and those suppressed for k,
// with complementary suppression within each competency; an admin (p)
// sees every cell.
func suppressCells(p tenants.Principal, cells []store.AnalyticsCell, k int) (shown []store.AnalyticsCell, suppressed []SuppressedCellBody) {
	if p.Has(tenants.RoleAdmin) {
		return cells, nil
	}
	hide := make([]bool, len(cells))
	byComp := map[string][]int{}
	for i, c := range cells {
		byComp[c.CompetencySlug] = append(byComp[c.CompetencySlug], i)
		hide[i] = c.Employees < k
	}
	for _, idx := range byComp {
		n, covered := 0, 0
		for _, i := range idx {
			if hide[i] {
				n++
				covered += cells[i].Employees
			}
		}
		if n == 0 {
			continue
		}
		rest := slices.Clone(idx)
		slices.SortStableFunc(rest, func(a, b int) int { return cmp.Compare(cells[a].Employees, cells[b].Employees) })
		for _, i := range rest {
			if n >= 2 && covered >= k {
				break
			}
			if !hide[i] {
				hide[i] = true
				n++
				covered += cells[i].Employees
			}
		}
	}
	for i, c := range cells {
		if hide[i] {
			suppressed = append(suppressed, SuppressedCellBody{Group: c.Group, CompetencySlug: c.CompetencySlug})
		} else {
			shown = append(shown, c)
		}
	}
	return shown, suppressed
}

// minCell reads the tenant's k in tx.
func (s *Server) minCell(tx *store.Tx) (int, error) { return s.app.AnalyticsMinCell(tx) }

// minCellOf reads the tenant's k in its own transaction.
func (s *Server) minCellOf(ctx context.Context, tenant tenants.ID) (int, error) {
	var k int
	err := s.cfg.Store.InTenant(ctx, tenant, func(tx *store.Tx) error {
		var err error
		k, err = s.minCell(tx)
		return err
	})
	return k, err
}
