package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func newTenant(t testing.TB, s *store.Store, slug string) tenants.ID {
	t.Helper()
	id := tenants.NewID()
	err := s.CreateTenant(context.Background(), store.Tenant{ID: id, Name: slug, Slug: slug, Industry: "finance", CreatedAt: time.Now()}, func(tx *store.Tx) error {
		_, err := tx.Emit(events.TypeTenantCreated, id.String(), events.TenantCreated{Name: slug, Slug: slug, Industry: "finance"})
		return err
	})
	if err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return id
}

func addDocument(t *testing.T, s *store.Store, tenant tenants.ID, sum string) store.Document {
	t.Helper()
	d := store.Document{ID: uuid.Must(uuid.NewV7()), Title: "Handbook", ContentType: "text/plain", SizeBytes: 5, SHA256: sum, Text: "hello", CreatedBy: "u1", CreatedAt: time.Now()}
	err := s.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		if err := tx.InsertDocument(d); err != nil {
			return err
		}
		if _, err := tx.BumpContextRevision(); err != nil {
			return err
		}
		if err := tx.Audit("u1", "document.upload", "document/"+d.ID.String(), nil); err != nil {
			return err
		}
		_, err := tx.Emit(events.TypeDocumentUploaded, d.ID.String(), events.DocumentUploaded{DocumentID: d.ID.String(), Title: d.Title})
		return err
	})
	if err != nil {
		t.Fatalf("add document: %v", err)
	}
	return d
}

func TestDocumentsAreTenantScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		d := addDocument(t, s, a, "aaaa")

		// Same tenant reads it, text included on request.
		err := s.InTenant(ctx, a, func(tx *store.Tx) error {
			got, err := tx.Document(d.ID, true)
			if err != nil {
				return err
			}
			if got.Text != "hello" || got.Title != "Handbook" {
				t.Errorf("got %+v, want the stored document", got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Another tenant sees nothing and deletes nothing.
		err = s.InTenant(ctx, b, func(tx *store.Tx) error {
			if _, err := tx.Document(d.ID, false); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cross-tenant read: got %v, want ErrNotFound", err)
			}
			if _, err := tx.DeleteDocument(d.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cross-tenant delete: got %v, want ErrNotFound", err)
			}
			list, err := tx.Documents(uuid.Nil, 10)
			if err != nil {
				return err
			}
			if len(list) != 0 {
				t.Errorf("cross-tenant list: got %d documents, want 0", len(list))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The same bytes in the same tenant conflict; in another tenant they don't.
		err = s.InTenant(ctx, a, func(tx *store.Tx) error {
			return tx.InsertDocument(store.Document{ID: uuid.Must(uuid.NewV7()), Title: "x", ContentType: "text/plain", SHA256: "aaaa", CreatedAt: time.Now()})
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate sha256: got %v, want ErrConflict", err)
		}
		addDocument(t, s, b, "aaaa")
		// Context revision counts changes.
		_ = s.InTenant(ctx, a, func(tx *store.Tx) error {
			tn, err := tx.LoadTenant()
			if err != nil {
				return err
			}
			if tn.ContextRevision != 1 {
				t.Errorf("context revision: got %d, want 1", tn.ContextRevision)
			}
			return nil
		})
	})
}

func TestValuesReplace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		set := func(tenant tenants.ID, vs ...store.Value) {
			if err := s.InTenant(ctx, tenant, func(tx *store.Tx) error { return tx.ReplaceValues(vs) }); err != nil {
				t.Fatal(err)
			}
		}
		set(a, store.Value{Name: "Candour", Description: "Say it"}, store.Value{Name: "Craft"})
		set(b, store.Value{Name: "Speed"})
		set(a, store.Value{Name: "Craft"}, store.Value{Name: "Care"})
		var got []store.Value
		_ = s.InTenant(ctx, a, func(tx *store.Tx) (err error) { got, err = tx.Values(); return err })
		want := []store.Value{{Name: "Craft"}, {Name: "Care"}}
		if !slices.Equal(got, want) {
			t.Errorf("values: got %v, want %v", got, want)
		}
	})
}

func TestDeleteTenantErasesEveryRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		ctx := context.Background()
		s := db.Store
		a, b := newTenant(t, s, "acme"), newTenant(t, s, "globex")
		addDocument(t, s, a, "aaaa")
		addDocument(t, s, b, "bbbb")
		if _, _, err := s.ClaimIdempotencyKey(ctx, a, store.IdempotencyScope{Subject: "u", Method: "POST", Route: "/v1/documents", Key: "k1"}, "h"); err != nil {
			t.Fatal(err)
		}
		err := s.DeleteTenant(ctx, a, func(tx *store.Tx, tn store.Tenant) error {
			_, err := tx.Emit(events.TypeTenantDeleted, a.String(), events.TenantDeleted{Slug: tn.Slug})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The relay publishes tenant.deleted, then its row goes too.
		n, err := s.Outbox().Drain(ctx, 100, func(ctx context.Context, recs []events.OutboxRecord) (int, error) { return len(recs), nil })
		if err != nil || n == 0 {
			t.Fatalf("drain: %d, %v", n, err)
		}
		tables := tablesWithTenantID(t, db)
		for _, want := range store.TenantTables() {
			if !slices.Contains(tables, want) {
				t.Errorf("TenantTables lists %s, which has no tenant_id", want)
			}
		}
		for _, table := range tables {
			if !slices.Contains(store.TenantTables(), table) {
				t.Errorf("table %s has tenant_id but DeleteTenant does not erase it", table)
			}
			if got := countRows(t, db, table, a); got != 0 {
				t.Errorf("%s: %d rows of the deleted tenant remain", table, got)
			}
		}
		if got := countRows(t, db, "tenants", a); got != 0 {
			t.Errorf("tenants: the deleted tenant remains")
		}
		if got := countRows(t, db, "documents", b); got != 1 {
			t.Errorf("documents of the other tenant: got %d, want 1", got)
		}
		if err := s.DeleteTenant(ctx, a, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second delete: got %v, want ErrNotFound", err)
		}
	})
}

// rawDB opens a connection with full rights for inspecting the schema: the
// owner on PostgreSQL (subject to FORCE RLS, so counts use the tenant
// setting), the file itself on SQLite.
func rawDB(t *testing.T, db storetest.DB) *sql.DB {
	t.Helper()
	if db.Name == "postgres" {
		c, err := sql.Open("pgx", db.OwnerURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	c, err := sql.Open("sqlite", store.SQLiteDSN(db.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func tablesWithTenantID(t *testing.T, db storetest.DB) []string {
	t.Helper()
	c := rawDB(t, db)
	q := `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1`
	if db.Name == "sqlite" {
		q = `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'tenant_id' ORDER BY 1`
	}
	rows, err := c.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if len(out) < 5 {
		t.Fatalf("found only tables %v with tenant_id", out)
	}
	return out
}

func countRows(t *testing.T, db storetest.DB, table string, tenant tenants.ID) int {
	t.Helper()
	c := rawDB(t, db)
	col := "tenant_id"
	if table == "tenants" {
		col = "id"
	}
	ctx := context.Background()
	conn, err := c.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if db.Name == "postgres" {
		if _, err := conn.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, false)", tenant.String()); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	q := "SELECT count(*) FROM " + table + " WHERE " + col + " = $1"
	if err := conn.QueryRowContext(ctx, q, tenant.String()).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestRowLevelSecurity runs unscoped queries as the app role: without
// app.tenant_id they see no rows at all, and scoped to one tenant they see
// none of another's, even without a WHERE clause.
func TestRowLevelSecurity(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	a, b := newTenant(t, db.Store, "acme"), newTenant(t, db.Store, "globex")
	addDocument(t, db.Store, a, "aaaa")
	addDocument(t, db.Store, b, "bbbb")
	app, err := sql.Open("pgx", db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	for _, table := range append(store.TenantTables(), "tenants") {
		var n int
		if err := app.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if n != 0 {
			t.Errorf("unscoped SELECT on %s as the app role: got %d rows, want 0", table, n)
		}
	}
	tx, err := app.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, true)", a.String()); err != nil {
		t.Fatal(err)
	}
	var foreign int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM documents WHERE tenant_id <> $1", a.String()).Scan(&foreign); err != nil {
		t.Fatal(err)
	}
	if foreign != 0 {
		t.Errorf("scoped to A, saw %d of B's documents", foreign)
	}
	// Writing a row for another tenant is refused by the policy's WITH CHECK.
	_, err = tx.ExecContext(ctx, "INSERT INTO company_values (tenant_id, position, name, description) VALUES ($1, 0, 'x', '')", b.String())
	if err == nil {
		t.Errorf("insert for another tenant: got nil error, want a row-level security violation")
	}
	var super, bypass bool
	if err := app.QueryRowContext(ctx, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").Scan(&super, &bypass); err != nil {
		t.Fatal(err)
	}
	if super || bypass {
		t.Errorf("app role: superuser=%v bypassrls=%v, want neither", super, bypass)
	}
}
