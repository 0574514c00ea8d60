-- Fair share and who reads what (issue 17): a document's visibility (who may
-- read its evidence excerpts: admins, the default, or everyone), and a
-- tenant's limits set by the platform admin: quotas on documents, total
-- document bytes and employees, and the smallest analytics cell (k). A NULL
-- limit means the server's default (configuration).

-- +goose Up
ALTER TABLE documents ADD COLUMN visibility text NOT NULL DEFAULT 'admins'
    CHECK (visibility IN ('admins', 'everyone'));

CREATE TABLE tenant_limits (
    tenant_id          uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    max_documents      bigint      CHECK (max_documents >= 0),
    max_document_bytes bigint      CHECK (max_document_bytes >= 0),
    max_employees      bigint      CHECK (max_employees >= 0),
    analytics_min_cell integer     CHECK (analytics_min_cell >= 3),
    updated_by         text        NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id)
);

ALTER TABLE tenant_limits ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_limits FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_limits
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE tenant_limits;
ALTER TABLE documents DROP COLUMN visibility;
