package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// erasureMarkers are the clear texts one tenant's data holds: its
// document's sentence (in the document and as library evidence), an
// open-text answer and a review comment, all sealed; and its document's
// title, which is metadata and stored in clear (the scan's control: it
// proves the scan reads the files that hold the tenant's rows).
type erasureMarkers struct {
	sentence, answer, comment, title string
}

func newErasureMarkers() erasureMarkers {
	n := strings.ReplaceAll(uuid.NewString(), "-", "")
	return erasureMarkers{
		sentence: "The confidential layoff list names " + n + " first.",
		answer:   "I told nobody about " + n + " but the auditor.",
		comment:  "Reviewer notes on " + n + ": weak on delivery.",
		title:    "Title" + n,
	}
}

func (m erasureMarkers) sealed() []string { return []string{m.sentence, m.answer, m.comment} }

// seedErasure stores the markers in the tenant: a document, a library
// version quoting it, an assessment with the answer and its review.
func seedErasure(t *testing.T, s *store.Store, tenant tenants.ID, m erasureMarkers) uuid.UUID {
	t.Helper()
	doc := store.Document{ID: uuid.Must(uuid.NewV7()), Title: m.title, ContentType: "text/plain", SizeBytes: int64(len(m.sentence)),
		SHA256: uuid.NewString(), Text: "Intro. " + m.sentence + " Outro.", CreatedBy: "u1", CreatedAt: time.Now()}
	inTenant(t, s, tenant, func(tx *store.Tx) error { return tx.InsertDocument(doc) })
	lib := store.LibraryVersion{Version: 1, BuiltAt: time.Now().UTC(), Library: library.Library{Digest: "sha256:x",
		Competencies: []library.Competency{{Slug: "delivery", Name: "Delivery", Category: competency.Technical,
			Evidence: []library.Evidence{{DocumentID: doc.ID.String(), Excerpt: m.sentence}}}}}}
	inTenant(t, s, tenant, func(tx *store.Tx) error { return tx.InsertLibraryVersion(lib) })
	a := newAssessment(t, s, tenant)
	answer := m.answer
	inTenant(t, s, tenant, func(tx *store.Tx) error {
		if _, err := tx.SaveResponses(a.ID, 1, []assessment.Response{{ItemID: a.Items[0].ID, Text: &answer}}); err != nil {
			return err
		}
		_, err := tx.PutReview(store.Review{AssessmentID: a.ID, Reviewer: "mgr", SubmittedAt: time.Now().UTC(),
			Ratings: []store.ReviewRating{{CompetencySlug: "delivery", Level: 3, Comment: m.comment}}})
		return err
	})
	return a.ID
}

// checkErasureReads reads the markers back through the store (decrypt on
// read), and checks that the columns hold them sealed.
func checkErasureReads(t *testing.T, db storetest.DB, tenant tenants.ID, m erasureMarkers, assessmentID uuid.UUID) {
	t.Helper()
	inTenant(t, db.Store, tenant, func(tx *store.Tx) error {
		docs, err := tx.AllDocuments()
		if err != nil || len(docs) != 1 || !strings.Contains(docs[0].Text, m.sentence) || docs[0].Title != m.title {
			return fmt.Errorf("documents read back: %+v, %v", docs, err)
		}
		lib, err := tx.LatestLibrary()
		if err != nil || lib.Competencies[0].Evidence[0].Excerpt != m.sentence {
			return fmt.Errorf("library read back: %+v, %v", lib.Competencies, err)
		}
		a, err := tx.Assessment(assessmentID)
		if err != nil || len(a.Responses) != 1 || *a.Responses[0].Text != m.answer {
			return fmt.Errorf("responses read back: %+v, %v", a.Responses, err)
		}
		r, err := tx.Review(assessmentID)
		if err != nil || r.Ratings[0].Comment != m.comment {
			return fmt.Errorf("review read back: %+v, %v", r, err)
		}
		e, err := tx.Employee(a.EmployeeID)
		if err != nil || e.Name != "Name "+e.Subject {
			return fmt.Errorf("employee read back: %+v, %v", e, err)
		}
		return nil
	})
	for _, q := range []string{"SELECT body_text FROM documents", "SELECT content FROM library_versions",
		"SELECT responses FROM assessments", "SELECT ratings FROM assessment_reviews", "SELECT name FROM employees"} {
		for _, row := range db.ScopedRows(t, tenant, q) {
			if !strings.HasPrefix(row[0], "enc1:") || strings.Contains(row[0], m.sentence) {
				t.Errorf("%s: stored %.60q…, want sealed text", q, row[0])
			}
		}
	}
}

// TestErasureSQLiteFile: the tenant's sentences never reach the SQLite
// files in clear text, and after the tenant is deleted its key is gone
// while another tenant's data still reads.
func TestErasureSQLiteFile(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	a, b := newTenant(t, db.Store, "acme"), newTenant(t, db.Store, "globex")
	ma, mb := newErasureMarkers(), newErasureMarkers()
	aid := seedErasure(t, db.Store, a, ma)
	bid := seedErasure(t, db.Store, b, mb)
	checkErasureReads(t, db, a, ma, aid)

	scan := func() []byte { return readTree(t, db.DataDir) }
	before := scan()
	if !bytes.Contains(before, []byte(ma.title)) {
		t.Fatal("control: the scan of the SQLite files does not find the tenant's title (stored in clear); it reads the wrong files")
	}
	expectAbsent(t, "SQLite files before the delete", before, ma.sealed())

	if err := db.Store.DeleteTenant(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.DB().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	after := scan()
	expectAbsent(t, "SQLite files after the delete", after, ma.sealed())
	// secure_delete zeroes the freed pages: not even the clear-text title
	// is left.
	if bytes.Contains(after, []byte(ma.title)) {
		t.Error("the deleted tenant's title is still in the SQLite files (secure_delete off?)")
	}
	if n := len(db.ScopedRows(t, a, "SELECT tenant_id FROM tenant_keys WHERE tenant_id = '"+a.String()+"'")); n != 0 {
		t.Errorf("the deleted tenant's key is still stored (%d rows)", n)
	}
	checkErasureReads(t, db, b, mb, bid)
}

// TestErasurePostgres: the tenant's sentences are in no pg_dump of the
// database and in none of its files (heap, indexes, TOAST) or the WAL
// written during the test, before or after the delete; the tenant's key
// row is gone after it. The files are read by the server
// (pg_read_binary_file, as the superuser of CADRE_TEST_DATABASE_URL), so
// the test needs no access to the data directory itself.
func TestErasurePostgres(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var walStart string
	if err := admin.QueryRowContext(ctx, "SELECT pg_walfile_name(pg_current_wal_lsn())").Scan(&walStart); err != nil {
		t.Fatal(err)
	}
	a, b := newTenant(t, db.Store, "acme"), newTenant(t, db.Store, "globex")
	ma, mb := newErasureMarkers(), newErasureMarkers()
	aid := seedErasure(t, db.Store, a, ma)
	bid := seedErasure(t, db.Store, b, mb)
	checkErasureReads(t, db, a, ma, aid)

	dbName := strings.TrimPrefix(mustURL(t, db.OwnerURL).Path, "/")
	before := serverFiles(t, admin, dbName, walStart)
	if !bytes.Contains(before, []byte(ma.title)) {
		t.Fatal("control: the scan of the database files does not find the tenant's title (stored in clear); it reads the wrong files")
	}
	expectAbsent(t, "PostgreSQL files and WAL before the delete", before, ma.sealed())
	dumpBefore := pgDump(t, adminURLFor(t, dbName))
	if dumpBefore != nil && !bytes.Contains(dumpBefore, []byte(ma.title)) {
		t.Fatal("control: pg_dump does not hold the tenant's title")
	}

	if err := db.Store.DeleteTenant(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	expectAbsent(t, "PostgreSQL files and WAL after the delete", serverFiles(t, admin, dbName, walStart), ma.sealed())
	if dump := pgDump(t, adminURLFor(t, dbName)); dump != nil {
		expectAbsent(t, "pg_dump after the delete", dump, append(ma.sealed(), ma.title))
	}
	var keys int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM tenant_keys WHERE tenant_id = $1", a.String()).Scan(&keys); err == nil {
		t.Fatal("the admin connection reads the postgres database, not the test's")
	}
	checkErasureReads(t, db, b, mb, bid)
	owner, err := sql.Open("pgx", adminURLFor(t, dbName))
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if err := owner.QueryRowContext(ctx, "SELECT count(*) FROM tenant_keys WHERE tenant_id = $1", a.String()).Scan(&keys); err != nil || keys != 0 {
		t.Errorf("the deleted tenant's key rows: %d, %v; want 0", keys, err)
	}
	if err := owner.QueryRowContext(ctx, "SELECT count(*) FROM tenant_keys WHERE tenant_id = $1", b.String()).Scan(&keys); err != nil || keys != 1 {
		t.Errorf("the other tenant's key rows: %d, %v; want 1", keys, err)
	}
}

func expectAbsent(t *testing.T, where string, data []byte, markers []string) {
	t.Helper()
	for _, m := range markers {
		if bytes.Contains(data, []byte(m)) {
			t.Errorf("%s hold %q in clear text", where, m)
		}
	}
}

// readTree concatenates every file under dir.
func readTree(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a -shm or -wal file gone meanwhile
		}
		all = append(all, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// serverFiles checkpoints, then reads (as the server) every file of the
// database and every WAL segment from walStart on.
func serverFiles(t *testing.T, admin *sql.DB, dbName, walStart string) []byte {
	t.Helper()
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CHECKPOINT"); err != nil {
		t.Fatal(err)
	}
	var oid string
	if err := admin.QueryRowContext(ctx, "SELECT oid::text FROM pg_database WHERE datname = $1", dbName).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	var paths []string
	list := func(query string, args ...any) {
		t.Helper()
		rows, err := admin.QueryContext(ctx, query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
	}
	list("SELECT 'base/' || $1 || '/' || f FROM pg_ls_dir('base/' || $1) f", oid)
	list("SELECT 'pg_wal/' || name FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' AND name >= $1", walStart)
	var all []byte
	for _, p := range paths {
		var b []byte
		err := admin.QueryRowContext(ctx, "SELECT pg_read_binary_file($1, 0, (pg_stat_file($1, true)).size, true)", p).Scan(&b)
		if err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		all = append(all, b...)
	}
	return all
}

// pgDump dumps the database as a superuser (a dump as a role under
// row-level security fails); nil (and the test says so) when pg_dump is not
// installed.
func pgDump(t *testing.T, url string) []byte {
	t.Helper()
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		t.Log("pg_dump is not installed: the dump is not scanned")
		return nil
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--data-only", url)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg_dump: %v: %s", err, stderr.String())
	}
	return out
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// adminURLFor is the superuser URL on the test database (row-level
// security does not apply to it).
func adminURLFor(t *testing.T, dbName string) string {
	u := mustURL(t, os.Getenv(storetest.EnvURL))
	u.Path = "/" + dbName
	return u.String()
}
