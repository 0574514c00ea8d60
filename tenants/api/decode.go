package api

import (
	"math"
	"strconv"
)

// MaxNumber is the largest number a client may give in a path, query,
// header or cursor: versions and revisions are int4 columns on PostgreSQL,
// and a larger value there is a database error (a 500), not a miss.
const MaxNumber = math.MaxInt32

// parseNumber parses a decimal integer from min to MaxNumber.
func parseNumber(s string, min int) (int, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < int64(min) || n > MaxNumber {
		return 0, false
	}
	return int(n), true
}
