package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

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
		case "40001", // serialization failure
			"40P01", // deadlock detected
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
