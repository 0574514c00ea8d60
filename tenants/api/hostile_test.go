package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// hostilePDF reads one of the looping PDFs of issue 17.
func hostilePDF(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "domain", "text", "extract", "testdata", "hostile", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostilePDFsAnswer422AndTheServerStaysResponsive uploads the 648-byte
// PDF whose trailer /Prev names its own xref and the PDF whose object stream
// /Extends itself, each twice at once, while another tenant reads: every
// upload is a 422 extraction-limit problem, nothing is stored, the refusal
// is logged with the tenant and the file's SHA-256, and the read answers.
func TestHostilePDFsAnswer422AndTheServerStaysResponsive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newSandboxedEnv(t, db)
		victim, victimAdmin := e.createTenant("victim")
		attacker, admin := e.createTenant("attacker")
		expect(t, e.upload(victimAdmin, "Handbook", "Our engineers review each other's code."), 202, "victim upload")

		files := map[string][]byte{"prev-loop.pdf": hostilePDF(t, "prev-loop.pdf"), "extends-loop.pdf": hostilePDF(t, "extends-loop.pdf")}
		if n := len(files["prev-loop.pdf"]); n != 648 {
			t.Fatalf("prev-loop.pdf: got %d bytes, want 648", n)
		}
		_, _, auditBefore := e.counts(attacker)
		type answer struct {
			name string
			r    resp
			err  error
		}
		answers := make(chan answer, 2*len(files))
		var wg sync.WaitGroup
		for name, data := range files {
			for range 2 {
				wg.Go(func() {
					r, err := postFile(e.srv.URL, admin, name, "", data)
					answers <- answer{name, r, err}
				})
			}
		}
		read := e.do("GET", "/v1/documents", victimAdmin, nil)
		wg.Wait()
		close(answers)
		expect(t, read, 200, "the other tenant's read during the uploads")
		if !strings.Contains(string(read.Body), "Handbook") {
			t.Errorf("victim read: got %s, want its handbook", read.Body)
		}
		for a := range answers {
			if a.err != nil {
				t.Fatalf("%s: %v", a.name, a.err)
			}
			expect(t, a.r, 422, a.name)
			if got := a.r.json(t)["type"]; got != api.ProblemBase+"extraction-limit" {
				t.Errorf("%s: got problem type %v, want …/extraction-limit", a.name, got)
			}
		}
		if docs, _, audit := e.counts(attacker); docs != 0 || audit != auditBefore {
			t.Errorf("attacker: got %d documents and %d audit entries, want none and %d", docs, audit, auditBefore)
		}
		if docs, _, _ := e.counts(victim); docs != 1 {
			t.Errorf("victim: got %d documents, want 1", docs)
		}
		logged := map[string]bool{}
		for _, rec := range e.logs.atLeast(slog.LevelWarn) {
			if rec["msg"] == "document extraction exceeded its bound" && rec["tenant_id"] == attacker.String() {
				logged[rec["sha256"]] = true
			}
		}
		for name, data := range files {
			sum := sha256.Sum256(data)
			if !logged[hex.EncodeToString(sum[:])] {
				t.Errorf("%s: no warning with the tenant and sha256 %x in %v", name, sum, e.logs.atLeast(slog.LevelWarn))
			}
		}
	})
}
