-- +goose Up
-- The clean-up trail of imports: once an import brought a system's data
-- into the vault, the system is marked "migrated, copy to destroy" and a
-- task asks its holders to destroy the original copy, closed with evidence.
-- A system's migration state (JSON), '' when no import came from it.
ALTER TABLE systems ADD COLUMN migration TEXT NOT NULL DEFAULT '';

CREATE TABLE cleanup_tasks (
    id              TEXT PRIMARY KEY,
    system_id       TEXT NOT NULL,
    import_id       TEXT NOT NULL,
    title           TEXT NOT NULL,
    assignees       TEXT NOT NULL,  -- JSON list of e-mail addresses or names
    state           TEXT NOT NULL,  -- open or closed
    evidence        TEXT NOT NULL,
    evidence_sha256 TEXT NOT NULL,
    closed_by       TEXT NOT NULL,
    closed_at       INTEGER NOT NULL,  -- 0 while open
    created_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX cleanup_tasks_import ON cleanup_tasks (import_id);
CREATE INDEX cleanup_tasks_system ON cleanup_tasks (system_id);
CREATE INDEX cleanup_tasks_created ON cleanup_tasks (created_at);

-- +goose Down
DROP TABLE cleanup_tasks;
ALTER TABLE systems DROP COLUMN migration;
