-- Crypto-shredding (issue 17): every tenant has a data key (AES-256-GCM),
-- stored only wrapped by the key-encryption key the server holds outside
-- the database (CADRE_KEK or a KMS). Document text, assessment responses,
-- review comments and library evidence are sealed with it; deleting the
-- tenant deletes its key, which leaves every copy of the sealed data (freed
-- pages, WAL, backups) unreadable. Sealed values are text ("enc1:" and
-- base64), so the jsonb columns that hold them become text; rows written
-- before this migration stay plain JSON and still read.

-- +goose Up
CREATE TABLE tenant_keys (
    tenant_id   uuid        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    wrapped_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL
);
ALTER TABLE tenant_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_keys
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE assessments ALTER COLUMN responses DROP DEFAULT;
ALTER TABLE assessments ALTER COLUMN responses TYPE text USING responses::text;
ALTER TABLE assessments ALTER COLUMN responses SET DEFAULT '[]';
ALTER TABLE assessment_reviews ALTER COLUMN ratings TYPE text USING ratings::text;
ALTER TABLE library_versions ALTER COLUMN content TYPE text USING content::text;

-- +goose Down
-- Sealed values are not JSON: rolling back needs a database without them.
ALTER TABLE library_versions ALTER COLUMN content TYPE jsonb USING content::jsonb;
ALTER TABLE assessment_reviews ALTER COLUMN ratings TYPE jsonb USING ratings::jsonb;
ALTER TABLE assessments ALTER COLUMN responses DROP DEFAULT;
ALTER TABLE assessments ALTER COLUMN responses TYPE jsonb USING responses::jsonb;
ALTER TABLE assessments ALTER COLUMN responses SET DEFAULT '[]';
DROP TABLE tenant_keys;
