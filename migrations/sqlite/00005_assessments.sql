-- Assessments and their per-competency results (mirrors the PostgreSQL
-- migration, without row-level security).

-- +goose Up
CREATE TABLE assessments (
    tenant_id       TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              TEXT     NOT NULL,
    employee_id     TEXT     NOT NULL,
    status          TEXT     NOT NULL CHECK (status IN ('open', 'submitted', 'scored')),
    library_version INTEGER  NOT NULL,
    role_slug       TEXT     NOT NULL,
    tier            TEXT     NOT NULL,
    seed            TEXT     NOT NULL,
    items           TEXT     NOT NULL,
    key             TEXT     NOT NULL,
    responses       TEXT     NOT NULL DEFAULT '[]',
    version         INTEGER  NOT NULL DEFAULT 1,
    results         TEXT,
    created_by      TEXT     NOT NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    submitted_at    DATETIME,
    scored_at       DATETIME,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX assessments_tenant_employee_created ON assessments (tenant_id, employee_id, created_at);

CREATE TABLE assessment_results (
    tenant_id       TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    assessment_id   TEXT     NOT NULL,
    employee_id     TEXT     NOT NULL,
    competency_slug TEXT     NOT NULL,
    score           REAL     NOT NULL,
    level           INTEGER  NOT NULL,
    required_level  INTEGER  NOT NULL,
    gap             INTEGER  NOT NULL,
    confidence      REAL     NOT NULL,
    scored_at       DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, assessment_id, competency_slug)
);
CREATE INDEX assessment_results_tenant_employee ON assessment_results (tenant_id, employee_id, scored_at);
CREATE INDEX assessment_results_tenant_competency ON assessment_results (tenant_id, competency_slug);

-- +goose Down
DROP TABLE assessment_results;
DROP TABLE assessments;
