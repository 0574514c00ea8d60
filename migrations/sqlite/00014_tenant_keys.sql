-- Crypto-shredding (mirrors the PostgreSQL migration, without row-level
-- security; the sealed columns are TEXT already). The store also runs
-- SQLite with secure_delete, so freed pages are zeroed.

-- +goose Up
CREATE TABLE tenant_keys (
    tenant_id   TEXT     PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    wrapped_key BLOB     NOT NULL,
    created_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE tenant_keys;
