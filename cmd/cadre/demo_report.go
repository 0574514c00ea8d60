package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// The shapes the demo reads (the fields it prints).
type (
	demoResult struct {
		Results []struct {
			CompetencySlug string   `json:"competency_slug"`
			Score          float64  `json:"score"`
			Level          int      `json:"level"`
			RequiredLevel  int      `json:"required_level"`
			Confidence     float64  `json:"confidence"`
			EvidenceLevel  float64  `json:"evidence_level"`
			Flags          []string `json:"flags"`
			Evidence       []struct {
				Kind      string  `json:"kind"`
				Excerpt   string  `json:"excerpt"`
				ItemScore float64 `json:"item_score"`
				Elements  []struct {
					Kind string `json:"kind"`
					Text string `json:"text"`
				} `json:"elements"`
			} `json:"evidence"`
			Calibration *struct {
				Manager  int      `json:"manager"`
				Self     int      `json:"self"`
				Evidence float64  `json:"evidence"`
				Reasons  []string `json:"reasons"`
			} `json:"calibration"`
		} `json:"results"`
	}
	demoLibrary struct {
		Version      int              `json:"version"`
		Competencies []demoCompetency `json:"competencies"`
		Inputs       struct {
			Documents []struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"documents"`
			Values []string `json:"values"`
			Roles  []string `json:"roles"`
		} `json:"inputs"`
	}
	demoCompetency struct {
		Slug      string   `json:"slug"`
		Name      string   `json:"name"`
		Category  string   `json:"category"`
		Origin    string   `json:"origin"`
		Status    string   `json:"status"`
		Relevance float64  `json:"relevance"`
		Reasons   []string `json:"reasons"`
		Evidence  []struct {
			DocumentID string `json:"document_id"`
			Excerpt    string `json:"excerpt"`
			Value      string `json:"value"`
		} `json:"evidence"`
	}
	demoFramework struct {
		Role struct {
			Slug  string `json:"slug"`
			Title string `json:"title"`
		} `json:"role"`
		Industry       string `json:"industry"`
		Tailored       bool   `json:"tailored"`
		LibraryVersion int    `json:"library_version"`
		Competencies   []struct {
			Name        string         `json:"name"`
			Category    string         `json:"category"`
			Group       string         `json:"group"`
			Levels      map[string]int `json:"levels"`
			Adjustments []struct {
				Tier   string `json:"tier"`
				From   int    `json:"from"`
				To     int    `json:"to"`
				Reason string `json:"reason"`
			} `json:"adjustments"`
		} `json:"competencies"`
	}
	demoPlan struct {
		Version    int    `json:"version"`
		TargetTier string `json:"target_tier"`
		Items      []struct {
			CompetencySlug string  `json:"competency_slug"`
			CurrentLevel   int     `json:"current_level"`
			TargetLevel    int     `json:"target_level"`
			Gap            int     `json:"gap"`
			Priority       float64 `json:"priority"`
			DueDate        string  `json:"due_date"`
			Status         string  `json:"status"`
			Actions        []struct {
				Kind  string `json:"kind"`
				Title string `json:"title"`
			} `json:"actions"`
		} `json:"items"`
	}
	demoHeatmap struct {
		Groups []struct {
			Key   string `json:"key"`
			Label string `json:"label"`
		} `json:"groups"`
		Competencies []string `json:"competencies"`
		Cells        []struct {
			Group                string  `json:"group"`
			CompetencySlug       string  `json:"competency_slug"`
			EmployeesAssessed    int     `json:"employees_assessed"`
			MeanScore            float64 `json:"mean_score"`
			ShareMeetingRequired float64 `json:"share_meeting_required"`
		} `json:"cells"`
	}
	demoCompetencies struct {
		Employees int `json:"employees"`
		Assessed  int `json:"assessed"`
	}
	demoPlans struct {
		EmployeesWithPlans int `json:"employees_with_plans"`
		Items              struct {
			NotStarted int `json:"not_started"`
			InProgress int `json:"in_progress"`
			Done       int `json:"done"`
			Closed     int `json:"closed"`
		} `json:"items"`
	}
)

func printLibrary(out io.Writer, lib demoLibrary, titles map[string]string) {
	byOrigin, byStatus := map[string]int{}, map[string]int{}
	for _, c := range lib.Competencies {
		byOrigin[c.Origin]++
		byStatus[c.Status]++
	}
	count := func(m map[string]int, keys ...string) string {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, m[k])
		}
		return strings.Join(parts, " · ")
	}
	fmt.Fprintf(out, "\n## Library v%d: %d competencies\n\n", lib.Version, len(lib.Competencies))
	fmt.Fprintf(out, "by origin: %s\n", count(byOrigin, "catalog", "document", "value", "custom"))
	fmt.Fprintf(out, "by status: %s\n\n", count(byStatus, "active", "proposed", "retired"))
	comps := slices.Clone(lib.Competencies)
	slices.SortStableFunc(comps, func(a, b demoCompetency) int { return compareFloatDesc(a.Relevance, b.Relevance) })
	fmt.Fprintln(out, "top competencies by relevance, with one piece of evidence:")
	shown := 0
	for _, c := range comps {
		if c.Status != "active" || shown == 6 {
			continue
		}
		shown++
		fmt.Fprintf(out, "%d. %s (%s, %s, relevance %.2f)\n", shown, c.Name, c.Category, c.Origin, c.Relevance)
		for _, e := range c.Evidence {
			if e.Excerpt != "" {
				fmt.Fprintf(out, "   “%s” — %s\n", clip(e.Excerpt, 150), titles[e.DocumentID])
				break
			}
			if e.Value != "" {
				fmt.Fprintf(out, "   from the company value “%s”\n", e.Value)
				break
			}
		}
	}
	var proposed []string
	var born *demoCompetency // the first proposal drawn from the documents
	for i, c := range comps {
		if c.Status == "proposed" {
			proposed = append(proposed, c.Name)
			if born == nil && c.Origin == "document" && len(c.Evidence) > 0 {
				born = &comps[i]
			}
		}
	}
	if len(proposed) > 0 {
		fmt.Fprintf(out, "proposed for an admin to approve: %s\n", strings.Join(proposed[:min(len(proposed), 6)], ", "))
	}
	if born != nil {
		fmt.Fprintf(out, "born from the documents: %s (%s)\n", born.Name, strings.Join(born.Reasons, "; "))
		for _, e := range born.Evidence[:min(len(born.Evidence), 2)] {
			fmt.Fprintf(out, "   “%s” — %s\n", clip(e.Excerpt, 150), titles[e.DocumentID])
		}
	}
}

func compareFloatDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func printFramework(out io.Writer, fw demoFramework, titles map[string]string) {
	kind := "tailored to the company, library v" + fmt.Sprint(fw.LibraryVersion)
	if !fw.Tailored {
		kind = "the catalog's (no tailored framework yet)"
	}
	fmt.Fprintf(out, "\n## %s framework (%s; %s)\n\n", fw.Role.Title, fw.Industry, kind)
	fmt.Fprintln(out, "| competency | category | group | entry | mid | senior |")
	fmt.Fprintln(out, "| --- | --- | --- | --- | --- | --- |")
	var adjustments []string
	for _, c := range fw.Competencies {
		fmt.Fprintf(out, "| %s | %s | %s | %d | %d | %d |\n", c.Name, c.Category, c.Group, c.Levels["entry"], c.Levels["mid"], c.Levels["senior"])
		for _, a := range c.Adjustments {
			reason := a.Reason
			for id, title := range titles {
				reason = strings.ReplaceAll(reason, id, "“"+title+"”")
			}
			adjustments = append(adjustments, fmt.Sprintf("- %s, %s: %d → %d — %s", c.Name, a.Tier, a.From, a.To, reason))
		}
	}
	if len(adjustments) == 0 {
		fmt.Fprintln(out, "\nno adjustments to the catalog levels")
		return
	}
	fmt.Fprintln(out, "\nadjustments to the catalog levels:")
	for _, a := range adjustments {
		fmt.Fprintln(out, a)
	}
}

// printResult prints one competency of p's reviewed assessment, the first
// one flagged for calibration if any: its level, the evidence of every item
// and the calibration note.
func printResult(out io.Writer, p demoPerson, a demoResult, names map[string]string) {
	if len(a.Results) == 0 {
		return
	}
	r := a.Results[0]
	for _, x := range a.Results {
		if x.Calibration != nil {
			r = x
			break
		}
	}
	name := names[r.CompetencySlug]
	if name == "" {
		name = r.CompetencySlug
	}
	fmt.Fprintf(out, "\n## Assessment of %s, reviewed by their manager: %s\n\n", p.name, name)
	fmt.Fprintf(out, "level %d (required %d), score %.2f, confidence %.2f; the scenarios and the answer alone support %.1f; flags: %s\n\n",
		r.Level, r.RequiredLevel, r.Score, r.Confidence, r.EvidenceLevel, strings.Join(r.Flags, ", "))
	fmt.Fprintln(out, "| item | score | evidence |")
	fmt.Fprintln(out, "| --- | --- | --- |")
	for _, ev := range r.Evidence {
		what := ev.Excerpt
		if len(ev.Elements) > 0 {
			parts := make([]string, 0, len(ev.Elements))
			for _, el := range ev.Elements {
				parts = append(parts, el.Kind+" “"+el.Text+"”")
			}
			what = strings.Join(parts, "; ")
		}
		fmt.Fprintf(out, "| %s | %.1f | %s |\n", ev.Kind, ev.ItemScore, clip(what, 90))
	}
	if c := r.Calibration; c != nil {
		fmt.Fprintf(out, "\ncalibration: manager %d, self %d, evidence %.1f (%s): worth a conversation\n", c.Manager, c.Self, c.Evidence, strings.Join(c.Reasons, ", "))
	}
}

func printPlan(out io.Writer, p demoPerson, pl demoPlan, names map[string]string) {
	fmt.Fprintf(out, "\n## Development plan of %s (DevOps Engineer, %s; plan v%d, aiming at %s)\n\n", p.name, p.tier, pl.Version, pl.TargetTier)
	fmt.Fprintln(out, "| competency | current | target | gap | priority | due | first action |")
	fmt.Fprintln(out, "| --- | --- | --- | --- | --- | --- | --- |")
	open := 0
	for _, it := range pl.Items {
		if it.Status == "closed" {
			continue
		}
		open++
		action := ""
		if len(it.Actions) > 0 {
			action = it.Actions[0].Kind + ": " + it.Actions[0].Title
		}
		name := names[it.CompetencySlug]
		if name == "" {
			name = it.CompetencySlug
		}
		due, _, _ := strings.Cut(it.DueDate, "T") // a date, or the midnight of one
		fmt.Fprintf(out, "| %s | %d | %d | %d | %.2f | %s | %s |\n", name, it.CurrentLevel, it.TargetLevel, it.Gap, it.Priority, due, clip(action, 70))
	}
	if open == 0 {
		fmt.Fprintln(out, "| (every competency meets the required level) | | | | | | |")
	}
}

// heatmapRows is how many competencies the printed heatmap shows: those
// assessed for the most employees.
const heatmapRows = 14

func printHeatmap(out io.Writer, h demoHeatmap, names map[string]string) {
	fmt.Fprintln(out, "\n## Team heatmap: mean score (0–5) · share meeting the required level")
	fmt.Fprintln(out)
	cells := map[[2]string]string{}
	assessed := map[string]int{}
	for _, c := range h.Cells {
		cells[[2]string{c.CompetencySlug, c.Group}] = fmt.Sprintf("%.1f · %d%%", c.MeanScore, int(math.Round(100*c.ShareMeetingRequired)))
		assessed[c.CompetencySlug] += c.EmployeesAssessed
	}
	name := func(slug string) string {
		if n := names[slug]; n != "" {
			return n
		}
		return slug
	}
	rows := slices.Clone(h.Competencies)
	slices.SortStableFunc(rows, func(a, b string) int { return assessed[b] - assessed[a] })
	rest := len(rows) - min(len(rows), heatmapRows)
	rows = rows[:min(len(rows), heatmapRows)]
	slices.SortFunc(rows, func(a, b string) int { return strings.Compare(name(a), name(b)) })
	header, rule := "| competency (employees assessed) |", "| --- |"
	for _, g := range h.Groups {
		header += " " + g.Label + " |"
		rule += " --- |"
	}
	fmt.Fprintln(out, header)
	fmt.Fprintln(out, rule)
	for _, slug := range rows {
		row := fmt.Sprintf("| %s (%d) |", name(slug), assessed[slug])
		for _, g := range h.Groups {
			v := cells[[2]string{slug, g.Key}]
			if v == "" {
				v = "–"
			}
			row += " " + v + " |"
		}
		fmt.Fprintln(out, row)
	}
	if rest > 0 {
		fmt.Fprintf(out, "\n%d more competencies, assessed for fewer employees: GET /v1/analytics/heatmap?by=team\n", rest)
	}
}

// clip shortens s to at most n runes, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
