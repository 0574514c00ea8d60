-- Employees of a tenant (mirrors the PostgreSQL migration, without row-level
-- security).

-- +goose Up
CREATE TABLE employees (
    tenant_id   TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          TEXT     NOT NULL,
    subject     TEXT     NOT NULL,
    name        TEXT     NOT NULL,
    email       TEXT     NOT NULL DEFAULT '',
    role_slug   TEXT     NOT NULL,
    tier        TEXT     NOT NULL,
    target_tier TEXT,
    team        TEXT     NOT NULL DEFAULT '',
    manager_id  TEXT,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX employees_tenant_subject_key ON employees (tenant_id, subject);
CREATE UNIQUE INDEX employees_tenant_email_key ON employees (tenant_id, email) WHERE email <> '';
CREATE INDEX employees_tenant_manager ON employees (tenant_id, manager_id);
CREATE INDEX employees_tenant_role ON employees (tenant_id, role_slug);
CREATE INDEX employees_tenant_team ON employees (tenant_id, team);

-- +goose Down
DROP TABLE employees;
