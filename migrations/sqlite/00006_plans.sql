-- Development plans (mirrors the PostgreSQL migration, without row-level
-- security): every version in plans, the current one named by plan_heads.

-- +goose Up
CREATE TABLE plans (
    tenant_id   TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id TEXT     NOT NULL,
    version     INTEGER  NOT NULL CHECK (version > 0),
    built_at    DATETIME NOT NULL,
    role        TEXT     NOT NULL,
    tier        TEXT     NOT NULL,
    target_tier TEXT     NOT NULL,
    basis       TEXT     NOT NULL,
    items       TEXT     NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, version),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE plan_heads (
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, employee_id),
    FOREIGN KEY (tenant_id, employee_id, version) REFERENCES plans (tenant_id, employee_id, version) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE plan_heads;
DROP TABLE plans;
