-- Messages on the stream that no tenant can be read from (a subject that does
-- not name a tenant, or names none that exists) and that are no Cadre event,
-- parked where a platform admin can list them, so that every message a
-- consumer gives up on is parked somewhere. A tenant's unreadable messages
-- are parked as that tenant's dead letters instead. Only the platform path
-- sees these rows.

-- +goose Up
CREATE TABLE platform_dead_letters (
    id         uuid        NOT NULL PRIMARY KEY,
    consumer   text        NOT NULL,
    stream_seq bigint      NOT NULL,
    subject    text        NOT NULL,
    payload    bytea       NOT NULL,
    error      text        NOT NULL,
    deliveries int         NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX platform_dead_letters_message_key ON platform_dead_letters (consumer, stream_seq);
ALTER TABLE platform_dead_letters ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_dead_letters FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON platform_dead_letters
    USING (current_setting('app.platform', true) = 'on')
    WITH CHECK (current_setting('app.platform', true) = 'on');

-- +goose Down
DROP TABLE platform_dead_letters;
