-- +goose Up
CREATE TABLE collections (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    schema     BLOB NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE subjects (
    id         TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE records (
    id         TEXT PRIMARY KEY,
    collection TEXT NOT NULL REFERENCES collections(name),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    sealed     BLOB NOT NULL,
    idx        BLOB NOT NULL, -- the record's blind-index keys, to delete them exactly
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX records_subject ON records (subject_id);
CREATE INDEX records_collection ON records (collection, id);

-- Blind-index entries of non-unique fields; unique fields use blind_unique,
-- whose primary key is the UNIQUE constraint. Each entry is one B-tree row.
CREATE TABLE blind_index (
    collection TEXT NOT NULL,
    field      TEXT NOT NULL,
    mac        BLOB NOT NULL,
    record_id  TEXT NOT NULL,
    PRIMARY KEY (collection, field, mac, record_id)
) WITHOUT ROWID;

CREATE TABLE blind_unique (
    collection TEXT NOT NULL,
    field      TEXT NOT NULL,
    mac        BLOB NOT NULL,
    record_id  TEXT NOT NULL,
    PRIMARY KEY (collection, field, mac)
) WITHOUT ROWID;

CREATE TABLE erasures (
    subject_pseudonym TEXT NOT NULL,
    records_deleted   INTEGER NOT NULL,
    erased_at         INTEGER NOT NULL,
    audit_request     TEXT
);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL,
    collections TEXT NOT NULL,
    purposes    TEXT NOT NULL,
    secret_hash BLOB NOT NULL UNIQUE,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER
) WITHOUT ROWID;

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    collection TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    status     INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);

-- The KEK version every new data key must be wrapped with. Wraps read it in
-- their write transaction (FOR SHARE on PostgreSQL) and rotation updates it,
-- so no process can wrap under a version that rotation is about to retire.
CREATE TABLE kek_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    primary_version INTEGER NOT NULL
);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, X'0000000000000000000000000000000000000000000000000000000000000000');

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
