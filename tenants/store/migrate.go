package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/cadrehq/cadre/migrations"

	_ "github.com/glebarez/go-sqlite"  // registers the "sqlite" database/sql driver
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Migrator applies the embedded migrations of one dialect with goose. On
// PostgreSQL it holds a session advisory lock while it works, so several
// processes starting at once migrate one at a time.
type Migrator struct {
	db       *sql.DB
	provider *goose.Provider
}

// NewMigrator opens its own connection to url (a postgres:// URL of the role
// that owns the schema, or empty for the SQLite file under dataDir).
func NewMigrator(url, dataDir string, log *slog.Logger) (*Migrator, error) {
	var (
		db      *sql.DB
		dialect goose.Dialect
		fsys    fs.FS
		opts    []goose.ProviderOption
		err     error
	)
	if log == nil {
		log = slog.Default()
	}
	if IsPostgresURL(url) {
		db, err = sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		dialect = goose.DialectPostgres
		fsys, _ = fs.Sub(migrations.Postgres, "postgres")
		locker, lerr := lock.NewPostgresSessionLocker()
		if lerr != nil {
			return nil, fmt.Errorf("migrations: %w", lerr)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	} else {
		if url != "" {
			return nil, fmt.Errorf("migrations: unsupported database url scheme (want postgres://)")
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		db, err = sql.Open("sqlite", SQLiteDSN(dataDir))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		db.SetMaxOpenConns(1)
		dialect = goose.DialectSQLite3
		fsys, _ = fs.Sub(migrations.SQLite, "sqlite")
	}
	opts = append(opts, goose.WithSlog(log))
	p, err := goose.NewProvider(dialect, db, fsys, opts...)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{db: db, provider: p}, nil
}

// Up applies every pending migration and reports how many it applied.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.provider.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// Down rolls back the latest migration.
func (m *Migrator) Down(ctx context.Context) error {
	if _, err := m.provider.Down(ctx); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version int64
	Source  string
	Applied bool
}

// Status lists every known migration with its state.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Source: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Close releases the migrator's connection.
func (m *Migrator) Close() error { return m.db.Close() }
