-- The latest result per employee and competency (DISTINCT ON … ORDER BY
-- employee_id, competency_slug, scored_at DESC, assessment_id DESC), read by
-- every plan rebuild and by the analytics projector, comes off this index in
-- order instead of from a sort of the tenant's results: a tenant-wide
-- rebuild of 10,000 employees (80,000 results) starts receiving rows at once
-- rather than after the sort, which spilled to disk with the default
-- work_mem. Built concurrently, so that writes of results go on meanwhile.

-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS assessment_results_latest
    ON assessment_results (tenant_id, employee_id, competency_slug, scored_at DESC, assessment_id DESC);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS assessment_results_latest;
