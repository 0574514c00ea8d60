package store

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
