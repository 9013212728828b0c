-- +goose Up
-- Retention rules and legal holds.
CREATE TABLE retention_rules (
    id           TEXT PRIMARY KEY,
    collection   TEXT NOT NULL,
    fields       TEXT NOT NULL,  -- JSON list; empty: whole records
    purpose      TEXT NOT NULL,  -- for the consent_withdrawn anchor
    anchor       TEXT NOT NULL,  -- created, last_activity, consent_withdrawn, contract_end, request_resolved
    anchor_field TEXT NOT NULL,  -- the date field of contract_end and request_resolved
    keep_n       INTEGER NOT NULL,
    keep_unit    TEXT NOT NULL,  -- days, months or years
    action       TEXT NOT NULL,  -- delete or anonymise
    description  TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE legal_holds (
    id          TEXT PRIMARY KEY,
    subject_id  TEXT NOT NULL,  -- empty: the hold covers a collection
    collection  TEXT NOT NULL,  -- empty: the hold covers a subject
    reason      TEXT NOT NULL,
    expires_at  INTEGER,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    released_at INTEGER,
    released_by TEXT NOT NULL
) WITHOUT ROWID;

-- Subjects whose key was destroyed (crypto-shredded) and whose unreadable
-- ciphertext rows and index entries a background purge still has to remove.
CREATE TABLE purge_queue (
    subject_id    TEXT PRIMARY KEY,
    queued_at     INTEGER NOT NULL,
    pseudonym     TEXT NOT NULL,
    cause         TEXT NOT NULL,
    approved_by   TEXT NOT NULL,
    audit_request TEXT NOT NULL,
    purged        INTEGER NOT NULL,  -- records removed so far
    collections   TEXT NOT NULL   -- JSON list of the collections seen so far
) WITHOUT ROWID;

-- +goose Down
DROP TABLE purge_queue;
DROP TABLE legal_holds;
DROP TABLE retention_rules;
