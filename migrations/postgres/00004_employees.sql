-- Employees of a tenant: who they are (the token subject), their role and tier,
-- their team and their manager (another employee of the same tenant). The
-- library builder reads the role slugs; the plan builder reads tier and
-- target_tier.

-- +goose Up
CREATE TABLE employees (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid        NOT NULL,
    subject     text        NOT NULL,
    name        text        NOT NULL,
    email       text        NOT NULL DEFAULT '',
    role_slug   text        NOT NULL,
    tier        text        NOT NULL,
    target_tier text,
    team        text        NOT NULL DEFAULT '',
    manager_id  uuid,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX employees_tenant_subject_key ON employees (tenant_id, subject);
CREATE UNIQUE INDEX employees_tenant_email_key ON employees (tenant_id, email) WHERE email <> '';
CREATE INDEX employees_tenant_manager ON employees (tenant_id, manager_id);
CREATE INDEX employees_tenant_role ON employees (tenant_id, role_slug);
CREATE INDEX employees_tenant_team ON employees (tenant_id, team);

ALTER TABLE employees ENABLE ROW LEVEL SECURITY;
ALTER TABLE employees FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON employees
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE employees;
