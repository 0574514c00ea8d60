-- Analytics read models (DESIGN §5, §7): aggregates for dashboards, kept by
-- the analytics projector (workers/analytics.go) and rebuilt from the source
-- tables by `cadre analytics rebuild`. They hold ids, slugs, team and role
-- names and numbers only: never document text or free-text answers.
--
-- analytics_employees is one row per employee of the tenant: what the
-- aggregates currently hold of them (their team and role, the latest scored
-- assessment, the status counts of their current plan's items).
-- analytics_employee_scores is that assessment's contribution, one row per
-- competency. The projector recomputes an employee's contribution from the
-- source tables, subtracts the recorded one and adds the new one, so the
-- aggregates never depend on the order or the repetition of events.
-- Scores are kept in thousandths (score_milli) so that sums are exact
-- integers whatever the order they were added in.
--
-- analytics_cells aggregates the contributions per competency over the
-- whole tenant (dimension 'all', group_key ''), per team and per role.
-- analytics_totals is the tenant's one row of counters (absent when zero).

-- +goose Up
CREATE TABLE analytics_employees (
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id      uuid        NOT NULL,
    team             text        NOT NULL,
    role_slug        text        NOT NULL,
    assessment_id    uuid,
    scored_at        timestamptz,
    plan_version     int         NOT NULL DEFAULT 0,
    plan_not_started int         NOT NULL DEFAULT 0,
    plan_in_progress int         NOT NULL DEFAULT 0,
    plan_done        int         NOT NULL DEFAULT 0,
    plan_closed      int         NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, employee_id)
);

CREATE TABLE analytics_employee_scores (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employee_id     uuid NOT NULL,
    competency_slug text NOT NULL,
    score_milli     int  NOT NULL,
    gap             int  NOT NULL,
    meets           int  NOT NULL CHECK (meets IN (0, 1)),
    PRIMARY KEY (tenant_id, employee_id, competency_slug)
);

CREATE TABLE analytics_cells (
    tenant_id       uuid   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    dimension       text   NOT NULL CHECK (dimension IN ('all', 'team', 'role')),
    group_key       text   NOT NULL,
    competency_slug text   NOT NULL,
    employees       int    NOT NULL,
    score_milli_sum bigint NOT NULL,
    gap_sum         bigint NOT NULL,
    meeting         int    NOT NULL,
    PRIMARY KEY (tenant_id, dimension, group_key, competency_slug)
);

CREATE TABLE analytics_totals (
    tenant_id        uuid   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    employees        int    NOT NULL,
    assessed         int    NOT NULL,
    plan_employees   int    NOT NULL,
    plan_not_started bigint NOT NULL,
    plan_in_progress bigint NOT NULL,
    plan_done        bigint NOT NULL,
    plan_closed      bigint NOT NULL,
    PRIMARY KEY (tenant_id)
);

ALTER TABLE analytics_employees ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_employees FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics_employees
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE analytics_employee_scores ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_employee_scores FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics_employee_scores
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE analytics_cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_cells FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics_cells
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE analytics_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_totals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics_totals
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

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
