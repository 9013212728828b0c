-- +goose Up
-- Access control: roles, purposes, people, sessions, MFA, consent, training,
-- alerts. Times are Unix microseconds; booleans are 0/1 integers.

CREATE TABLE roles (
    name       TEXT PRIMARY KEY,
    spec       BLOB NOT NULL, -- JSON: permissions, grants, requirements
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE purposes (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    roles       TEXT NOT NULL, -- JSON list of role names that may invoke it
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    totp_secret     BLOB,          -- sealed; NULL until enrolment is confirmed
    totp_pending    BLOB,          -- sealed; an enrolment awaiting its first code
    totp_last_step  INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    disabled_at     INTEGER,
    blocked_at      INTEGER
) WITHOUT ROWID;

CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id),
    code_hash BLOB NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    secret_hash BLOB NOT NULL UNIQUE,
    mfa         INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE consent_notices (
    hash       BLOB PRIMARY KEY, -- SHA-256 of the text
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The consent ledger: append-only. seq orders events, also concurrent ones.
CREATE TABLE consent_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    subject_id     TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    action         TEXT NOT NULL,
    method         TEXT NOT NULL,
    channel        TEXT NOT NULL,
    notice_version TEXT NOT NULL,
    notice_hash    BLOB,
    collected_by   TEXT NOT NULL,
    ip_hash        BLOB,
    ua_hash        BLOB,
    at             INTEGER NOT NULL,
    recorded_at    INTEGER NOT NULL,
    recorded_by    TEXT NOT NULL,
    request_id     TEXT NOT NULL
);
CREATE INDEX consent_subject ON consent_events (subject_id, purpose, seq);

-- A row here lets a restore replace the ledger; nothing else writes it.
CREATE TABLE ledger_maintenance (active INTEGER PRIMARY KEY);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
WHEN NOT EXISTS (SELECT 1 FROM ledger_maintenance)
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
WHEN NOT EXISTS (SELECT 1 FROM ledger_maintenance)
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

-- INSERT OR REPLACE deletes the row it replaces without firing delete
-- triggers: refuse any insert that would collide with an existing event.
CREATE TRIGGER consent_events_no_replace BEFORE INSERT ON consent_events
WHEN NOT EXISTS (SELECT 1 FROM ledger_maintenance)
 AND (EXISTS (SELECT 1 FROM consent_events WHERE seq = NEW.seq)
      OR EXISTS (SELECT 1 FROM consent_events WHERE id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

CREATE TABLE training (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    course       TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    expires_at   INTEGER,
    recorded_by  TEXT NOT NULL,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX training_user ON training (user_id);

CREATE TABLE alerts (
    id         TEXT PRIMARY KEY,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    severity   TEXT NOT NULL,
    principal  TEXT NOT NULL,
    message    TEXT NOT NULL,
    data       TEXT NOT NULL, -- JSON object of strings
    cleared_at INTEGER,
    cleared_by TEXT
) WITHOUT ROWID;
CREATE INDEX alerts_at ON alerts (at);

ALTER TABLE api_tokens ADD COLUMN rate_limit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN blocked_at INTEGER;
ALTER TABLE audit_log ADD COLUMN decision TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN decision;
ALTER TABLE api_tokens DROP COLUMN blocked_at;
ALTER TABLE api_tokens DROP COLUMN rate_limit;
DROP TABLE alerts;
DROP TABLE training;
DROP TRIGGER consent_events_no_replace;
DROP TRIGGER consent_events_no_delete;
DROP TRIGGER consent_events_no_update;
DROP TABLE ledger_maintenance;
DROP TABLE consent_events;
DROP TABLE consent_notices;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE users;
DROP TABLE purposes;
DROP TABLE roles;
