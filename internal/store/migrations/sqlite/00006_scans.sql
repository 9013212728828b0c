-- +goose Up
-- Scan results reported by `custodia scan --report-to`: counts per
-- location and entity, never a found value.
CREATE TABLE scans (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,  -- the host that ran the scan
    roots       TEXT NOT NULL,  -- JSON list of paths and database URLs (no passwords)
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    summary     TEXT NOT NULL,  -- JSON: files, bytes, findings, by_entity
    errors      TEXT NOT NULL,  -- JSON list of {path, error}
    reported_by TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX scans_created ON scans (created_at);

CREATE TABLE scan_locations (
    scan_id        TEXT NOT NULL,
    path           TEXT NOT NULL,
    column_name    TEXT NOT NULL,
    entity         TEXT NOT NULL,
    category       TEXT NOT NULL,
    hits           INTEGER NOT NULL,
    max_confidence REAL NOT NULL,
    PRIMARY KEY (scan_id, path, column_name, entity)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE scan_locations;
DROP TABLE scans;
