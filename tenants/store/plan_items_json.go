package store

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

// storedItemOf mirrors plan.Item's JSON with plain fields; A is the type
// the actions decode to. Encoding and decoding it is markedly faster than
// plan.Item's, whose levels and kinds have their own (nested) JSON methods,
// and a tenant-wide rebuild decodes and encodes tens of MB of items. The JSON
// is the same byte for byte.
type storedItemOf[A any] struct {
	ID             string    `json:"id"`
	CompetencySlug string    `json:"competency_slug"`
	CurrentLevel   int       `json:"current_level"`
	Assessed       bool      `json:"assessed"`
	TargetLevel    int       `json:"target_level"`
	Gap            int       `json:"gap"`
	Priority       float64   `json:"priority"`
	Actions        A         `json:"actions"`
	DueDate        time.Time `json:"due_date"`
	Status         string    `json:"status"`
	ClosedReason   string    `json:"closed_reason,omitzero"`
	Note           string    `json:"note,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	ClosedAt       time.Time `json:"closed_at,omitzero"`
}

// storedItem is a stored item with its actions decoded.
type storedItem = storedItemOf[[]storedAction]

type storedAction struct {
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// item returns s as a plan.Item without its actions.
func (s *storedItemOf[A]) item() (plan.Item, error) {
	it := plan.Item{ID: s.ID, CompetencySlug: s.CompetencySlug, Assessed: s.Assessed, Gap: s.Gap, Priority: s.Priority,
		DueDate: s.DueDate, Status: plan.Status(s.Status), ClosedReason: plan.ClosedReason(s.ClosedReason), Note: s.Note,
		CreatedAt: s.CreatedAt, ClosedAt: s.ClosedAt}
	var err error
	if it.CurrentLevel, err = storedLevel(s.CurrentLevel); err != nil {
		return plan.Item{}, err
	}
	if it.TargetLevel, err = storedLevel(s.TargetLevel); err != nil {
		return plan.Item{}, err
	}
	return it, nil
}

// storedLevel is competency.Level's JSON decoding: 0 or 1–5.
func storedLevel(n int) (competency.Level, error) {
	if n == 0 {
		return 0, nil
	}
	return competency.ParseLevel(n)
}

// domainActions converts stored actions (nil stays nil).
func domainActions(in []storedAction) ([]competency.Action, error) {
	if in == nil {
		return nil, nil
	}
	out := make([]competency.Action, len(in))
	for j, a := range in {
		k, err := competency.ParseActionKind(a.Kind)
		if err != nil {
			return nil, err
		}
		out[j] = competency.Action{Kind: k, Title: a.Title, Detail: a.Detail}
	}
	return out, nil
}

// unmarshalItems is json.Unmarshal into []plan.Item, through storedItem.
// It decodes with encoding/json/v2's implementation (the
// github.com/go-json-experiment/json mirror until Go 1.27 ships it), about
// three times faster than encoding/json here: a tenant-wide rebuild decodes
// every current plan (about 9 KB each), and the decoding was a third of its
// time. The items were written by marshalItems, so they are valid UTF-8 with
// exactly storedItem's member names; unknown members are ignored, as by
// encoding/json.
func unmarshalItems(b []byte) ([]plan.Item, error) {
	var in []storedItem
	if err := jsonv2.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, nil
	}
	out := make([]plan.Item, len(in))
	for i := range in {
		it, err := in[i].item()
		if err != nil {
			return nil, err
		}
		if it.Actions, err = domainActions(in[i].Actions); err != nil {
			return nil, err
		}
		out[i] = it
	}
	return out, nil
}

// unmarshalItemsForRebuild is unmarshalItems leaving out the actions of the
// items not closed, which a rebuild recomputes (they are three quarters of
// the bytes): those items have nil actions, and their actions come back
// undecoded (checked to be JSON only), by item, for the few that the rebuild
// closes (PreviousPlan.Complete).
func unmarshalItemsForRebuild(b []byte) ([]plan.Item, []rawActions, error) {
	var in []storedItemOf[jsontext.Value]
	if err := jsonv2.Unmarshal(b, &in); err != nil {
		return nil, nil, err
	}
	if in == nil {
		return nil, nil, nil
	}
	out := make([]plan.Item, len(in))
	var open []rawActions
	for i := range in {
		it, err := in[i].item()
		if err != nil {
			return nil, nil, err
		}
		switch {
		case it.Status != plan.Closed:
			open = append(open, rawActions{id: it.ID, raw: in[i].Actions})
		default:
			if it.Actions, err = decodeActions(in[i].Actions); err != nil {
				return nil, nil, err
			}
		}
		out[i] = it
	}
	return out, open, nil
}

// rawActions are an item's stored actions, not decoded.
type rawActions struct {
	id  string
	raw jsontext.Value
}

// decodeActions decodes stored actions (null or none: nil).
func decodeActions(raw jsontext.Value) ([]competency.Action, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var actions []storedAction
	if err := jsonv2.Unmarshal(raw, &actions); err != nil {
		return nil, err
	}
	return domainActions(actions)
}

// marshalItems is json.Marshal of items as []storedItem ("[]" for none),
// written by appendItems.
func marshalItems(items []plan.Item) ([]byte, error) {
	return appendItems(make([]byte, 0, 64+1536*len(items)), items)
}

// appendItems appends the JSON of items, byte for byte what encoding/json
// makes of the []storedItem they convert to (TestAppendItemsMatchesEncodingJSON
// holds it to that), without reflection: a tenant-wide rebuild encodes tens
// of MB of items, and encoding/json spent a quarter of a second of it on
// 10,000 plans. The output is "[]" for no items.
func appendItems(b []byte, items []plan.Item) ([]byte, error) {
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendItem(b, &items[i]); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendItem(b []byte, it *plan.Item) ([]byte, error) {
	for _, l := range []competency.Level{it.CurrentLevel, it.TargetLevel} {
		if l != 0 && !l.Valid() {
			return nil, fmt.Errorf("item %s: %w: %d", it.ID, competency.ErrInvalidLevel, l)
		}
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, it.ID)
	b = append(b, `,"competency_slug":`...)
	b = appendJSONString(b, it.CompetencySlug)
	b = append(b, `,"current_level":`...)
	b = strconv.AppendInt(b, int64(it.CurrentLevel), 10)
	b = append(b, `,"assessed":`...)
	b = strconv.AppendBool(b, it.Assessed)
	b = append(b, `,"target_level":`...)
	b = strconv.AppendInt(b, int64(it.TargetLevel), 10)
	b = append(b, `,"gap":`...)
	b = strconv.AppendInt(b, int64(it.Gap), 10)
	b = append(b, `,"priority":`...)
	var err error
	if b, err = appendJSONFloat(b, it.Priority); err != nil {
		return nil, fmt.Errorf("item %s: priority: %w", it.ID, err)
	}
	b = append(b, `,"actions":`...)
	if it.Actions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for j, a := range it.Actions {
			if !a.Kind.Valid() {
				return nil, fmt.Errorf("item %s: %w: %d", it.ID, competency.ErrInvalidActionKind, a.Kind)
			}
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"kind":`...)
			b = appendJSONString(b, a.Kind.String())
			b = append(b, `,"title":`...)
			b = appendJSONString(b, a.Title)
			b = append(b, `,"detail":`...)
			b = appendJSONString(b, a.Detail)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"due_date":`...)
	if b, err = appendJSONTime(b, it.ID, it.DueDate); err != nil {
		return nil, err
	}
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(it.Status))
	if it.ClosedReason != "" {
		b = append(b, `,"closed_reason":`...)
		b = appendJSONString(b, string(it.ClosedReason))
	}
	if it.Note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, it.Note)
	}
	b = append(b, `,"created_at":`...)
	if b, err = appendJSONTime(b, it.ID, it.CreatedAt); err != nil {
		return nil, err
	}
	if !it.ClosedAt.IsZero() {
		b = append(b, `,"closed_at":`...)
		if b, err = appendJSONTime(b, it.ID, it.ClosedAt); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendJSONTime appends t quoted as time.Time's MarshalJSON does (RFC 3339
// with nanoseconds, years 0–9999 only); id names the item in an error.
func appendJSONTime(b []byte, id string, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", id, err)
	}
	return append(b, '"'), nil
}

// errUnsupportedFloat is encoding/json's refusal of NaN and infinities.
var errUnsupportedFloat = errors.New("json: unsupported value: NaN or infinity")

// appendJSONFloat appends f as encoding/json encodes a float64: like %g with
// the exponent cutoffs of ES6 number formatting.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, errUnsupportedFloat
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// jsonSafe marks the bytes appendJSONString copies as they are: printable
// ASCII but for the quote, the backslash and the HTML characters.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = !strings.ContainsRune("\"\\<>&", rune(c))
	}
	return t
}()

// appendJSONString appends s quoted as encoding/json quotes strings: HTML
// characters, U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
