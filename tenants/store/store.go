// Package store is Cadre's tenant-scoped persistence: gorm over PostgreSQL
// (with row-level security) or embedded SQLite. Every query runs inside a
// transaction opened by InTenant, which scopes it to one tenant; the narrow
// platform path (Platform) is the only way to act across tenants.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/cadrehq/cadre/internal/crypt"
	"github.com/cadrehq/cadre/tenants"
)

// Dialect names the database engine behind a Store.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Config says where the database is.
type Config struct {
	// URL is a postgres:// (or postgresql://) URL; empty selects the embedded
	// SQLite database under DataDir.
	URL string
	// DataDir holds the SQLite file (cadre.db). Default "./data".
	DataDir string
	// MaxOpenConns bounds the PostgreSQL pool. Default 20. SQLite always
	// uses one connection: the file has one writer at a time.
	MaxOpenConns int
	// Logger receives slow-query and error logs. Default slog.Default().
	Logger *slog.Logger
	// KMS wraps the tenants' data keys (see keys.go). Default: the
	// development key-encryption key in DataDir (crypt.LoadOrCreateKEK).
	KMS crypt.KMS
	// Plaintext stores new values unsealed (sealed ones still read). For
	// the benchmarks that measure what sealing costs, beside a sealing
	// store on the same database; nothing in cadre sets it.
	Plaintext bool
}

// Store is the database handle. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	log     *slog.Logger

	mu       sync.Mutex
	onCommit []func() // called after a commit that wrote outbox rows
	onFanout []func() // called after a commit that advanced a plan fan-out (plans_fanout.go)
	sqlDB    *sql.DB

	kms       crypt.KMS
	keys      keyCache
	plaintext bool
}

// Open connects to the configured database. It does not migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "./data"
	}
	if cfg.MaxOpenConns <= 0 {
		cfg.MaxOpenConns = 20
	}
	if cfg.KMS == nil {
		kek, err := crypt.LoadOrCreateKEK(cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		cfg.KMS = kek
	}
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		// The dialect's own error translation (gorm.ErrDuplicatedKey and
		// friends, with the driver error still wrapped); translate turns
		// what it leaves into this package's sentinels.
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	}
	var (
		db      *gorm.DB
		dialect Dialect
		err     error
	)
	if IsPostgresURL(cfg.URL) {
		dialect = Postgres
		db, err = gorm.Open(postgres.Open(withSessionTimeouts(cfg.URL)), gcfg)
	} else {
		if cfg.URL != "" {
			return nil, fmt.Errorf("open store: unsupported database url scheme (want postgres://)")
		}
		dialect = SQLite
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		db, err = gorm.Open(sqliteDialector{sqlite.Open(SQLiteDSN(cfg.DataDir)).(*sqlite.Dialector)}, gcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if dialect == SQLite {
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(cfg.MaxOpenConns)
		sqlDB.SetMaxIdleConns(cfg.MaxOpenConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	s := &Store{db: db, dialect: dialect, log: cfg.Logger, sqlDB: sqlDB, kms: cfg.KMS, plaintext: cfg.Plaintext}
	if err := s.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDialector is the SQLite gorm dialector with its error translation
// keeping the driver's error: the driver's own Translate replaces a unique
// violation with a bare gorm.ErrDuplicatedKey, while the PostgreSQL one
// wraps the PgError. Every other method is the driver's.
type sqliteDialector struct{ *sqlite.Dialector }

// Translate wraps the driver's error in gorm's translation of it.
func (d sqliteDialector) Translate(err error) error {
	if t := d.Dialector.Translate(err); t != err {
		return fmt.Errorf("%w: %w", t, err)
	}
	return err
}

// The timeouts every PostgreSQL session of the store runs with, unless the
// URL sets them itself (as query parameters, which pgx sends as runtime
// parameters). They turn a stuck statement, a long lock wait or a
// transaction left open into an error (ErrUnavailable: the request answers
// 503, a worker retries with backoff) instead of a tenant frozen behind it.
var sessionTimeouts = [...][2]string{
	// No single statement of Cadre's runs for long: tenant-wide work is
	// batched (500 rows a statement).
	{"statement_timeout", "30s"},
	// A write waiting longer than this for a row lock (the tenant row,
	// a plan head) gives up, so no writer waits on a worker for long.
	{"lock_timeout", "5s"},
	// A transaction idle this long is the process's fault (a hang):
	// PostgreSQL ends it and frees its locks.
	{"idle_in_transaction_session_timeout", "60s"},
}

// withSessionTimeouts adds the sessionTimeouts the URL does not set.
func withSessionTimeouts(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw // gorm reports the malformed URL
	}
	q := u.Query()
	for _, kv := range sessionTimeouts {
		if !q.Has(kv[0]) {
			q.Set(kv[0], kv[1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// IsPostgresURL reports whether url selects PostgreSQL.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// SQLiteDSN is the DSN of the embedded database file under dataDir.
func SQLiteDSN(dataDir string) string {
	path := filepath.Join(dataDir, "cadre.db")
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=secure_delete(1)"
}

// Dialect reports the engine behind s.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.sqlDB.Close() }

// DB returns the underlying *sql.DB (for migrations and health checks).
func (s *Store) DB() *sql.DB { return s.sqlDB }

// OnCommit registers fn to be called after every commit that wrote outbox
// rows (the relay's wake-up). fn must not block.
func (s *Store) OnCommit(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onCommit = append(s.onCommit, fn)
}

func (s *Store) committed() {
	s.mu.Lock()
	fns := s.onCommit
	s.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Tx is one tenant-scoped transaction. Every method runs inside it; it is
// only valid inside the function passed to InTenant.
type Tx struct {
	db      *gorm.DB
	tenant  tenants.ID
	scope   string
	store   *Store
	emitted int
	fanout  bool           // the transaction advanced a plan fan-out
	key     *crypt.DataKey // the tenant's data key, once needed
}

// Tenant is the tenant this transaction is scoped to.
func (tx *Tx) Tenant() tenants.ID { return tx.tenant }

func (tx *Tx) scopeID() string { return tx.scope }

// InTenant runs fn in one transaction scoped to tenant: on PostgreSQL the
// transaction starts with set_config('app.tenant_id', tenant, true), so
// row-level security sees only that tenant's rows, and every query in this
// package also filters by tenant_id. fn's error rolls everything back. A
// transaction that loses a deadlock or a serialization conflict is rolled
// back and fn runs again (see inScope), so fn must be safe to re-run: it
// writes only through tx and keeps nothing from a failed run.
func (s *Store) InTenant(ctx context.Context, tenant tenants.ID, fn func(tx *Tx) error) error {
	if tenant.IsZero() {
		return fmt.Errorf("tenant transaction: %w", ErrNoTenant)
	}
	return s.inScope(ctx, tenant.String(), nil, fn)
}

// InTenantSnapshot is InTenant for readers that make several queries and
// need them to agree (aggregates and their totals): on PostgreSQL a
// read-only REPEATABLE READ transaction, so every statement sees the same
// snapshot; SQLite's read transactions already do.
func (s *Store) InTenantSnapshot(ctx context.Context, tenant tenants.ID, fn func(tx *Tx) error) error {
	if tenant.IsZero() {
		return fmt.Errorf("tenant transaction: %w", ErrNoTenant)
	}
	var opts *sql.TxOptions
	if s.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return s.inScope(ctx, tenant.String(), opts, fn)
}

// Retries of a transaction that lost to a concurrent one (ErrRetry): at
// most retryAttempts re-runs, each after a random wait of up to
// retryBackoff doubled per attempt, so two losers do not meet again in
// step.
const (
	retryAttempts = 4
	retryBackoff  = 5 * time.Millisecond
)

// inScope runs fn in a transaction scoped to the tenant_id scope (a tenant,
// or the nil UUID for platform idempotency keys). When the transaction
// loses a deadlock or a serialization conflict (ErrRetry), inScope rolls it
// back and runs fn again in a new transaction, a few times, before it
// returns ErrRetry. Every function passed to InTenant must therefore be
// safe to run more than once: it writes only through its Tx (whose writes
// the rollback undoes) and keeps nothing from a failed run.
func (s *Store) inScope(ctx context.Context, scope string, opts *sql.TxOptions, fn func(tx *Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.runScope(ctx, scope, opts, fn)
		if attempt == retryAttempts || !errors.Is(err, ErrRetry) || ctx.Err() != nil {
			return err
		}
		wait := time.NewTimer(rand.N(retryBackoff << attempt))
		select {
		case <-ctx.Done():
			wait.Stop()
			return err
		case <-wait.C:
		}
	}
}

// runScope is one run of inScope: one transaction, its error translated.
func (s *Store) runScope(ctx context.Context, scope string, opts *sql.TxOptions, fn func(tx *Tx) error) error {
	tenant, _ := tenants.ParseID(scope)
	var (
		emitted int
		fanout  bool
	)
	run := func(gtx *gorm.DB) error {
		tx := &Tx{db: gtx, tenant: tenant, scope: scope, store: s}
		if err := fn(tx); err != nil {
			return err
		}
		emitted, fanout = tx.emitted, tx.fanout
		return nil
	}
	var err error
	if s.dialect == Postgres {
		err = s.scopedPostgres(ctx, scope, opts, run)
	} else {
		err = s.db.WithContext(ctx).Transaction(run, opts)
	}
	if err != nil {
		return translate(err)
	}
	if emitted > 0 {
		s.committed()
	}
	if fanout {
		s.fanoutStarted()
	}
	return nil
}

// scopedPostgres runs fn in a PostgreSQL transaction scoped to scope: this
// is the one place that sets the row-level-security scope of a tenant
// transaction. BEGIN and set_config('app.tenant_id', scope, true) travel in
// one round trip (a pgx batch on a connection held for the transaction),
// where database/sql's BeginTx would take one for BEGIN and another for the
// scope: a one-statement read is three round trips, not four. fn's queries
// run on that connection; COMMIT (or ROLLBACK on an error or a panic) ends
// the transaction before the connection goes back to the pool, and a
// connection returned with a transaction still open is discarded by the
// driver (stdlib.Conn.ResetSession), so no scope outlives its transaction.
func (s *Store) scopedPostgres(ctx context.Context, scope string, opts *sql.TxOptions, fn func(gtx *gorm.DB) error) (err error) {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	begin := "BEGIN"
	if opts != nil {
		if opts.Isolation == sql.LevelRepeatableRead {
			begin += " ISOLATION LEVEL REPEATABLE READ"
		}
		if opts.ReadOnly {
			begin += " READ ONLY"
		}
	}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("store: unexpected PostgreSQL driver connection %T", dc)
		}
		b := &pgx.Batch{}
		b.Queue(begin)
		b.Queue(scopeSQL, scope)
		return c.Conn().SendBatch(ctx, b).Close()
	})
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			// An error, a panic or a failed COMMIT: end the transaction
			// (a cancelled ctx must not stop the ROLLBACK).
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	gtx := s.db.Session(&gorm.Session{Context: ctx, NewDB: true})
	gtx.Statement.ConnPool = conn
	if err := fn(gtx); err != nil {
		return err
	}
	done = true // COMMIT ends the transaction whatever it answers
	return conn.Raw(func(dc any) error {
		tag, err := dc.(interface{ Conn() *pgx.Conn }).Conn().Exec(ctx, "COMMIT")
		if err == nil && tag.String() == "ROLLBACK" {
			// PostgreSQL answers a COMMIT of a failed transaction with
			// ROLLBACK, not with an error: nothing was written.
			return errRolledBack
		}
		return err
	})
}

// scopeSQL sets the row-level-security scope of the current transaction
// to its argument; it is the one statement that scopes tenant work
// (scopedPostgres, readScoped).
const scopeSQL = "SELECT set_config('app.tenant_id', $1, true)"

// readScoped runs one read-only query of the tenant on PostgreSQL in one
// round trip: scopeSQL and the query travel in one pgx batch, which the
// server runs as one implicit transaction (one Sync), so the scope holds
// for the query and ends with it. scan reads the query's row; a query with
// no row is ErrNotFound. For the hot single-row reads (GET /v1/me/plan);
// everything else uses InTenant.
func (s *Store) readScoped(ctx context.Context, tenant tenants.ID, scan func(pgx.Row) error, query string, args ...any) error {
	if tenant.IsZero() {
		return ErrNoTenant
	}
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("store: unexpected PostgreSQL driver connection %T", dc)
		}
		b := &pgx.Batch{}
		b.Queue(scopeSQL, tenant.String())
		b.Queue(query, args...)
		res := c.Conn().SendBatch(ctx, b)
		_, err := res.Exec()
		if err == nil {
			err = scan(res.QueryRow())
		}
		if cerr := res.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return translate(err)
}

// errRolledBack reports a COMMIT that PostgreSQL turned into a ROLLBACK.
var errRolledBack = errors.New("store: the transaction had failed and was rolled back")

// inPlatform runs fn in a transaction that may read across tenants where the
// schema allows it (the tenants list and the outbox). It is unexported: only
// the platform operations of this package use it.
func (s *Store) inPlatform(ctx context.Context, fn func(db *gorm.DB) error) error {
	err := s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		if s.dialect == Postgres {
			if err := gtx.Exec("SELECT set_config('app.platform', 'on', true)").Error; err != nil {
				return err
			}
		}
		return fn(gtx)
	})
	return translate(err)
}
