package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cadrehq/cadre/tenants/api"
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
	// StreamMaxAge (CADRE_STREAM_MAX_AGE): how long the CADRE stream keeps
	// events for replay. Default 720h (30 days).
	StreamMaxAge time.Duration
	// StreamReplicas (CADRE_STREAM_REPLICAS): stream replicas on a cluster. Default 1.
	StreamReplicas int
	// JWTSecret (CADRE_JWT_SECRET): HS256 secret, at least 32 bytes. With
	// neither it nor CADRE_JWKS_URL set, serve generates one into the data dir.
	JWTSecret string
	// JWKSURL (CADRE_JWKS_URL) enables RS256, ES256 and EdDSA tokens.
	JWKSURL string
	// JWTIssuer (CADRE_JWT_ISSUER), default "cadre"; JWTAudience
	// (CADRE_JWT_AUDIENCE), default "cadre-api".
	JWTIssuer, JWTAudience string
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
	if c.MaxBodyBytes, err = strconv.ParseInt(getenv("CADRE_MAX_BODY_BYTES", "1048576"), 10, 64); err != nil || c.MaxBodyBytes < 1024 {
		bad("CADRE_MAX_BODY_BYTES", os.Getenv("CADRE_MAX_BODY_BYTES"), "must be a number of bytes ≥ 1024")
	}
	if c.MaxDocumentBytes, err = strconv.ParseInt(getenv("CADRE_MAX_DOCUMENT_BYTES", "10485760"), 10, 64); err != nil || c.MaxDocumentBytes < 1024 {
		bad("CADRE_MAX_DOCUMENT_BYTES", os.Getenv("CADRE_MAX_DOCUMENT_BYTES"), "must be a number of bytes ≥ 1024")
	}
	if c.CORSOrigins, err = api.ParseCORSOrigins(os.Getenv("CADRE_CORS_ORIGINS")); err != nil {
		bad("CADRE_CORS_ORIGINS", os.Getenv("CADRE_CORS_ORIGINS"), err.Error())
	}
	if c.CookieSecure, err = strconv.ParseBool(getenv("CADRE_COOKIE_SECURE", "false")); err != nil {
		bad("CADRE_COOKIE_SECURE", os.Getenv("CADRE_COOKIE_SECURE"), "must be true or false")
	}
	if c.RateLimit, err = strconv.ParseFloat(getenv("CADRE_RATE_LIMIT", "200"), 64); err != nil || c.RateLimit < 0 {
		bad("CADRE_RATE_LIMIT", os.Getenv("CADRE_RATE_LIMIT"), "must be requests per second per tenant (0 disables)")
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

// secretFile is where serve keeps its generated development secret.
func (c Config) secretFile() string { return filepath.Join(c.DataDir, "jwt-secret") }
