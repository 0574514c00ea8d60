package people_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/people"
)

func TestParseCSVAndStage(t *testing.T) {
	t.Parallel()
	rows, err := people.ParseCSV([]byte("\xef\xbb\xbfSubject,NAME,email,title,role,tier,manager\n"+
		"u1,Ann,Ann@Acme.test,DevOps Engineer,,Mid-Level,\n"+
		"u2,Bo,ann@acme.test,,devops-engineer,mid,u1\n"+
		"u1,Cy,,,devops-engineer,mid,\n"+
		"u4,Di,,Astronaut,,mid,\n"+
		"u5,Ed,,,devops-engineer,junior,\n"+
		"u6,Fy\n"+
		"u7,Gi,,,,mid,\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	staged, errs := people.Stage(rows)
	wantStaged := []people.Staged{{Line: 2, Fields: people.Fields{Subject: "u1", Name: "Ann", Email: "ann@acme.test"},
		RoleSlug: "devops-engineer", Tier: competency.TierMid}}
	if diff := cmp.Diff(wantStaged, staged); diff != "" {
		t.Errorf("staged (-want +got):\n%s", diff)
	}
	wantErrs := []people.LineError{
		{Line: 3, Field: "email", Message: "email already appears on line 2"},
		{Line: 4, Field: "subject", Message: `subject "u1" already appears on line 2`},
		{Line: 5, Field: "title", Message: `no catalog role has this slug or matches this title: "Astronaut"`},
		{Line: 6, Field: "tier", Message: `must be entry, mid or senior, not "junior"`},
		{Line: 7, Message: "has 2 fields, the header has 7"},
		{Line: 8, Field: "title", Message: `no catalog role has this slug or matches this title: ""`},
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("line errors (-want +got):\n%s", diff)
	}
}

func TestParseCSVRefusesFilesWhole(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		file string
		want people.FileError
	}{
		"not UTF-8":      {"subject,name,role,tier\n\xff\n", people.FileError{Code: "malformed-csv", Msg: "the file is not valid UTF-8"}},
		"empty":          {"", people.FileError{Code: "invalid-csv-header", Msg: "the file is empty; it needs a header line"}},
		"missing column": {"subject,name\n", people.FileError{Code: "invalid-csv-header", Line: 1, Msg: "the header lacks the required column(s): tier, title or role"}},
		"twice":          {"subject,name,tier,role,Role\n", people.FileError{Code: "invalid-csv-header", Line: 1, Msg: `column "role" appears twice`}},
		"too many rows": {"subject,name,tier,role\na,A,mid,r\nb,B,mid,r\nc,C,mid,r\n",
			people.FileError{Code: "too-many-rows", TooMany: true, Msg: "the file holds more than 2 data rows; split it"}},
	} {
		_, err := people.ParseCSV([]byte(tc.file), 2)
		fe, ok := err.(*people.FileError)
		if !ok {
			t.Errorf("%s: err = %v, want a *FileError", name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, *fe); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", name, diff)
		}
	}
}
