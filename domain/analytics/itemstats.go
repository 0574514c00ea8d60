package analytics

import "math"

// Mean returns the arithmetic mean of xs (0 for none).
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// StdDev returns the population standard deviation of xs (0 for fewer than
// two values): the spread of the scores actually given, not an estimate of
// a wider population's.
func StdDev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := Mean(xs)
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(xs)))
}

// variance is the population variance of xs.
func variance(xs []float64) float64 {
	sd := StdDev(xs)
	return sd * sd
}

// ItemRest returns, for each item (a column of scores, one per taker, all
// of equal length), the Pearson correlation of its scores with the sum of
// the other items' scores: how well the item agrees with the rest of its
// scale. An item with no variance, or with no other item, correlates with
// nothing (0).
func ItemRest(items [][]float64) []float64 {
	out := make([]float64, len(items))
	if len(items) < 2 {
		return out
	}
	n := len(items[0])
	total := make([]float64, n)
	for _, it := range items {
		for j, x := range it {
			total[j] += x
		}
	}
	rest := make([]float64, n)
	for i, it := range items {
		for j := range rest {
			rest[j] = total[j] - it[j]
		}
		out[i] = Pearson(it, rest)
	}
	return out
}

// CronbachAlpha returns Cronbach's alpha of the items (columns of scores,
// one per taker, of equal length): k/(k−1) · (1 − Σ item variances / variance
// of the totals). It is 0 for fewer than two items or when the totals do not
// vary; it can be negative when the items disagree.
func CronbachAlpha(items [][]float64) float64 {
	k := len(items)
	if k < 2 || len(items[0]) == 0 {
		return 0
	}
	total := make([]float64, len(items[0]))
	var sumVar float64
	for _, it := range items {
		sumVar += variance(it)
		for j, x := range it {
			total[j] += x
		}
	}
	vt := variance(total)
	if vt == 0 {
		return 0
	}
	return float64(k) / float64(k-1) * (1 - sumVar/vt)
}
