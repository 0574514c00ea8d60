-- Event backbone: the transactional outbox, the processed-event marks that make
-- handlers idempotent, parked (dead-letter) events and library versions.

-- +goose Up
CREATE TABLE outbox (
    tenant_id    TEXT     NOT NULL,
    id           TEXT     NOT NULL,
    seq          INTEGER  PRIMARY KEY AUTOINCREMENT,
    subject      TEXT     NOT NULL,
    type         TEXT     NOT NULL,
    payload      BLOB     NOT NULL,
    created_at   DATETIME NOT NULL,
    published_at DATETIME
);
CREATE UNIQUE INDEX outbox_tenant_id_key ON outbox (tenant_id, id);
CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;

CREATE TABLE processed_events (
    tenant_id    TEXT     NOT NULL,
    consumer     TEXT     NOT NULL,
    event_id     TEXT     NOT NULL,
    processed_at DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, consumer, event_id)
);

CREATE TABLE dead_letters (
    tenant_id   TEXT     NOT NULL,
    id          TEXT     NOT NULL,
    consumer    TEXT     NOT NULL,
    event_id    TEXT     NOT NULL,
    event_type  TEXT     NOT NULL,
    subject     TEXT     NOT NULL,
    payload     BLOB     NOT NULL,
    error       TEXT     NOT NULL,
    deliveries  INTEGER  NOT NULL,
    created_at  DATETIME NOT NULL,
    replayed_at DATETIME,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX dead_letters_event_key ON dead_letters (tenant_id, consumer, event_id);

CREATE TABLE library_versions (
    tenant_id        TEXT     NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version          INTEGER  NOT NULL,
    digest           TEXT     NOT NULL,
    context_revision INTEGER  NOT NULL,
    built_at         DATETIME NOT NULL,
    content          TEXT     NOT NULL,
    summary          TEXT     NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

-- +goose Down
DROP TABLE library_versions;
DROP TABLE dead_letters;
DROP TABLE processed_events;
DROP TABLE outbox;
