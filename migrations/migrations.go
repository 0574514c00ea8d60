// Package migrations holds Cadre's versioned SQL schema, one folder per
// dialect, embedded in the binary and applied with goose.
package migrations

import "embed"

// Postgres holds the PostgreSQL migrations under the folder "postgres".
//
//go:embed postgres/*.sql
var Postgres embed.FS

// SQLite holds the SQLite migrations under the folder "sqlite".
//
//go:embed sqlite/*.sql
var SQLite embed.FS
