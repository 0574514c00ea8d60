-- Analytics read models (mirrors the PostgreSQL migration, without row-level
-- security): per-employee contributions and the aggregates built from them.

-- +goose Up
CREATE TABLE analytics_employees (
    tenant_id        TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id      TEXT     NOT NULL,
    team             TEXT     NOT NULL,
    role_slug        TEXT     NOT NULL,
    assessment_id    TEXT,
    scored_at        DATETIME,
    plan_version     INTEGER  NOT NULL DEFAULT 0,
    plan_not_started INTEGER  NOT NULL DEFAULT 0,
    plan_in_progress INTEGER  NOT NULL DEFAULT 0,
    plan_done        INTEGER  NOT NULL DEFAULT 0,
    plan_closed      INTEGER  NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, employee_id)
);

CREATE TABLE analytics_employee_scores (
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id     TEXT    NOT NULL,
    competency_slug TEXT    NOT NULL,
    score_milli     INTEGER NOT NULL,
    gap             INTEGER NOT NULL,
    meets           INTEGER NOT NULL CHECK (meets IN (0, 1)),
    PRIMARY KEY (tenant_id, employee_id, competency_slug)
);

CREATE TABLE analytics_cells (
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    dimension       TEXT    NOT NULL CHECK (dimension IN ('all', 'team', 'role')),
    group_key       TEXT    NOT NULL,
    competency_slug TEXT    NOT NULL,
    employees       INTEGER NOT NULL,
    score_milli_sum INTEGER NOT NULL,
    gap_sum         INTEGER NOT NULL,
    meeting         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, dimension, group_key, competency_slug)
);

CREATE TABLE analytics_totals (
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employees        INTEGER NOT NULL,
    assessed         INTEGER NOT NULL,
    plan_employees   INTEGER NOT NULL,
    plan_not_started INTEGER NOT NULL,
    plan_in_progress INTEGER NOT NULL,
    plan_done        INTEGER NOT NULL,
    plan_closed      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- Assessment completion (GET /v1/analytics/assessments) is counted from the
-- assessments themselves: starting one emits no event a projection could
-- count. This index makes the count an index-only scan.
CREATE INDEX assessments_tenant_status_employee ON assessments (tenant_id, status, employee_id);

-- +goose Down
DROP INDEX assessments_tenant_status_employee;
DROP TABLE analytics_totals;
DROP TABLE analytics_cells;
DROP TABLE analytics_employee_scores;
DROP TABLE analytics_employees;
