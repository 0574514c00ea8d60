package analytics_test

import (
	"math"
	"testing"

	"github.com/cadrehq/cadre/domain/analytics"
)

func TestSpearman(t *testing.T) {
	for _, tt := range []struct {
		name string
		x, y []float64
		want float64
	}{
		{"monotone", []float64{1, 2, 3, 4}, []float64{10, 20, 35, 90}, 1},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}, 0},
		{"ties averaged", []float64{1, 2, 2, 3}, []float64{1, 2, 3, 4}, 0.9486832980505138},
		{"empty", nil, nil, 0},
	} {
		if got := analytics.Spearman(tt.x, tt.y); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: Spearman = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := analytics.Ranks([]float64{5, 1, 5, 3}); got[0] != 3.5 || got[1] != 1 || got[2] != 3.5 || got[3] != 2 {
		t.Errorf("Ranks = %v, want [3.5 1 3.5 2]", got)
	}
}
