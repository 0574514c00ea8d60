package store

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/plan"
)

// TestStoredItemsAreItemJSON: the stored form of items is plan.Item's JSON
// byte for byte (the API serves it as is), and decodes back to the items.
func TestStoredItemsAreItemJSON(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
	cases := map[string][]plan.Item{
		"none": {},
		"open and closed": {
			{ID: "a", CompetencySlug: "cloud", CurrentLevel: 2, Assessed: true, TargetLevel: 4, Gap: 2, Priority: 1.25,
				Actions: []competency.Action{{Kind: competency.Course, Title: "Course <1> & \"quoted\"", Detail: "d"}, {Kind: competency.Reading, Title: "R"}},
				DueDate: t0.Truncate(24 * time.Hour), Status: plan.InProgress, Note: "é\n\u2028 note", CreatedAt: t0},
			{ID: "b", CompetencySlug: "agile", CurrentLevel: 3, TargetLevel: 3, Status: plan.Closed, ClosedReason: plan.Met,
				DueDate: t0, CreatedAt: t0, ClosedAt: t0.Add(time.Hour)},
			{ID: "c", CompetencySlug: "sql", CurrentLevel: 1, TargetLevel: 2, Gap: 1, Actions: []competency.Action{}, Status: plan.Done,
				DueDate: t0, CreatedAt: t0.In(time.FixedZone("X", 3600))},
		},
	}
	for name, items := range cases {
		want, err := json.Marshal(items)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalItems(items)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: stored JSON\n%s\nwant plan.Item JSON\n%s", name, got, want)
		}
		back, err := unmarshalItems(got)
		if err != nil {
			t.Fatal(err)
		}
		var viaDomain []plan.Item
		if err := json.Unmarshal(want, &viaDomain); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(viaDomain, back); diff != "" {
			t.Errorf("%s: decoded (-plan.Item decoding +stored decoding):\n%s", name, diff)
		}
	}
	if _, err := unmarshalItems([]byte(`[{"current_level":7}]`)); err == nil {
		t.Errorf("level 7: got nil error")
	}
	if _, err := unmarshalItems([]byte(`[{"actions":[{"kind":"podcast"}]}]`)); err == nil {
		t.Errorf("unknown action kind: got nil error")
	}
}

// TestAppendItemsMatchesEncodingJSON holds the jsontext encoder of items to
// encoding/json's output for random items: strings with quotes, control
// characters, HTML characters, U+2028/U+2029, multi-byte and invalid UTF-8;
// priorities across the exponent cutoffs; times in other zones.
func TestAppendItemsMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	pieces := []string{"a", "Zz09", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f",
		"é", "日本", "😀", "\u2028", "\u2029", "\xff", "\xe2\x80", "\xed\xa0\x80", "\ufffd"}
	str := func() string {
		var s strings.Builder
		for range rng.IntN(8) {
			s.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return s.String()
	}
	floats := []float64{0, 1, -1, 0.1, 2.345, 1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e20, 1e21, 123456789.125, -3.25e-8, math.SmallestNonzeroFloat64, math.MaxFloat64}
	zones := []*time.Location{time.UTC, time.FixedZone("X", 3600), time.FixedZone("Y", -(5*3600 + 30*60))}
	tm := func() time.Time {
		if rng.IntN(4) == 0 {
			return time.Time{}
		}
		return time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))])
	}
	for n := range 2000 {
		items := make([]plan.Item, rng.IntN(4))
		for i := range items {
			it := plan.Item{ID: str(), CompetencySlug: str(), CurrentLevel: competency.Level(rng.IntN(6)), Assessed: rng.IntN(2) == 0,
				TargetLevel: competency.Level(rng.IntN(6)), Gap: rng.IntN(9) - 4, Priority: floats[rng.IntN(len(floats))] * float64(1-2*rng.IntN(2)),
				DueDate: tm(), Status: plan.Status(str()), ClosedReason: plan.ClosedReason(str()), Note: str(), CreatedAt: tm(), ClosedAt: tm()}
			if k := rng.IntN(4); k > 0 {
				it.Actions = make([]competency.Action, k-1)
				for j := range it.Actions {
					it.Actions[j] = competency.Action{Kind: competency.Course, Title: str(), Detail: str()}
				}
			}
			items[i] = it
		}
		want, err := json.Marshal(items)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalItems(items)
		if err != nil {
			t.Fatalf("case %d: %v", n, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d: marshalItems\n%q\nencoding/json\n%q", n, got, want)
		}
	}
	if _, err := marshalItems([]plan.Item{{Priority: math.NaN()}}); err == nil {
		t.Errorf("NaN priority: got nil error")
	}
	if _, err := marshalItems([]plan.Item{{DueDate: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}); err == nil {
		t.Errorf("year 10000: got nil error")
	}
	if _, err := marshalItems([]plan.Item{{TargetLevel: 6}}); err == nil {
		t.Errorf("level 6: got nil error")
	}
}

// TestPlanDecoderStopsWithLateGoroutines: the decoder's goroutines may run
// only after the last row was added (GOMAXPROCS=1 makes that the usual
// order); wait must still return with every row decoded. An earlier,
// hand-rolled pool hung here when its goroutines started late.
func TestPlanDecoderStopsWithLateGoroutines(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, rows := range []int{2 * decodeBatch, 128, 150, 191, 5 * decodeBatch, 1000} {
		for range 10 {
			dec := newPlanDecoder(func(r planRow) (int, error) { return r.Version, nil })
			want := map[uuid.UUID]int{}
			for i := range rows {
				id := uuid.New()
				want[id] = i
				dec.add(planRow{EmployeeID: id.String(), Version: i})
			}
			done := make(chan struct{})
			var got map[uuid.UUID]int
			var err error
			go func() {
				defer close(done)
				got, err = dec.wait()
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("%d rows: wait did not return (decoder goroutines stuck)", rows)
			}
			if err != nil {
				t.Fatalf("%d rows: %v", rows, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%d rows: decoded (-want +got):\n%s", rows, diff)
			}
		}
	}
}
