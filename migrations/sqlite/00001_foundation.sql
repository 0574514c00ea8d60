-- Cadre foundation for the embedded SQLite database: the same tables as on
-- PostgreSQL, without row-level security (one process owns the file; every
-- query still goes through the tenant-scoped transaction helper).

-- +goose Up
CREATE TABLE tenants (
    id               TEXT    PRIMARY KEY,
    name             TEXT    NOT NULL,
    slug             TEXT    NOT NULL,
    industry         TEXT    NOT NULL,
    context_revision INTEGER NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL
);
CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug);

CREATE TABLE documents (
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    body_text    TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX documents_tenant_sha256_key ON documents (tenant_id, sha256);

CREATE TABLE company_values (
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, position)
);

CREATE TABLE audit_log (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    resource   TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    created_at DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE idempotency_keys (
    tenant_id    TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    response     BLOB    NOT NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP TABLE company_values;
DROP TABLE documents;
DROP TABLE tenants;
