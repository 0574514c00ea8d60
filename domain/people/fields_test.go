package people_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/people"
)

func TestFieldsCheck(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in        people.Fields
		wantEmail string
		want      []people.Problem
	}{
		"valid":             {people.Fields{Subject: "u1", Name: "Ann", Email: "Ann@Acme.test", Team: "core"}, "ann@acme.test", nil},
		"no email, no team": {people.Fields{Subject: "u1", Name: "Ann"}, "", nil},
		"all broken": {people.Fields{Subject: "", Name: strings.Repeat("n", people.MaxName+1), Email: "Ann <ann@acme.test>", Team: "a\nb"}, "",
			[]people.Problem{
				{"subject", "must be non-empty text of at most 200 characters"},
				{"name", "must be non-empty text of at most 200 characters"},
				{"email", "must be a plain email address (name@example.com)"},
				{"team", "must be text of at most 100 characters"},
			}},
		"control character": {people.Fields{Subject: "u\x001", Name: "Ann"}, "", []people.Problem{{"subject", "must be non-empty text of at most 200 characters"}}},
	} {
		got, probs := tc.in.Check()
		if diff := cmp.Diff(tc.want, probs); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", name, diff)
		}
		if len(tc.want) == 0 && got.Email != tc.wantEmail {
			t.Errorf("%s: email = %q, want %q", name, got.Email, tc.wantEmail)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v        string
		required bool
		max      int
		want     bool
	}{
		{"", false, 5, true},
		{"", true, 5, false},
		{"héllo", true, 5, true},
		{"héllo!", true, 5, false},
		{"tab\tok", true, 10, true},
		{"line\rbreak", false, 20, false},
		{"del\x7f", false, 20, false},
		{"\xff", false, 20, false},
	} {
		if got := people.Text(tc.v, tc.required, tc.max); got != tc.want {
			t.Errorf("Text(%q, %v, %d) = %v, want %v", tc.v, tc.required, tc.max, got, tc.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "", " Ann@Acme.Test ": "ann@acme.test", "ann": "!", "Ann <ann@acme.test>": "!",
		strings.Repeat("a", 250) + "@b.cd": "!"} {
		got, ok := people.NormalizeEmail(in)
		if want == "!" {
			if ok {
				t.Errorf("NormalizeEmail(%q) = %q, want refused", in, got)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestResolveRole(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"devops-engineer": "devops-engineer", " DEVOPS-ENGINEER ": "devops-engineer",
		"DevOps Engineer": "devops-engineer", "Senior Data Analyst": "data-analyst", "astronaut": "", "": ""} {
		got, ok := people.ResolveRole(in)
		if got != want || ok != (want != "") {
			t.Errorf("ResolveRole(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	if got := people.Clip("héllo", 5); got != "héllo" {
		t.Errorf("Clip within the limit = %q", got)
	}
	if got := people.Clip("héllo world", 5); got != "héllo…" {
		t.Errorf("Clip = %q, want héllo…", got)
	}
}
