-- Managers' reviews of scored assessments (mirrors the PostgreSQL migration,
-- without row-level security).

-- +goose Up
CREATE TABLE assessment_reviews (
    tenant_id     TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    assessment_id TEXT     NOT NULL,
    reviewer      TEXT     NOT NULL,
    ratings       TEXT     NOT NULL,
    submitted_at  DATETIME NOT NULL,
    version       INTEGER  NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, assessment_id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE assessment_reviews;
