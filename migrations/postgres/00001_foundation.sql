-- Cadre foundation: tenants, documents, company values, audit log, idempotency keys.
-- Every tenant-owned table leads its keys with tenant_id and is guarded by row-level
-- security with FORCE: rows are visible only when app.tenant_id (set with
-- set_config(..., true) at the start of each transaction) names their tenant.
-- An unset app.tenant_id matches nothing (fail closed).

-- +goose Up
CREATE TABLE tenants (
    id               uuid        PRIMARY KEY,
    name             text        NOT NULL,
    slug             text        NOT NULL,
    industry         text        NOT NULL,
    context_revision bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug);

CREATE TABLE documents (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid        NOT NULL,
    title        text        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    sha256       text        NOT NULL,
    body_text    text        NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX documents_tenant_sha256_key ON documents (tenant_id, sha256);

CREATE TABLE company_values (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position    int  NOT NULL,
    name        text NOT NULL,
    description text NOT NULL,
    PRIMARY KEY (tenant_id, position)
);

CREATE TABLE audit_log (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid        NOT NULL,
    actor      text        NOT NULL,
    action     text        NOT NULL,
    resource   text        NOT NULL,
    detail     jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Idempotency keys are scoped by tenant; platform requests use the nil UUID scope,
-- so this table has no foreign key to tenants.
CREATE TABLE idempotency_keys (
    tenant_id    uuid        NOT NULL,
    key          text        NOT NULL,
    subject      text        NOT NULL,
    request_hash text        NOT NULL,
    status       int         NOT NULL,
    response     bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_self ON tenants
    USING (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- The platform path (list tenants) reads across tenants, and only reads.
CREATE POLICY platform_read ON tenants FOR SELECT
    USING (current_setting('app.platform', true) = 'on');

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE company_values ENABLE ROW LEVEL SECURITY;
ALTER TABLE company_values FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON company_values
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP TABLE company_values;
DROP TABLE documents;
DROP TABLE tenants;
