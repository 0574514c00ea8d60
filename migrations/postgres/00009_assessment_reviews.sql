-- Managers' reviews of scored assessments: one per assessment, replaced by
-- each PUT (version counts the replacements). ratings maps a competency slug
-- to {"level": 1–5, "comment": "…"}; the comments are free text and stay in
-- this table (events carry the levels only). A review goes with its
-- assessment.

-- +goose Up
CREATE TABLE assessment_reviews (
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    assessment_id uuid        NOT NULL,
    reviewer      text        NOT NULL,
    ratings       jsonb       NOT NULL,
    submitted_at  timestamptz NOT NULL,
    version       int         NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, assessment_id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE assessment_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessment_reviews
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE assessment_reviews;
