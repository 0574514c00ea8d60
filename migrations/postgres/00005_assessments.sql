-- Assessments of employees and their per-competency results. The answer key
-- stays server-side (never served). version drives optimistic concurrency of
-- partial saves. assessment_results holds one row per scored competency so
-- that plans (latest result per employee) and analytics (per competency) can
-- read results without parsing JSON.

-- +goose Up
CREATE TABLE assessments (
    tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid        NOT NULL,
    employee_id     uuid        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('open', 'submitted', 'scored')),
    library_version int         NOT NULL,
    role_slug       text        NOT NULL,
    tier            text        NOT NULL,
    seed            text        NOT NULL,
    items           jsonb       NOT NULL,
    key             jsonb       NOT NULL,
    responses       jsonb       NOT NULL DEFAULT '[]',
    version         int         NOT NULL DEFAULT 1,
    results         jsonb,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    submitted_at    timestamptz,
    scored_at       timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX assessments_tenant_employee_created ON assessments (tenant_id, employee_id, created_at);

ALTER TABLE assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessments
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE assessment_results (
    tenant_id       uuid             NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    assessment_id   uuid             NOT NULL,
    employee_id     uuid             NOT NULL,
    competency_slug text             NOT NULL,
    score           double precision NOT NULL,
    level           int              NOT NULL,
    required_level  int              NOT NULL,
    gap             int              NOT NULL,
    confidence      double precision NOT NULL,
    scored_at       timestamptz      NOT NULL,
    PRIMARY KEY (tenant_id, assessment_id, competency_slug)
);
CREATE INDEX assessment_results_tenant_employee ON assessment_results (tenant_id, employee_id, scored_at);
CREATE INDEX assessment_results_tenant_competency ON assessment_results (tenant_id, competency_slug);

ALTER TABLE assessment_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_results FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessment_results
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE assessment_results;
DROP TABLE assessments;
