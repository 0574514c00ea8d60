-- The latest result per employee and competency, read by every plan rebuild
-- and by the analytics projector, in index order (see the PostgreSQL
-- migration of the same number).

-- +goose Up
CREATE INDEX assessment_results_latest
    ON assessment_results (tenant_id, employee_id, competency_slug, scored_at DESC, assessment_id DESC);

-- +goose Down
DROP INDEX assessment_results_latest;
