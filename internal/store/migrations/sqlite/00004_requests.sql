-- +goose Up
-- Data-subject requests, their state history and their tasks outside the
-- vault. No lookup value (e-mail, phone) is stored: only the subject it
-- matched, or a keyed hash to spot duplicates.
CREATE TABLE requests (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL,
    jurisdiction     TEXT NOT NULL,
    state            TEXT NOT NULL,
    subject_id       TEXT NOT NULL,
    lookup_kind      TEXT NOT NULL,
    lookup_hash      BLOB,
    channel          TEXT NOT NULL,
    received_at      INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    acknowledge_by   INTEGER,
    extend_notice_by INTEGER,
    extensions       INTEGER NOT NULL,
    max_extensions   INTEGER NOT NULL,
    rule_source      TEXT NOT NULL,
    details          TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    closed_at        INTEGER,
    outcome          TEXT NOT NULL,
    overdue_alerted  INTEGER  -- when the overdue alert was raised
) WITHOUT ROWID;
CREATE INDEX requests_open ON requests (state, due_at);
CREATE INDEX requests_subject ON requests (subject_id, type);

CREATE TABLE request_transitions (
    request_id TEXT NOT NULL REFERENCES requests(id),
    seq        INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
) WITHOUT ROWID;

CREATE TABLE request_tasks (
    id              TEXT PRIMARY KEY,
    request_id      TEXT NOT NULL REFERENCES requests(id),
    system          TEXT NOT NULL,
    description     TEXT NOT NULL,
    state           TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    attachment_hash TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    closed_by       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX request_tasks_request ON request_tasks (request_id);

-- Objection to processing (GDPR Art. 21): the subject's data is not read
-- for these purposes.
CREATE TABLE subject_objections (
    subject_id TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    since      INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    PRIMARY KEY (subject_id, purpose)
) WITHOUT ROWID;

-- Every deletion (erasure, retention, manual): when, what, how many, why
-- and who approved it. Never the deleted values.
CREATE TABLE deletions (
    id                TEXT PRIMARY KEY,
    at                INTEGER NOT NULL,
    kind              TEXT NOT NULL,  -- erasure, retention or manual
    subject_pseudonym TEXT NOT NULL,
    collections       TEXT NOT NULL,  -- JSON list
    fields            TEXT NOT NULL,  -- JSON list; ["*"] for whole records
    records_deleted   INTEGER NOT NULL,
    cause             TEXT NOT NULL,  -- request id, retention rule, or the API call
    approved_by       TEXT NOT NULL,
    audit_request     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX deletions_at ON deletions (at);

-- The access package lists who read a subject's data: find a subject's
-- audit entries without scanning the log.
CREATE INDEX audit_subject ON audit_log (subject, seq);

-- +goose Down
DROP INDEX audit_subject;
DROP TABLE deletions;
DROP TABLE subject_objections;
DROP TABLE request_tasks;
DROP TABLE request_transitions;
DROP TABLE requests;
