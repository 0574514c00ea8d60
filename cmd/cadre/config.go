package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/crypt"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// Config is the whole process configuration, read from CADRE_* variables.
type Config struct {
	// HTTPAddr (CADRE_HTTP_ADDR) is where the API listens. Default 127.0.0.1:8080.
	HTTPAddr string
	// DataDir (CADRE_DATA_DIR) holds the SQLite file, the embedded NATS store
	// and the generated development secret. Default ./data.
	DataDir string
	// DatabaseURL (CADRE_DATABASE_URL): postgres://… selects PostgreSQL (the
	// app role); empty selects embedded SQLite.
	DatabaseURL string
	// MigrationsDatabaseURL (CADRE_MIGRATIONS_DATABASE_URL): the schema
	// owner's URL for migrations. Default DatabaseURL.
	MigrationsDatabaseURL string
	// Migrate (CADRE_MIGRATE, default true): serve and api apply pending
	// migrations at start.
	Migrate bool
	// NATSURL (CADRE_NATS_URL): an external NATS 2.10+ server or cluster;
	// empty starts the embedded server.
	NATSURL string
	// MetricsAddr (CADRE_METRICS_ADDR): where `cadre worker` serves /metrics,
	// /healthz and /readyz; unset, it serves none (serve and api serve them
	// on HTTPAddr).
	MetricsAddr string
	// NATSListen (CADRE_NATS_LISTEN): let the embedded server listen on this
	// address (e.g. 127.0.0.1:4222). Default: in-process only.
	NATSListen string
	// NATSUser and NATSPassword (CADRE_NATS_USER, default "cadre";
	// CADRE_NATS_PASSWORD, default generated into the data dir): the
	// credentials every client of the listening embedded server presents.
	NATSUser, NATSPassword string
	// NATSReadersFile (CADRE_NATS_READERS_FILE): read-only broker users, one
	// tenant each ("name password tenant_id" a line). Default none.
	NATSReadersFile string
	// StreamMaxAge (CADRE_STREAM_MAX_AGE): how long the CADRE stream keeps
	// events for replay. Default 720h (30 days).
	StreamMaxAge time.Duration
	// StreamReplicas (CADRE_STREAM_REPLICAS): stream replicas on a cluster. Default 1.
	StreamReplicas int
	// Partitions (CADRE_PARTITIONS): how many partitions the CADRE stream
	// spreads tenants over, each consumed in order per worker. Default 8;
	// every process of a deployment must use the same number.
	Partitions int
	// LibraryMaxStaleness (CADRE_LIBRARY_MAX_STALENESS): under continuous
	// input a tenant's library is rebuilt at least this often. Default 5s.
	LibraryMaxStaleness time.Duration
	// JWTSecret (CADRE_JWT_SECRET): HS256 secret, at least 32 bytes. With
	// neither it nor CADRE_JWKS_URL set, serve generates one into the data dir.
	JWTSecret string
	// JWKSURL (CADRE_JWKS_URL) enables RS256, ES256 and EdDSA tokens.
	JWKSURL string
	// JWTIssuer (CADRE_JWT_ISSUER), default "cadre"; JWTAudience
	// (CADRE_JWT_AUDIENCE), default "cadre-api".
	JWTIssuer, JWTAudience string
	// TokenMaxTTL (CADRE_TOKEN_MAX_TTL): a token whose exp lies further ahead
	// is refused. Default 24h.
	TokenMaxTTL time.Duration
	// MaxBodyBytes (CADRE_MAX_BODY_BYTES): JSON bodies. Default 1 MiB.
	MaxBodyBytes int64
	// MaxDocumentBytes (CADRE_MAX_DOCUMENT_BYTES): one document. Default 10 MiB.
	MaxDocumentBytes int64
	// RateLimit (CADRE_RATE_LIMIT): requests per second per tenant. Default 200; 0 disables.
	RateLimit float64
	// LogLevel (CADRE_LOG_LEVEL): debug, info, warn, error. Default info.
	LogLevel string
	// CORSOrigins (CADRE_CORS_ORIGINS): comma-separated browser origins
	// allowed to call the API, e.g. https://dash.example.com. Default none.
	CORSOrigins []string
	// ExtractTimeout (CADRE_EXTRACT_TIMEOUT): how long one document's
	// extraction may run before its process is killed. Default 10s.
	ExtractTimeout time.Duration
	// ExtractMemoryMB (CADRE_EXTRACT_MEMORY_MB): one extraction's memory
	// bound, in MiB. Default 512.
	ExtractMemoryMB int64
	// ExtractConcurrency (CADRE_EXTRACT_CONCURRENCY): extractions running at
	// once; more uploads wait. Default the number of CPUs.
	ExtractConcurrency int
	// Quotas: each tenant's default quotas and analytics threshold
	// (CADRE_QUOTA_DOCUMENTS 1000, CADRE_QUOTA_DOCUMENT_BYTES 1 GiB,
	// CADRE_QUOTA_EMPLOYEES 10000, CADRE_ANALYTICS_MIN_CELL 5, at least 3);
	// the platform admin overrides them per tenant.
	Quotas app.Quotas
	// KEK (CADRE_KEK): the key-encryption key (base64, 32 bytes) that wraps
	// the tenants' data keys. Unset, serve generates one into the data dir
	// (cadre.kek); api and worker need it set, the same in every process.
	KEK *crypt.LocalKEK
	// CookieSecure (CADRE_COOKIE_SECURE): mark the console's cookies
	// Secure on plain HTTP, behind a TLS proxy. Default false (they are
	// Secure under TLS anyway).
	CookieSecure bool
}

func getenv(k, def string) string {
	if v, ok := os.LookupEnv(k); ok && v != "" {
		return v
	}
	return def
}

// loadConfig reads and validates the environment.
func loadConfig() (Config, error) {
	c := Config{
		HTTPAddr:              getenv("CADRE_HTTP_ADDR", "127.0.0.1:8080"),
		DataDir:               getenv("CADRE_DATA_DIR", "./data"),
		DatabaseURL:           os.Getenv("CADRE_DATABASE_URL"),
		MigrationsDatabaseURL: os.Getenv("CADRE_MIGRATIONS_DATABASE_URL"),
		NATSURL:               os.Getenv("CADRE_NATS_URL"),
		NATSListen:            os.Getenv("CADRE_NATS_LISTEN"),
		NATSUser:              getenv("CADRE_NATS_USER", "cadre"),
		NATSPassword:          os.Getenv("CADRE_NATS_PASSWORD"),
		NATSReadersFile:       os.Getenv("CADRE_NATS_READERS_FILE"),
		MetricsAddr:           os.Getenv("CADRE_METRICS_ADDR"),
		JWTSecret:             os.Getenv("CADRE_JWT_SECRET"),
		JWKSURL:               os.Getenv("CADRE_JWKS_URL"),
		JWTIssuer:             getenv("CADRE_JWT_ISSUER", "cadre"),
		JWTAudience:           getenv("CADRE_JWT_AUDIENCE", "cadre-api"),
		LogLevel:              getenv("CADRE_LOG_LEVEL", "info"),
	}
	var errs []error
	bad := func(k, v, why string) { errs = append(errs, fmt.Errorf("%s=%q: %s", k, v, why)) }
	if c.MigrationsDatabaseURL == "" {
		c.MigrationsDatabaseURL = c.DatabaseURL
	}
	if c.DatabaseURL != "" && !store.IsPostgresURL(c.DatabaseURL) {
		bad("CADRE_DATABASE_URL", "…", "must be a postgres:// URL (or unset for embedded SQLite)")
	}
	if c.MigrationsDatabaseURL != "" && !store.IsPostgresURL(c.MigrationsDatabaseURL) {
		bad("CADRE_MIGRATIONS_DATABASE_URL", "…", "must be a postgres:// URL")
	}
	if c.DatabaseURL == "" && os.Getenv("CADRE_MIGRATIONS_DATABASE_URL") != "" {
		bad("CADRE_MIGRATIONS_DATABASE_URL", "…", "is only meaningful with CADRE_DATABASE_URL")
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("CADRE_HTTP_ADDR", c.HTTPAddr, "must be host:port")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("CADRE_METRICS_ADDR", c.MetricsAddr, "must be host:port")
		}
	}
	if c.NATSListen != "" {
		if _, _, err := net.SplitHostPort(c.NATSListen); err != nil {
			bad("CADRE_NATS_LISTEN", c.NATSListen, "must be host:port")
		}
		if c.NATSURL != "" {
			bad("CADRE_NATS_LISTEN", c.NATSListen, "applies to the embedded server only; unset CADRE_NATS_URL or this")
		}
	}
	if c.NATSReadersFile != "" && c.NATSListen == "" {
		bad("CADRE_NATS_READERS_FILE", c.NATSReadersFile, "needs CADRE_NATS_LISTEN (readers connect over TCP)")
	}
	if c.NATSURL != "" && !strings.HasPrefix(c.NATSURL, "nats://") && !strings.HasPrefix(c.NATSURL, "tls://") {
		bad("CADRE_NATS_URL", c.NATSURL, "must be a nats:// or tls:// URL (comma-separated for a cluster)")
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		bad("CADRE_JWT_SECRET", "…", "must be at least 32 bytes")
	}
	if c.JWKSURL != "" && !strings.HasPrefix(c.JWKSURL, "https://") && !strings.HasPrefix(c.JWKSURL, "http://") {
		bad("CADRE_JWKS_URL", c.JWKSURL, "must be an http(s) URL")
	}
	var err error
	if c.Migrate, err = strconv.ParseBool(getenv("CADRE_MIGRATE", "true")); err != nil {
		bad("CADRE_MIGRATE", os.Getenv("CADRE_MIGRATE"), "must be true or false")
	}
	if c.StreamMaxAge, err = time.ParseDuration(getenv("CADRE_STREAM_MAX_AGE", "720h")); err != nil || c.StreamMaxAge < time.Minute {
		bad("CADRE_STREAM_MAX_AGE", os.Getenv("CADRE_STREAM_MAX_AGE"), "must be a duration of at least 1m, e.g. 720h")
	}
	if c.StreamReplicas, err = strconv.Atoi(getenv("CADRE_STREAM_REPLICAS", "1")); err != nil || c.StreamReplicas < 1 || c.StreamReplicas > 5 {
		bad("CADRE_STREAM_REPLICAS", os.Getenv("CADRE_STREAM_REPLICAS"), "must be 1 to 5")
	}
	if c.Partitions, err = strconv.Atoi(getenv("CADRE_PARTITIONS", "8")); err != nil || c.Partitions < 1 || c.Partitions > events.MaxPartitions {
		bad("CADRE_PARTITIONS", os.Getenv("CADRE_PARTITIONS"), fmt.Sprintf("must be 1 to %d", events.MaxPartitions))
	}
	if c.LibraryMaxStaleness, err = time.ParseDuration(getenv("CADRE_LIBRARY_MAX_STALENESS", "5s")); err != nil || c.LibraryMaxStaleness < 100*time.Millisecond {
		bad("CADRE_LIBRARY_MAX_STALENESS", os.Getenv("CADRE_LIBRARY_MAX_STALENESS"), "must be a duration of at least 100ms, e.g. 5s")
	}
	if c.MaxBodyBytes, err = strconv.ParseInt(getenv("CADRE_MAX_BODY_BYTES", "1048576"), 10, 64); err != nil || c.MaxBodyBytes < 1024 {
		bad("CADRE_MAX_BODY_BYTES", os.Getenv("CADRE_MAX_BODY_BYTES"), "must be a number of bytes ≥ 1024")
	}
	if c.MaxDocumentBytes, err = strconv.ParseInt(getenv("CADRE_MAX_DOCUMENT_BYTES", "10485760"), 10, 64); err != nil || c.MaxDocumentBytes < 1024 {
		bad("CADRE_MAX_DOCUMENT_BYTES", os.Getenv("CADRE_MAX_DOCUMENT_BYTES"), "must be a number of bytes ≥ 1024")
	}
	if c.CORSOrigins, err = api.ParseCORSOrigins(os.Getenv("CADRE_CORS_ORIGINS")); err != nil {
		bad("CADRE_CORS_ORIGINS", os.Getenv("CADRE_CORS_ORIGINS"), err.Error())
	}
	for _, q := range []struct {
		key string
		dst *int64
		def string
	}{{"CADRE_QUOTA_DOCUMENTS", &c.Quotas.Documents, "1000"}, {"CADRE_QUOTA_DOCUMENT_BYTES", &c.Quotas.DocumentBytes, "1073741824"},
		{"CADRE_QUOTA_EMPLOYEES", &c.Quotas.Employees, "10000"}} {
		if *q.dst, err = strconv.ParseInt(getenv(q.key, q.def), 10, 64); err != nil || *q.dst < 1 {
			bad(q.key, os.Getenv(q.key), "must be a whole number ≥ 1")
		}
	}
	if c.Quotas.AnalyticsMinCell, err = strconv.Atoi(getenv("CADRE_ANALYTICS_MIN_CELL", "5")); err != nil || c.Quotas.AnalyticsMinCell < app.MinAnalyticsCell {
		bad("CADRE_ANALYTICS_MIN_CELL", os.Getenv("CADRE_ANALYTICS_MIN_CELL"), "must be a whole number ≥ 3")
	}
	if c.CookieSecure, err = strconv.ParseBool(getenv("CADRE_COOKIE_SECURE", "false")); err != nil {
		bad("CADRE_COOKIE_SECURE", os.Getenv("CADRE_COOKIE_SECURE"), "must be true or false")
	}
	if c.RateLimit, err = strconv.ParseFloat(getenv("CADRE_RATE_LIMIT", "200"), 64); err != nil || c.RateLimit < 0 {
		bad("CADRE_RATE_LIMIT", os.Getenv("CADRE_RATE_LIMIT"), "must be requests per second per tenant (0 disables)")
	}
	if c.TokenMaxTTL, err = time.ParseDuration(getenv("CADRE_TOKEN_MAX_TTL", "24h")); err != nil || c.TokenMaxTTL < time.Minute {
		bad("CADRE_TOKEN_MAX_TTL", os.Getenv("CADRE_TOKEN_MAX_TTL"), "must be a duration of at least 1m, e.g. 24h")
	}
	if c.ExtractTimeout, err = time.ParseDuration(getenv("CADRE_EXTRACT_TIMEOUT", "10s")); err != nil || c.ExtractTimeout < 100*time.Millisecond {
		bad("CADRE_EXTRACT_TIMEOUT", os.Getenv("CADRE_EXTRACT_TIMEOUT"), "must be a duration of at least 100ms, e.g. 10s")
	}
	if c.ExtractMemoryMB, err = strconv.ParseInt(getenv("CADRE_EXTRACT_MEMORY_MB", "512"), 10, 64); err != nil || c.ExtractMemoryMB < 64 || c.ExtractMemoryMB > 1<<20 {
		bad("CADRE_EXTRACT_MEMORY_MB", os.Getenv("CADRE_EXTRACT_MEMORY_MB"), "must be MiB between 64 and 1048576")
	}
	if c.ExtractConcurrency, err = strconv.Atoi(getenv("CADRE_EXTRACT_CONCURRENCY", "0")); err != nil || c.ExtractConcurrency < 0 || c.ExtractConcurrency > 1024 {
		bad("CADRE_EXTRACT_CONCURRENCY", os.Getenv("CADRE_EXTRACT_CONCURRENCY"), "must be 1 to 1024 (0: the number of CPUs)")
	}
	if v := os.Getenv("CADRE_KEK"); v != "" {
		if c.KEK, err = crypt.ParseKEK(v); err != nil {
			bad("CADRE_KEK", "…", "must be 32 bytes in base64 (e.g. openssl rand -base64 32)")
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("CADRE_LOG_LEVEL", c.LogLevel, "must be debug, info, warn or error")
	}
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	return c, errors.Join(errs...)
}

// storeConfig is the store's configuration: the database and the KEK (nil:
// the development key in the data dir).
func (c Config) storeConfig(log *slog.Logger) store.Config {
	cfg := store.Config{URL: c.DatabaseURL, DataDir: c.DataDir, Logger: log}
	if c.KEK != nil {
		cfg.KMS = c.KEK
	}
	return cfg
}

// secretFile is where serve keeps its generated development secret.
func (c Config) secretFile() string { return filepath.Join(c.DataDir, "jwt-secret") }
