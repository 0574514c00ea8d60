-- The company library's curation (mirrors the PostgreSQL migration, without
-- row-level security): one admin override per competency slug, and the
-- builder's mark of the last context revision and roles a build examined.

-- +goose Up
CREATE TABLE library_overrides (
    tenant_id  TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    slug       TEXT     NOT NULL,
    override   TEXT     NOT NULL,
    created_by TEXT     NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, slug)
);

CREATE TABLE library_builds (
    tenant_id        TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    context_revision INTEGER  NOT NULL,
    roles            TEXT     NOT NULL,
    digest           TEXT     NOT NULL,
    checked_at       DATETIME NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- +goose Down
DROP TABLE library_builds;
DROP TABLE library_overrides;
