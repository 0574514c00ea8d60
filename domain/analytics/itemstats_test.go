package analytics_test

import (
	"math"
	"testing"

	"github.com/cadrehq/cadre/domain/analytics"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestMeanAndStdDev(t *testing.T) {
	// 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, so the
	// population variance is 4 and the deviation 2.
	xs := []float64{2, 4, 4, 4, 5, 5, 7, 9}
	if m := analytics.Mean(xs); !near(m, 5) {
		t.Errorf("mean %v, want 5", m)
	}
	if sd := analytics.StdDev(xs); !near(sd, 2) {
		t.Errorf("sd %v, want 2", sd)
	}
	if sd := analytics.StdDev([]float64{3}); sd != 0 {
		t.Errorf("one value: sd %v, want 0", sd)
	}
	if m := analytics.Mean(nil); m != 0 {
		t.Errorf("no values: mean %v", m)
	}
}

func TestCronbachAlpha(t *testing.T) {
	// Three takers, two items: a = 1,2,3 and b = 1,2,3 agree perfectly.
	// Item variances 2/3 each, totals 2,4,6 with variance 8/3:
	// alpha = 2/1 · (1 − (4/3)/(8/3)) = 1.
	same := [][]float64{{1, 2, 3}, {1, 2, 3}}
	if a := analytics.CronbachAlpha(same); !near(a, 1) {
		t.Errorf("identical items: alpha %v, want 1", a)
	}
	// a = 1,2,3, b = 3,2,1: totals constant, so the totals do not vary: 0.
	if a := analytics.CronbachAlpha([][]float64{{1, 2, 3}, {3, 2, 1}}); a != 0 {
		t.Errorf("opposed items: alpha %v, want 0", a)
	}
	// Three items over four takers, by hand:
	// a = 1,2,3,4 (var 1.25), b = 2,2,3,3 (var 0.25), c = 1,3,2,4 (var 1.25);
	// totals 4,7,8,11, mean 7.5, squared deviations 12.25+0.25+0.25+12.25 =
	// 25, var 6.25. alpha = 3/2 · (1 − 2.75/6.25) = 1.5 · 0.56 = 0.84.
	three := [][]float64{{1, 2, 3, 4}, {2, 2, 3, 3}, {1, 3, 2, 4}}
	if a := analytics.CronbachAlpha(three); !near(a, 0.84) {
		t.Errorf("three items: alpha %v, want 0.84", a)
	}
	if a := analytics.CronbachAlpha([][]float64{{1, 2}}); a != 0 {
		t.Errorf("one item: alpha %v, want 0", a)
	}
}

func TestItemRest(t *testing.T) {
	// Same three items: the rest of a is b+c = 3,5,5,7; a = 1,2,3,4.
	// Deviations of a: −1.5,−.5,.5,1.5; of the rest (mean 5): −2,0,0,2.
	// Σdxdy = 3+0+0+3 = 6, Σdx² = 5, Σdy² = 8: r = 6/√40.
	three := [][]float64{{1, 2, 3, 4}, {2, 2, 3, 3}, {1, 3, 2, 4}}
	r := analytics.ItemRest(three)
	if !near(r[0], 6/math.Sqrt(40)) {
		t.Errorf("item a: %v, want %v", r[0], 6/math.Sqrt(40))
	}
	// b against a+c = 2,5,5,8 (mean 5): dx −.5,−.5,.5,.5; dy −3,0,0,3:
	// Σdxdy = 1.5+0+0+1.5 = 3, Σdx² = 1, Σdy² = 18: r = 3/√18.
	if !near(r[1], 3/math.Sqrt(18)) {
		t.Errorf("item b: %v, want %v", r[1], 3/math.Sqrt(18))
	}
	// An item everyone answers alike does not discriminate: 0.
	flat := analytics.ItemRest([][]float64{{3, 3, 3}, {1, 2, 3}, {2, 2, 4}})
	if flat[0] != 0 {
		t.Errorf("constant item: %v, want 0", flat[0])
	}
	if one := analytics.ItemRest([][]float64{{1, 2}}); one[0] != 0 {
		t.Errorf("single item: %v, want 0", one[0])
	}
}
