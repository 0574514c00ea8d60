-- Tenant-wide plan rebuilds in progress (issue 13, "no hot row for long
-- work"). A library change rebuilds every plan of the tenant in chunks, each
-- in its own short transaction; the row says where the rebuild stands, so a
-- worker killed between chunks leaves it for the next one to resume, and
-- each chunk's plans, plan.updated events and the move of the mark commit
-- together (nothing done twice, nothing skipped). One row per tenant: a
-- newer library change restarts the rebuild from the first employee, since
-- it rebuilds every plan from the latest library anyway. after_employee is
-- the last employee id done (NULL: none yet); employees are rebuilt in id
-- order.

-- +goose Up
CREATE TABLE plan_fanouts (
    tenant_id      uuid        NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    event_id       uuid        NOT NULL,
    after_employee uuid,
    started_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
ALTER TABLE plan_fanouts ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_fanouts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plan_fanouts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- The fan-out driver lists the tenants with a rebuild in progress through
-- the platform path (read only); it works on each in that tenant's scope.
CREATE POLICY platform_driver ON plan_fanouts FOR SELECT
    USING (current_setting('app.platform', true) = 'on');

-- +goose Down
DROP TABLE plan_fanouts;
