package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/tenants"
)

// Sentinel errors returned by the store.
var (
	// ErrNotFound: no such row in this tenant (another tenant's row is not found either).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a uniqueness or version conflict.
	ErrConflict = errors.New("store: conflict")
	// ErrNoTenant: a tenant-scoped operation without a tenant.
	ErrNoTenant = errors.New("store: no tenant in scope")
	// ErrRetry: the transaction lost a deadlock or a serialization conflict
	// to a concurrent one (or, on SQLite, found the database busy), and
	// running it again from the start may succeed. InTenant does that a few
	// times before it returns ErrRetry. It is a kind of ErrUnavailable:
	// errors.Is(err, ErrUnavailable) holds for it, so callers that retry an
	// unavailable database later retry it too.
	ErrRetry error = retryError{}
	// ErrCorrupt: a stored value does not read back as what this package
	// writes (a damaged row, or one written by something else). The row is
	// an error rather than a zero value.
	ErrCorrupt = errors.New("store: corrupt stored value")
)

// retryError is the type of ErrRetry: its own message, with ErrUnavailable
// behind it.
type retryError struct{}

func (retryError) Error() string { return "store: transaction lost to a concurrent one" }
func (retryError) Unwrap() error { return ErrUnavailable }

// Driver result codes the store tells apart. PostgreSQL reports SQLSTATEs
// (pgconn.PgError.Code); SQLite reports extended result codes
// (go-sqlite's Error.Code()), whose low byte is the primary code.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"

	sqliteBusy                 = 5    // SQLITE_BUSY (primary code)
	sqliteConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	sqliteConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// translate is where the store turns driver and gorm errors into its
// sentinels, with the driver's error kept in the chain: a missing row is
// ErrNotFound, a unique or primary-key violation ErrConflict, a lost
// deadlock or serialization conflict ErrRetry, and the other failures of
// the database rather than the request ErrUnavailable. Errors it already
// translated, and errors that are none of these, pass through unchanged.
// It matches error types and codes; message text only where
// unavailable says so (database/sql's closed pool has no type).
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict), errors.Is(err, ErrUnavailable):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey), uniqueViolation(err):
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case mustRetry(err):
		return fmt.Errorf("%w: %w", ErrRetry, err)
	case unavailable(err):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// sqliteCode is the extended result code of a SQLite error in err's chain.
func sqliteCode(err error) (int, bool) {
	var e interface{ Code() int }
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// uniqueViolation reports whether err is a unique or primary-key violation.
// Errors that went through gorm are caught first as ErrDuplicatedKey (the
// dialects' own translation, by the same codes); this covers the rest.
func uniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == pgUniqueViolation
	}
	code, ok := sqliteCode(err)
	return ok && (code == sqliteConstraintUnique || code == sqliteConstraintPrimaryKey)
}

// mustRetry reports whether err says the transaction lost to a concurrent
// one and may succeed when run again from the start: a serialization
// failure or a deadlock on PostgreSQL; SQLITE_BUSY (and its extended codes,
// such as a stale WAL snapshot) on SQLite.
func mustRetry(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == pgSerializationFailure || pg.Code == pgDeadlockDetected
	}
	code, ok := sqliteCode(err)
	return ok && code&0xff == sqliteBusy
}

// ErrUnavailable marks an error that says nothing about the request or the
// event being handled: the database could not be reached, the connection
// broke, the server is shutting down or out of resources, a statement or
// lock timed out, or the transaction lost a deadlock or a serialization
// conflict. The same work may succeed when tried again later. Store errors
// of that kind wrap it, with the driver's error still in the chain.
var ErrUnavailable = errors.New("store: database unavailable")

// unavailable reports whether err is one of the failures ErrUnavailable
// stands for. It matches error types and SQLSTATE codes, and by its text
// only database/sql's closed-pool error, which has no type.
func unavailable(err error) bool {
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		// Any failure to connect, including FATALs the server sends at
		// connect time (too many clients, the database refusing
		// connections, a server starting up or shutting down).
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code[:min(2, len(pg.Code))] {
		case "08", // connection exception
			"53", // insufficient resources
			"57": // operator intervention: admin or crash shutdown, cannot connect now, query canceled (statement_timeout)
			return true
		}
		switch pg.Code {
		case pgSerializationFailure,
			pgDeadlockDetected,
			"55P03", // lock not available (lock_timeout)
			"25P03": // idle in transaction session timeout
			return true
		}
		return false
	}
	var sqliteErr interface{ Code() int }
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() & 0xff { // primary result code
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.As(err, &netErr),
		pgconn.Timeout(err),
		pgconn.SafeToRetry(err):
		return true
	}
	// database/sql's pool reports a closed pool by message only.
	return strings.Contains(err.Error(), "sql: database is closed")
}

// corrupt wraps the failure to read back the stored column of a table.
func corrupt(column string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrCorrupt, column, err)
}

// storedUUID parses a stored UUID column.
func storedUUID(column, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, corrupt(column, err)
	}
	return id, nil
}

// storedTenant parses a stored tenant id column.
func storedTenant(column, s string) (tenants.ID, error) {
	id, err := tenants.ParseID(s)
	if err != nil {
		return tenants.ID{}, corrupt(column, err)
	}
	return id, nil
}

// storedTier parses a stored tier column.
func storedTier(column, s string) (competency.Tier, error) {
	t, err := competency.ParseTier(s)
	if err != nil {
		return 0, corrupt(column, err)
	}
	return t, nil
}

// convertRows converts every row with conv; the first corrupt row fails
// the whole read.
func convertRows[R, T any](rows []R, conv func(R) (T, error)) ([]T, error) {
	out := make([]T, len(rows))
	for i, r := range rows {
		v, err := conv(r)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
