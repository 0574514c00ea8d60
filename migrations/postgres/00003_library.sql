-- The company library's curation: one admin override per competency slug
-- (custom competency, approval, retirement, edits, pin), applied by every
-- library build after everything the evidence says (DESIGN §4.1 step 5); and
-- the builder's mark: the last context revision and employee roles a build
-- examined, so that events a build already covered cost nothing even when
-- that build made no new version (unchanged digest).

-- +goose Up
CREATE TABLE library_overrides (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    slug       text        NOT NULL,
    override   jsonb       NOT NULL,
    created_by text        NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, slug)
);

ALTER TABLE library_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE library_overrides FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON library_overrides
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE library_builds (
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    context_revision bigint      NOT NULL,
    roles            jsonb       NOT NULL,
    digest           text        NOT NULL,
    checked_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id)
);

ALTER TABLE library_builds ENABLE ROW LEVEL SECURITY;
ALTER TABLE library_builds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON library_builds
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE library_builds;
DROP TABLE library_overrides;
