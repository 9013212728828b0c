-- +goose Up
-- The data map: where personal data lives, official or shadow.
CREATE TABLE systems (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,  -- official, shadow or proposed
    spec       TEXT NOT NULL,  -- JSON: kind, owner, holders, declared categories, jurisdictions, purposes, retention, transfers, processors, match
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX systems_name ON systems (name);

-- Which reported scans belong to which systems.
CREATE TABLE scan_systems (
    scan_id   TEXT NOT NULL,
    system_id TEXT NOT NULL,
    PRIMARY KEY (scan_id, system_id)
) WITHOUT ROWID;
CREATE INDEX scan_systems_system ON scan_systems (system_id);

-- +goose Down
DROP TABLE scan_systems;
DROP TABLE systems;
