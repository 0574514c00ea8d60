package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
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

// itemsOptions make jsontext write strings as encoding/json does: with
// '<', '>', '&', U+2028 and U+2029 escaped, and the strings encoding/json
// wrote itself (tokenWriter.string) kept as they are.
var itemsOptions = []jsontext.Options{jsontext.EscapeForHTML(true), jsontext.EscapeForJS(true), jsontext.PreserveRawStrings(true)}

// marshalItems is json.Marshal of items as []storedItem ("[]" for none),
// byte for byte (TestAppendItemsMatchesEncodingJSON holds it to that),
// written token by token with encoding/json/v2's jsontext instead of by
// reflection: a tenant-wide rebuild encodes tens of MB of items, and
// encoding/json spent a quarter of a second of it on 10,000 plans.
func marshalItems(items []plan.Item) ([]byte, error) {
	c := itemCoders.Get().(*itemCoder)
	defer itemCoders.Put(c)
	c.buf.Reset()
	c.enc.Reset(&c.buf, itemsOptions...)
	if err := (itemEncoder{c.enc}).items(items); err != nil {
		return nil, err
	}
	// The encoder ends a top-level value with a newline; encoding/json
	// does not.
	return bytes.Clone(bytes.TrimSuffix(c.buf.Bytes(), []byte("\n"))), nil
}

// itemCoder is an encoder and the buffer it writes to, kept in itemCoders
// across calls: a tenant-wide rebuild encodes 10,000 plans, and a fresh
// encoder and buffer for each cost a fifth of the encoding.
type itemCoder struct {
	buf bytes.Buffer
	enc *jsontext.Encoder
}

var itemCoders = sync.Pool{New: func() any {
	c := new(itemCoder)
	c.enc = jsontext.NewEncoder(&c.buf, itemsOptions...)
	return c
}}

// itemEncoder writes items as storedItem's JSON.
type itemEncoder struct{ enc *jsontext.Encoder }

func (e itemEncoder) items(items []plan.Item) error {
	if err := e.enc.WriteToken(jsontext.BeginArray); err != nil {
		return err
	}
	for i := range items {
		if err := e.item(&items[i]); err != nil {
			return fmt.Errorf("item %s: %w", items[i].ID, err)
		}
	}
	return e.enc.WriteToken(jsontext.EndArray)
}

// item writes it as storedItem's members in their order, leaving out the
// omitzero ones that are zero.
func (e itemEncoder) item(it *plan.Item) error {
	for _, l := range []competency.Level{it.CurrentLevel, it.TargetLevel} {
		if l != 0 && !l.Valid() {
			return fmt.Errorf("%w: %d", competency.ErrInvalidLevel, l)
		}
	}
	if math.IsInf(it.Priority, 0) || math.IsNaN(it.Priority) {
		return fmt.Errorf("priority: %w", errUnsupportedFloat)
	}
	w := e.writer()
	w.token(jsontext.BeginObject)
	w.name("id").string(it.ID)
	w.name("competency_slug").string(it.CompetencySlug)
	w.name("current_level").token(jsontext.Int(int64(it.CurrentLevel)))
	w.name("assessed").token(jsontext.Bool(it.Assessed))
	w.name("target_level").token(jsontext.Int(int64(it.TargetLevel)))
	w.name("gap").token(jsontext.Int(int64(it.Gap)))
	w.name("priority").token(jsontext.Float(it.Priority))
	w.name("actions")
	if it.Actions == nil {
		w.token(jsontext.Null)
	} else {
		w.token(jsontext.BeginArray)
		for _, a := range it.Actions {
			if !a.Kind.Valid() {
				return fmt.Errorf("%w: %d", competency.ErrInvalidActionKind, a.Kind)
			}
			w.token(jsontext.BeginObject)
			w.name("kind").string(a.Kind.String())
			w.name("title").string(a.Title)
			w.name("detail").string(a.Detail)
			w.token(jsontext.EndObject)
		}
		w.token(jsontext.EndArray)
	}
	w.name("due_date").time(it.DueDate)
	w.name("status").string(string(it.Status))
	if it.ClosedReason != "" {
		w.name("closed_reason").string(string(it.ClosedReason))
	}
	if it.Note != "" {
		w.name("note").string(it.Note)
	}
	w.name("created_at").time(it.CreatedAt)
	if !it.ClosedAt.IsZero() {
		w.name("closed_at").time(it.ClosedAt)
	}
	w.token(jsontext.EndObject)
	return w.err
}

// tokenWriter writes to an encoder and keeps the first error, so that an
// item reads as its members.
type tokenWriter struct {
	enc *jsontext.Encoder
	err error
}

func (e itemEncoder) writer() *tokenWriter { return &tokenWriter{enc: e.enc} }

func (w *tokenWriter) token(t jsontext.Token) *tokenWriter {
	if w.err == nil {
		w.err = w.enc.WriteToken(t)
	}
	return w
}

// name writes a member name, which needs no escaping.
func (w *tokenWriter) name(n string) *tokenWriter { return w.token(jsontext.String(n)) }

// string writes s as encoding/json does. jsontext replaces each byte of
// invalid UTF-8 with U+FFFD written as is, encoding/json with the escape
// \ufffd: such a string (none comes in through the API, which reads JSON)
// is encoded by encoding/json itself.
func (w *tokenWriter) string(s string) *tokenWriter {
	if utf8.ValidString(s) {
		return w.token(jsontext.String(s))
	}
	if w.err == nil {
		var b []byte
		if b, w.err = json.Marshal(s); w.err == nil {
			w.err = w.enc.WriteValue(b)
		}
	}
	return w
}

// time writes t quoted as time.Time's MarshalJSON does (RFC 3339 with
// nanoseconds, years 0–9999 only).
func (w *tokenWriter) time(t time.Time) *tokenWriter {
	if w.err != nil {
		return w
	}
	b := append(w.enc.AvailableBuffer(), '"')
	if b, w.err = t.AppendText(b); w.err == nil {
		w.err = w.enc.WriteValue(append(b, '"'))
	}
	return w
}

// errUnsupportedFloat is encoding/json's refusal of NaN and infinities,
// which jsontext would write as strings.
var errUnsupportedFloat = errors.New("json: unsupported value: NaN or infinity")
