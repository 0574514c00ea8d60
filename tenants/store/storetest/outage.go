package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
)

// Cut makes the PostgreSQL test database unavailable, as when the server
// is down: it refuses new connections and its open ones are terminated. The
// returned function lets connections in again; it also runs in t.Cleanup,
// and a second call does nothing. On SQLite, Cut closes the store, which
// cannot be undone: it returns nil.
func Cut(t testing.TB, db DB) (restore func()) {
	t.Helper()
	if db.Name != "postgres" {
		if err := db.Store.Close(); err != nil {
			t.Fatal(err)
		}
		return nil
	}
	u, err := url.Parse(db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := sql.Open("pgx", os.Getenv(EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := admin.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false")
	exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
	restored := false
	restore = func() {
		if !restored {
			restored = true
			exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true")
		}
	}
	t.Cleanup(func() { restore(); _ = admin.Close() })
	return restore
}
