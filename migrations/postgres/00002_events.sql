-- Event backbone: the transactional outbox, the processed-event marks that make
-- handlers idempotent, parked (dead-letter) events and library versions.

-- +goose Up
CREATE TABLE outbox (
    tenant_id    uuid        NOT NULL,
    id           uuid        NOT NULL,
    seq          bigserial   NOT NULL,
    subject      text        NOT NULL,
    type         text        NOT NULL,
    payload      bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
-- The relay's queue: pending rows in commit order. It is platform-wide, so it is
-- the one index that does not lead with tenant_id.
CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbox
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- The relay drains every tenant's rows through the platform path.
CREATE POLICY platform_relay ON outbox
    USING (current_setting('app.platform', true) = 'on');

-- +goose StatementBegin
CREATE FUNCTION cadre_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cadre_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION cadre_outbox_notify();

CREATE TABLE processed_events (
    tenant_id    uuid        NOT NULL,
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, consumer, event_id)
);
ALTER TABLE processed_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE processed_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON processed_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE dead_letters (
    tenant_id   uuid        NOT NULL,
    id          uuid        NOT NULL,
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    event_type  text        NOT NULL,
    subject     text        NOT NULL,
    payload     bytea       NOT NULL,
    error       text        NOT NULL,
    deliveries  int         NOT NULL,
    created_at  timestamptz NOT NULL,
    replayed_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX dead_letters_event_key ON dead_letters (tenant_id, consumer, event_id);
ALTER TABLE dead_letters ENABLE ROW LEVEL SECURITY;
ALTER TABLE dead_letters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dead_letters
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE library_versions (
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version          int         NOT NULL,
    digest           text        NOT NULL,
    context_revision bigint      NOT NULL,
    built_at         timestamptz NOT NULL,
    content          jsonb       NOT NULL,
    summary          jsonb       NOT NULL,
    PRIMARY KEY (tenant_id, version)
);
ALTER TABLE library_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE library_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON library_versions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE library_versions;
DROP TABLE dead_letters;
DROP TABLE processed_events;
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION cadre_outbox_notify();
DROP TABLE outbox;
