-- +goose Up
-- Personal-data breaches: the incident, one notification clock per regime
-- and recipient, its tasks, its timeline and its evidence (kept by hash).
-- Affected subjects are counted, never listed.
CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL,     -- open, closed
    detected_at BIGINT NOT NULL,
    aware_at    BIGINT NOT NULL,
    spec        TEXT NOT NULL,     -- JSON: description, window, systems, categories, actor, collections, jurisdictions, counts, contact
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    closed_at   BIGINT
);
CREATE INDEX incidents_created ON incidents (created_at);

CREATE TABLE incident_clocks (
    incident_id     TEXT NOT NULL REFERENCES incidents(id),
    regime          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    state           TEXT NOT NULL,  -- open, met, waived
    start_at        BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,
    affected        BIGINT NOT NULL,
    rule            TEXT NOT NULL,  -- JSON: the rule as it stood when the clock started
    met_at          BIGINT,
    reference       TEXT NOT NULL,
    near_alerted    BIGINT,         -- when the nearing-its-end alert was raised
    overdue_alerted BIGINT,         -- when the overdue alert was raised
    PRIMARY KEY (incident_id, regime, recipient)
);
CREATE INDEX incident_clocks_open ON incident_clocks (state, due_at);

CREATE TABLE incident_tasks (
    incident_id     TEXT NOT NULL REFERENCES incidents(id),
    task            TEXT NOT NULL,
    position        BIGINT NOT NULL,
    title           TEXT NOT NULL,
    state           TEXT NOT NULL,  -- open, closed, justified
    evidence        TEXT NOT NULL,
    evidence_sha256 TEXT NOT NULL,
    closed_at       BIGINT,
    closed_by       TEXT NOT NULL,
    PRIMARY KEY (incident_id, task)
);

CREATE TABLE incident_events (
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    detail      TEXT NOT NULL,  -- ids, regimes and counts; never personal data
    PRIMARY KEY (incident_id, seq)
);

CREATE TABLE incident_evidence (
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    sha256      TEXT NOT NULL,
    description TEXT NOT NULL,
    added_at    BIGINT NOT NULL,
    added_by    TEXT NOT NULL,
    PRIMARY KEY (incident_id, sha256)
);

-- An incident on a compromised token counts the subjects it read in a
-- window: find an actor's entries by time without scanning the log.
CREATE INDEX audit_actor_at ON audit_log (actor, at);

-- +goose Down
DROP INDEX audit_actor_at;
DROP TABLE incident_evidence;
DROP TABLE incident_events;
DROP TABLE incident_tasks;
DROP TABLE incident_clocks;
DROP TABLE incidents;
