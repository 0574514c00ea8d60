// Package storetest gives tests real, migrated databases: an SQLite file in a
// temporary folder always, and a fresh PostgreSQL database when
// CADRE_TEST_DATABASE_URL names a server (a superuser URL on a server that
// trusts local connections, as CI's). Each PostgreSQL database is created for
// the test, migrated by an owner role, used through an app role that owns
// nothing and cannot bypass row-level security, and dropped in t.Cleanup.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/cadrehq/cadre/internal/crypt"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// EnvURL names the PostgreSQL server for tests.
const EnvURL = "CADRE_TEST_DATABASE_URL"

// Roles used on the test server. Tests create them when missing.
const (
	OwnerRole = "cadre_test_owner"
	AppRole   = "cadre_test_app"
)

// KEK is the key-encryption key (base64, the form of CADRE_KEK) of every
// PostgreSQL test store of this process: a process started by a test
// against the same database (a worker) needs it to read the tenants' sealed
// data. SQLite stores use the development key in their data dir.
var KEK = base64.StdEncoding.EncodeToString(crypt.NewKey())

// DB is one test database.
type DB struct {
	Name  string // "sqlite" or "postgres"
	Store *store.Store
	// DataDir is the SQLite folder (empty on PostgreSQL).
	DataDir string
	// AppURL and OwnerURL are the PostgreSQL URLs (empty on SQLite).
	AppURL, OwnerURL string
}

// Each runs fn as a subtest for SQLite and, when configured, PostgreSQL.
func Each(t *testing.T, fn func(t *testing.T, db DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvURL) == "" {
		t.Run("postgres", func(t *testing.T) { t.Skip(EnvURL + " is not set") })
		return
	}
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite opens a migrated SQLite store in a temporary folder.
func SQLite(t testing.TB) DB {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	m, err := store.NewMigrator("", dir, quiet())
	if err != nil {
		t.Fatalf("migrator: %v", err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	_ = m.Close()
	s, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return DB{Name: "sqlite", Store: s, DataDir: dir}
}

// Postgres creates, migrates and opens a fresh PostgreSQL database; the test
// is skipped when CADRE_TEST_DATABASE_URL is not set.
func Postgres(t testing.TB) DB {
	t.Helper()
	admin := os.Getenv(EnvURL)
	if admin == "" {
		t.Skip(EnvURL + " is not set")
	}
	ctx := context.Background()
	ownerURL, appURL, drop, err := CreateDatabase(ctx, admin)
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(drop)
	m, err := store.NewMigrator(ownerURL, "", quiet())
	if err != nil {
		t.Fatalf("migrator: %v", err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	_ = m.Close()
	kek, err := crypt.ParseKEK(KEK)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, store.Config{URL: appURL, Logger: quiet(), MaxOpenConns: 10, KMS: kek})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return DB{Name: "postgres", Store: s, AppURL: appURL, OwnerURL: ownerURL}
}

// CreateDatabase makes the owner and app roles (if missing) and a fresh
// database owned by the owner, with the default privileges of the
// deployment contract (README), and returns the owner's and the app's URLs
// and a function that drops the database.
func CreateDatabase(ctx context.Context, adminURL string) (ownerURL, appURL string, drop func(), err error) {
	adm, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", "", nil, err
	}
	defer adm.Close()
	for _, stmt := range []string{
		"CREATE ROLE " + OwnerRole + " LOGIN NOSUPERUSER NOBYPASSRLS",
		"CREATE ROLE " + AppRole + " LOGIN NOSUPERUSER NOBYPASSRLS",
	} {
		if _, err := adm.ExecContext(ctx, stmt); err != nil && !alreadyExists(err) {
			return "", "", nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cadre_test_" + hex.EncodeToString(b)
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name+" OWNER "+OwnerRole); err != nil {
		return "", "", nil, err
	}
	drop = func() {
		a, err := sql.Open("pgx", adminURL)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	ownerURL, err = withUserDB(adminURL, OwnerRole, name)
	if err != nil {
		drop()
		return "", "", nil, err
	}
	appURL, _ = withUserDB(adminURL, AppRole, name)
	own, err := sql.Open("pgx", ownerURL)
	if err != nil {
		drop()
		return "", "", nil, err
	}
	defer own.Close()
	for _, stmt := range []string{
		"GRANT CONNECT ON DATABASE " + name + " TO " + AppRole,
		"GRANT USAGE ON SCHEMA public TO " + AppRole,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + OwnerRole + " IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + AppRole,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + OwnerRole + " IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO " + AppRole,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + OwnerRole + " IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO " + AppRole,
	} {
		if _, err := own.ExecContext(ctx, stmt); err != nil {
			drop()
			return "", "", nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return ownerURL, appURL, drop, nil
}

func withUserDB(raw, user, db string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.User = url.User(user)
	u.Path = "/" + db
	return u.String(), nil
}

func alreadyExists(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// duplicate_object, or a concurrent CREATE ROLE racing on pg_authid.
		return pg.Code == "42710" || pg.Code == "23505" || pg.Code == "XX000" && strings.Contains(pg.Message, "tuple concurrently updated")
	}
	return false
}

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(discard{}, &slog.HandlerOptions{Level: slog.LevelError + 4}))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// ScopedRows runs query in a transaction scoped to the tenant (row-level
// security on PostgreSQL, as the app role) and returns its rows as strings
// (NULL as ""). It fails the test on any error.
func (db DB) ScopedRows(t testing.TB, tenant tenants.ID, query string) [][]string {
	t.Helper()
	ctx := context.Background()
	tx, err := db.Store.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if db.Store.Dialect() == store.Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenant.String()); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
