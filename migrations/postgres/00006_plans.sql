-- Development plans (DESIGN §4.3). plans keeps every version of an employee's
-- plan (history for GET /v1/me/plan/history); plan_heads points at the
-- current version, one small row per employee, so that the current plan is a
-- primary-key lookup and a rebuild moves the head with one upsert per batch.
-- Both follow the employee: deleting the employee erases their plans.
-- basis holds {"library_version", "assessment_id"}; items the plan's items
-- (domain/plan.Item JSON, about 1 KB per item). items is json, not jsonb: it
-- is written and read whole, and json skips the binary conversion both ways,
-- which matters when a library change rewrites every plan of a tenant.

-- +goose Up
CREATE TABLE plans (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id uuid        NOT NULL,
    version     int         NOT NULL CHECK (version > 0),
    built_at    timestamptz NOT NULL,
    role        text        NOT NULL,
    tier        text        NOT NULL,
    target_tier text        NOT NULL,
    basis       jsonb       NOT NULL,
    items       json        NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, version),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE plan_heads (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id uuid NOT NULL,
    version     int  NOT NULL,
    PRIMARY KEY (tenant_id, employee_id),
    FOREIGN KEY (tenant_id, employee_id, version) REFERENCES plans (tenant_id, employee_id, version) ON DELETE CASCADE
);

-- Items are TOASTed (a plan is several KB); lz4 compresses them several times
-- faster than the default pglz. A server built without lz4 keeps pglz.
-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE plans ALTER COLUMN items SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL;
END
$$;
-- +goose StatementEnd

ALTER TABLE plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE plans FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plans
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE plan_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plan_heads
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE plan_heads;
DROP TABLE plans;
