-- Tenant-wide plan rebuilds in progress (mirrors the PostgreSQL migration of
-- the same number, without row-level security).

-- +goose Up
CREATE TABLE plan_fanouts (
    tenant_id      TEXT     NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    event_id       TEXT     NOT NULL,
    after_employee TEXT,
    started_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);

-- +goose Down
DROP TABLE plan_fanouts;
