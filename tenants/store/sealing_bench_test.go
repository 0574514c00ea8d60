package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/crypt"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// BenchmarkUploadSealing measures what sealing costs an upload's
// transaction (the document with 17 KB of text, the context revision, the
// audit entry and the document.uploaded event, as tenants/app writes them)
// through a store that seals and a second handle that does not
// (store.Config.Plaintext), alternately into the same tenant in the same
// run,
// on SQLite and (with CADRE_TEST_DATABASE_URL) PostgreSQL. Reported:
// sealed-docs/s, plain-docs/s and overhead-% (target ≤ 10).
func BenchmarkUploadSealing(b *testing.B) {
	// A real document of 17 KB (cmd/cadre's demo corpus).
	raw, err := os.ReadFile(filepath.Join("..", "..", "cmd", "cadre", "demo", "corpus", "monzo-backend-engineering-progression.md"))
	if err != nil {
		b.Fatal(err)
	}
	text := string(raw)
	dbs := []func(testing.TB) storetest.DB{storetest.SQLite, storetest.Postgres}
	for _, open := range dbs {
		db := open(b)
		kek, err := crypt.ParseKEK(storetest.KEK)
		if err != nil {
			b.Fatal(err)
		}
		cfg := store.Config{URL: db.AppURL, DataDir: db.DataDir, Logger: nil, MaxOpenConns: 10, KMS: kek, Plaintext: true}
		sealing := db.Store
		if db.Name == "sqlite" {
			cfg.KMS = nil // the development key in the data dir, as the sealing store's
		}
		plain, err := store.Open(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = plain.Close() })
		b.Run(db.Name, func(b *testing.B) {
			tenant := newTenant(b, sealing, "t"+uuid.NewString()[:8])
			upload := func(s *store.Store) time.Duration {
				d := store.Document{ID: uuid.Must(uuid.NewV7()), Title: "Handbook", ContentType: "text/plain", SizeBytes: int64(len(text)),
					SHA256: uuid.NewString(), Text: text, CreatedBy: "u1", CreatedAt: time.Now()}
				t0 := time.Now()
				err := s.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
					if err := tx.InsertDocument(d); err != nil {
						return err
					}
					rev, err := tx.BumpContextRevision()
					if err != nil {
						return err
					}
					if err := tx.Audit("u1", "document.upload", "document/"+d.ID.String(), nil); err != nil {
						return err
					}
					_, err = tx.Emit(events.TypeDocumentUploaded, d.ID.String(), events.DocumentUploaded{DocumentID: d.ID.String(),
						Title: d.Title, SizeBytes: d.SizeBytes, SHA256: d.SHA256, ContextRevision: rev})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				return time.Since(t0)
			}
			var sealed, unsealed time.Duration
			i := 0
			for b.Loop() {
				// Alternate which goes first, so neither always writes
				// into the fuller file.
				if i%2 == 0 {
					sealed += upload(sealing)
					unsealed += upload(plain)
				} else {
					unsealed += upload(plain)
					sealed += upload(sealing)
				}
				i++
			}
			b.ReportMetric(float64(i)/sealed.Seconds(), "sealed-docs/s")
			b.ReportMetric(float64(i)/unsealed.Seconds(), "plain-docs/s")
			b.ReportMetric(100*(sealed.Seconds()/unsealed.Seconds()-1), "overhead-%")
		})
	}
}
