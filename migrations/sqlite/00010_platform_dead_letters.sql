-- Unreadable stream messages that name no tenant, parked for a platform admin
-- (see the PostgreSQL migration of the same number).

-- +goose Up
CREATE TABLE platform_dead_letters (
    id         TEXT     NOT NULL PRIMARY KEY,
    consumer   TEXT     NOT NULL,
    stream_seq INTEGER  NOT NULL,
    subject    TEXT     NOT NULL,
    payload    BLOB     NOT NULL,
    error      TEXT     NOT NULL,
    deliveries INTEGER  NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX platform_dead_letters_message_key ON platform_dead_letters (consumer, stream_seq);

-- +goose Down
DROP TABLE platform_dead_letters;
