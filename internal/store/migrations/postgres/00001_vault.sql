-- +goose Up
CREATE TABLE collections (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    schema     BYTEA NOT NULL,
    version    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE subjects (
    id         TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE records (
    id         TEXT PRIMARY KEY,
    collection TEXT NOT NULL REFERENCES collections(name),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    sealed     BYTEA NOT NULL,
    idx        BYTEA NOT NULL, -- the record's blind-index keys, to delete them exactly
    version    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX records_subject ON records (subject_id);
CREATE INDEX records_collection ON records (collection, id);

-- Blind-index entries of non-unique fields; unique fields use blind_unique,
-- whose primary key is the UNIQUE constraint. Each entry is one B-tree row.
CREATE TABLE blind_index (
    collection TEXT NOT NULL,
    field      TEXT NOT NULL,
    mac        BYTEA NOT NULL,
    record_id  TEXT NOT NULL,
    PRIMARY KEY (collection, field, mac, record_id)
);

CREATE TABLE blind_unique (
    collection TEXT NOT NULL,
    field      TEXT NOT NULL,
    mac        BYTEA NOT NULL,
    record_id  TEXT NOT NULL,
    PRIMARY KEY (collection, field, mac)
);

CREATE TABLE erasures (
    subject_pseudonym TEXT NOT NULL,
    records_deleted   BIGINT NOT NULL,
    erased_at         BIGINT NOT NULL,
    audit_request     TEXT
);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL,
    collections TEXT NOT NULL,
    purposes    TEXT NOT NULL,
    secret_hash BYTEA NOT NULL UNIQUE,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT
);

CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    collection TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    status     BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BYTEA NOT NULL,
    hash       BYTEA NOT NULL
);

-- The KEK version every new data key must be wrapped with. Wraps read it in
-- their write transaction (FOR SHARE on PostgreSQL) and rotation updates it,
-- so no process can wrap under a version that rotation is about to retire.
CREATE TABLE kek_state (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    primary_version BIGINT NOT NULL
);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode('0000000000000000000000000000000000000000000000000000000000000000', 'hex'));

-- +goose Down
DROP TABLE audit_head;
DROP TABLE kek_state;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE erasures;
DROP TABLE blind_unique;
DROP TABLE blind_index;
DROP TABLE records;
DROP TABLE subjects;
DROP TABLE collections;
