package competency_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
)

func TestParseLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                   int
		label, display, want string
		err                  error
	}{
		{1, "Basic", "Basic (1/5)", "Basic (1/5)", nil},
		{2, "Developing", "Developing (2/5)", "Developing (2/5)", nil},
		{3, "Proficient", "Proficient (3/5)", "Proficient (3/5)", nil},
		{4, "Advanced", "Advanced (4/5)", "Advanced (4/5)", nil},
		{5, "Expert", "Expert (5/5)", "Expert (5/5)", nil},
		{0, "", "", "", competency.ErrInvalidLevel},
		{6, "", "", "", competency.ErrInvalidLevel},
		{-1, "", "", "", competency.ErrInvalidLevel},
	}
	for _, tc := range tests {
		l, err := competency.ParseLevel(tc.in)
		if !errors.Is(err, tc.err) {
			t.Errorf("ParseLevel(%d) error = %v, want %v", tc.in, err, tc.err)
			continue
		}
		if got := l.Label(); got != tc.label {
			t.Errorf("ParseLevel(%d).Label() = %q, want %q", tc.in, got, tc.label)
		}
		if got := l.Display(); got != tc.display {
			t.Errorf("ParseLevel(%d).Display() = %q, want %q", tc.in, got, tc.display)
		}
	}
}

func TestLevelJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    competency.Level
		wantErr bool
	}{
		{"4", competency.Advanced, false},
		{"0", 0, false},
		{"6", 0, true},
		{`"4"`, 0, true},
	}
	for _, tc := range tests {
		var got competency.Level
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
	if b, err := json.Marshal(competency.Level(9)); err == nil {
		t.Errorf("Marshal(Level(9)) = %s, want an error", b)
	}
}

func TestParseTier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want competency.Tier
		err  error
	}{
		{"entry", competency.TierEntry, nil},
		{"Entry-Level", competency.TierEntry, nil},
		{"mid", competency.TierMid, nil},
		{"Mid-Level", competency.TierMid, nil},
		{" Senior ", competency.TierSenior, nil},
		{"senior-level", competency.TierSenior, nil},
		{"principal", 0, competency.ErrInvalidTier},
		{"", 0, competency.ErrInvalidTier},
	}
	for _, tc := range tests {
		got, err := competency.ParseTier(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParseTier(%q) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	if got, want := competency.Tiers, [3]competency.Tier{competency.TierEntry, competency.TierMid, competency.TierSenior}; got != want {
		t.Errorf("Tiers = %v, want %v", got, want)
	}
	if next, ok := competency.TierMid.Next(); !ok || next != competency.TierSenior {
		t.Errorf("TierMid.Next() = %v, %v; want senior, true", next, ok)
	}
	if _, ok := competency.TierSenior.Next(); ok {
		t.Error("TierSenior.Next() ok = true, want false")
	}
}

func TestEnumsText(t *testing.T) {
	t.Parallel()
	type holder struct {
		Tier     competency.Tier       `json:"tier"`
		Category competency.Category   `json:"category"`
		Group    competency.Group      `json:"group"`
		Kind     competency.ActionKind `json:"kind"`
	}
	in := holder{competency.TierMid, competency.Leadership, competency.Supporting, competency.Mentoring}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"tier":"mid","category":"leadership","group":"supporting","kind":"mentoring"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var out holder
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("Unmarshal = %+v, %v; want %+v", out, err, in)
	}
	bad := []struct {
		json string
		err  error
	}{
		{`{"tier":"boss"}`, competency.ErrInvalidTier},
		{`{"category":"magic"}`, competency.ErrInvalidCategory},
		{`{"group":"optional"}`, competency.ErrInvalidGroup},
		{`{"kind":"nap"}`, competency.ErrInvalidActionKind},
	}
	for _, tc := range bad {
		var h holder
		if err := json.Unmarshal([]byte(tc.json), &h); !errors.Is(err, tc.err) {
			t.Errorf("Unmarshal(%s) error = %v, want %v", tc.json, err, tc.err)
		}
	}
	if _, err := json.Marshal(holder{}); !errors.Is(err, competency.ErrInvalidTier) {
		t.Errorf("Marshal(zero) error = %v, want ErrInvalidTier", err)
	}
}

func TestParseCategoryAndGroup(t *testing.T) {
	t.Parallel()
	cats := []struct {
		in   string
		want competency.Category
	}{
		{"technical", competency.Technical}, {"Interpersonal", competency.Interpersonal}, {"analytical", competency.Analytical},
		{"operational", competency.Operational}, {"LEADERSHIP", competency.Leadership}, {"cultural", competency.Cultural},
		{"spiritual", 0},
	}
	for _, tc := range cats {
		got, err := competency.ParseCategory(tc.in)
		if got != tc.want || (err != nil) != (tc.want == 0) {
			t.Errorf("ParseCategory(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	groups := []struct {
		in   string
		want competency.Group
	}{{"primary", competency.Primary}, {"core", competency.Primary}, {"Supporting", competency.Supporting}, {"extra", 0}}
	for _, tc := range groups {
		got, err := competency.ParseGroup(tc.in)
		if got != tc.want || (err != nil) != (tc.want == 0) {
			t.Errorf("ParseGroup(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseIndustry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		ok bool
	}{{"finance", true}, {"public-sector", true}, {"Public Sector", false}, {"-x", false}, {"a--b", false}, {"", false}}
	for _, tc := range tests {
		_, err := competency.ParseIndustry(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseIndustry(%q) error = %v, want ok %v", tc.in, err, tc.ok)
		}
	}
}
