package assessment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
)

// idLen is the length of item and option ids, in hex digits (48 bits: no
// collision expected among the items of one tenant's assessments that share
// a seed space, and short enough to read in a log line).
const idLen = 12

// digest hashes the parts, NUL-separated so that ("ab","c") and ("a","bc")
// differ.
func digest(parts ...string) [sha256.Size]byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// itemID is the id of the item of the given kind for the competency slug.
func itemID(seed, slug string, k Kind) string {
	d := digest("item", seed, slug, k.String())
	return hex.EncodeToString(d[:])[:idLen]
}

// scenarioItemID is the id of the item asking the scenario with the given
// id for the competency slug.
func scenarioItemID(seed, slug, scenario string) string {
	d := digest("item", seed, slug, Scenario.String(), scenario)
	return hex.EncodeToString(d[:])[:idLen]
}

// optionID is the opaque id of the i-th authored option of a scenario.
func optionID(seed, slug, scenario string, i int) string {
	d := digest("option", seed, slug, scenario, strconv.Itoa(i))
	return hex.EncodeToString(d[:])[:idLen]
}

// pick returns a deterministic number in [0, n) for the parts.
func pick(n int, parts ...string) int {
	d := digest(parts...)
	return int(binary.BigEndian.Uint64(d[:8]) % uint64(n))
}

// shuffle permutes s in place with a Fisher–Yates shuffle whose draws are
// hashes of the parts and the step, so the order depends only on the parts
// (and not on math/rand's algorithm, which may change between Go releases).
func shuffle[T any](s []T, parts ...string) {
	draw := append(append([]string{"shuffle"}, parts...), "")
	for i := len(s) - 1; i > 0; i-- {
		draw[len(draw)-1] = strconv.Itoa(i)
		j := pick(i+1, draw...)
		s[i], s[j] = s[j], s[i]
	}
}
