-- Fair share and who reads what (issue 17): a document's visibility and a
-- tenant's limits (see the PostgreSQL migration of the same number).

-- +goose Up
ALTER TABLE documents ADD COLUMN visibility TEXT NOT NULL DEFAULT 'admins'
    CHECK (visibility IN ('admins', 'everyone'));

CREATE TABLE tenant_limits (
    tenant_id          TEXT     NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    max_documents      INTEGER  CHECK (max_documents >= 0),
    max_document_bytes INTEGER  CHECK (max_document_bytes >= 0),
    max_employees      INTEGER  CHECK (max_employees >= 0),
    analytics_min_cell INTEGER  CHECK (analytics_min_cell >= 3),
    updated_by         TEXT     NOT NULL,
    updated_at         DATETIME NOT NULL
);

-- +goose Down
DROP TABLE tenant_limits;
ALTER TABLE documents DROP COLUMN visibility;
