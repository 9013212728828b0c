-- +goose Up
-- The rows an import job left out (POST /v1/imports): the row's reference,
-- the reason's stable code and message (they name fields, never values),
-- and the row's cells masked as JSON ([{"column":..,"value":..}]); never a
-- value in plaintext. A run of the job replaces its earlier rejects.
CREATE TABLE import_rejects (
    job_id  TEXT NOT NULL,
    seq     INTEGER NOT NULL,   -- order in which the run rejected the row, from 1
    row_ref TEXT NOT NULL,   -- "12" or "Sheet1!12"
    code    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    masked  TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE INDEX imports_started ON imports (started_at, id);

-- +goose Down
DROP INDEX imports_started;
DROP TABLE import_rejects;
