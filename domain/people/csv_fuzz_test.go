package people_test

import (
	"errors"
	"testing"

	"github.com/cadrehq/cadre/domain/people"
)

// FuzzImportCSV feeds arbitrary bytes to the import's CSV parser and its
// per-line validation: they never panic, a file error has one of the known
// codes (and says TooMany exactly for too many rows), rows carry increasing line numbers past
// the header, and every row is either staged or reported.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("subject,name,email,title,role,tier,manager,team\nu1,Ann,ann@acme.test,DevOps Engineer,,mid,,platform\n"))
	f.Add([]byte("subject,name,role,tier\nu1,\"Quoted, name\",devops-engineer,senior\n"))
	f.Add([]byte("subject,name,role,tier\nu1,\"Unclosed,devops-engineer,mid\n"))
	f.Add([]byte("\xef\xbb\xbfSUBJECT,Name,Title,Tier\nu1,Ann,Data Analyst,entry\n"))
	f.Add([]byte("subject,name,role,tier\nu1,Ann\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := people.ParseCSV(data, 50)
		if err != nil {
			var fe *people.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a file error", err)
			}
			switch fe.Code {
			case "malformed-csv", "invalid-csv-header", "too-many-rows":
			default:
				t.Fatalf("file error %+v: want one of the known codes", fe)
			}
			if fe.TooMany != (fe.Code == "too-many-rows") {
				t.Fatalf("file error %+v: TooMany must be set exactly for too-many-rows", fe)
			}
			return
		}
		if len(rows) > 50 {
			t.Fatalf("%d rows past the limit of 50", len(rows))
		}
		last := 1
		for _, r := range rows {
			if r.Line <= last {
				t.Fatalf("row line %d after line %d", r.Line, last)
			}
			last = r.Line
		}
		staged, errs := people.Stage(rows)
		if len(staged)+len(errs) != len(rows) {
			t.Fatalf("%d staged + %d errors != %d rows", len(staged), len(errs), len(rows))
		}
	})
}
