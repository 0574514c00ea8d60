package assessment_test

import (
	"flag"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/analytics"
)

// residuals turns on TestTuneHalfResiduals, the tuning tool of the
// open-text scorer: go test -run TestTuneHalfResiduals -residuals -v.
var residuals = flag.Bool("residuals", false, "print the scorer's residuals on the tune half of the labelled corpus")

// TestTuneHalfResiduals prints, for every answer of the TUNE half only, the
// label, the open-text score and level, the fused level with honest clicks
// and the rubric elements found, worst residuals first; then the rho of
// each author's answers, a check that a rule does not fit one voice. The
// test half is never read here: tuning looks at the tune half alone.
func TestTuneHalfResiduals(t *testing.T) {
	if !*residuals {
		t.Skip("a tuning tool: run with -residuals")
	}
	c := loadCorpus(t)
	a, slugOf := corpusAssessment(t, c)
	type row struct {
		ans          labelledAnswer
		score        float64
		level, fused int
		elems, flags string
	}
	var rows []row
	byAuthor := map[string]*[3][]float64{}
	for _, ans := range c.Answers {
		if ans.Half != tuneHalf {
			continue
		}
		slug := slugOf[ans.Competency]
		res := scoreText(t, a, slug, ans.Text)
		ev := res.Evidence[0]
		fc := scoreHonestly(t, a, slug, ans)
		var es []string
		for _, e := range ev.Elements {
			es = append(es, fmt.Sprintf("%s:%q", e.Kind, e.Text))
		}
		rows = append(rows, row{ans, ev.ItemScore, int(ev.MatchedLevel), int(fc.Level), strings.Join(es, " "), fmt.Sprint(ev.Flags)})
		acc := perOf(byAuthor, ans.Author)
		acc[0] = append(acc[0], float64(ans.Level))
		acc[1] = append(acc[1], float64(ev.MatchedLevel))
		acc[2] = append(acc[2], float64(fc.Level))
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return math.Abs(rows[i].score-float64(rows[i].ans.Level)) > math.Abs(rows[j].score-float64(rows[j].ans.Level))
	})
	var label, text, score, fused []float64
	for _, r := range rows {
		t.Logf("%s %-36s label %d text %.2f (level %d) fused %d flags %s\n\t%s\n\t%s", r.ans.ID, r.ans.Competency, r.ans.Level, r.score, r.level, r.fused, r.flags, r.ans.Text, r.elems)
		label = append(label, float64(r.ans.Level))
		text = append(text, float64(r.level))
		score = append(score, r.score)
		fused = append(fused, float64(r.fused))
	}
	authors := make([]string, 0, len(byAuthor))
	for au := range byAuthor {
		authors = append(authors, au)
	}
	sort.Strings(authors)
	for _, au := range authors {
		acc := byAuthor[au]
		t.Logf("author %s: %d answers, text rho %.3f, fused rho %.3f", au, len(acc[0]), analytics.Spearman(acc[0], acc[1]), analytics.Spearman(acc[0], acc[2]))
	}
	t.Logf("tune half: text level rho %.3f, text score rho %.3f, fused rho %.3f over %d answers",
		analytics.Spearman(label, text), analytics.Spearman(label, score), analytics.Spearman(label, fused), len(label))
}
