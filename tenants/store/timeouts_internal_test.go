package store

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/crypt"
	"github.com/cadrehq/cadre/tenants"
)

// TestSessionTimeouts: the store's PostgreSQL sessions run with the
// default timeouts unless the URL sets its own, and a statement that
// outlives statement_timeout fails as ErrUnavailable instead of holding its
// transaction. It needs no schema: set_config and pg_sleep run anywhere.
func TestSessionTimeouts(t *testing.T) {
	admin := os.Getenv("CADRE_TEST_DATABASE_URL")
	if admin == "" {
		t.Skip("CADRE_TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{URL: admin, KMS: testKEK(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, kv := range sessionTimeouts {
		var got string
		if err := s.DB().QueryRowContext(ctx, "SELECT current_setting($1)", kv[0]).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"30s": "30s", "5s": "5s", "60s": "1min"}[kv[1]]; got != want {
			t.Errorf("%s = %s, want %s", kv[0], got, want)
		}
	}

	short, err := Open(ctx, Config{URL: admin + sep(admin) + "statement_timeout=200", KMS: testKEK(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	start := time.Now()
	err = short.InTenant(ctx, tenants.NewID(), func(tx *Tx) error {
		return tx.db.Exec("SELECT pg_sleep(5)").Error
	})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a statement past statement_timeout: %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("the statement ran %v, want it cut at the 200 ms timeout", d)
	}
}

// sep is the separator before another query parameter of u.
func sep(u string) string {
	if strings.Contains(u, "?") {
		return "&"
	}
	return "?"
}

// testKEK is a fresh key-encryption key, so that the test's store does not
// make a development key in the package folder.
func testKEK(t *testing.T) *crypt.LocalKEK {
	t.Helper()
	kek, err := crypt.NewLocalKEK(crypt.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	return kek
}
