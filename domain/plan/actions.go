package plan

import "github.com/cadrehq/cadre/domain/competency"

// MaxActions bounds the development actions of one item.
const MaxActions = 4

// pickActions draws up to MaxActions development actions of c for the levels
// from cur+1 to target. It goes round the levels, nearest first, taking from
// each the first action of a kind not yet chosen, so the item mixes kinds and
// levels; when no new kind is left it fills the remaining places the same way
// with any action not chosen. An action repeated at several levels (same
// kind and title) is taken once.
func pickActions(c competency.Competency, cur, target competency.Level) []competency.Action {
	var lists [competency.MaxLevel][]competency.Action
	n := 0
	for l := cur + 1; l <= target && l <= competency.MaxLevel; l++ {
		if as := c.Actions[l]; len(as) > 0 {
			lists[n] = as
			n++
		}
	}
	if n == 0 {
		return nil
	}
	var used [competency.MaxLevel]uint64 // bit j: lists[i][j] chosen or skipped
	var kinds uint32                     // bit k: an action of kind k chosen
	out := make([]competency.Action, 0, MaxActions)
	for _, fresh := range [2]bool{true, false} {
		for progress := true; progress && len(out) < MaxActions; {
			progress = false
			for i := 0; i < n && len(out) < MaxActions; i++ {
				for j, a := range lists[i] {
					if j >= 64 || used[i]&(1<<j) != 0 || (fresh && kinds&kindBit(a.Kind) != 0) {
						continue
					}
					used[i] |= 1 << j
					if contains(out, a) {
						continue
					}
					out = append(out, a)
					kinds |= kindBit(a.Kind)
					progress = true
					break
				}
			}
		}
	}
	return out
}

// kindBit returns the bit of kind k in a kind set (all bits for a kind out
// of range, so that it never counts as new).
func kindBit(k competency.ActionKind) uint32 {
	if k >= 32 {
		return ^uint32(0)
	}
	return 1 << k
}

// contains reports whether as holds an action of a's kind and title.
func contains(as []competency.Action, a competency.Action) bool {
	for _, b := range as {
		if b.Kind == a.Kind && b.Title == a.Title {
			return true
		}
	}
	return false
}
