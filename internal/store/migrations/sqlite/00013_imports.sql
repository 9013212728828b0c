-- +goose Up
-- Import jobs (custodia import, POST /v1/imports): what was imported, from
-- where, for which purpose and on which legal basis, and the result.
CREATE TABLE imports (
    id           TEXT PRIMARY KEY,  -- the job key: re-running it resumes
    collection   TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    source       TEXT NOT NULL,     -- free text or a data-map system id
    legal_basis  TEXT NOT NULL,
    consent      TEXT NOT NULL,     -- JSON consent evidence of the batch, {} when none
    on_duplicate TEXT NOT NULL,
    status       TEXT NOT NULL,     -- running, completed, failed, interrupted
    result       TEXT NOT NULL,     -- JSON counts, never a value
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER NOT NULL,  -- 0 while running
    updated_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Where each imported record came from: the job, its source and the row.
-- Written in the transaction that creates the record; (job_id, row_ref) is
-- unique, so a resumed job never imports a row twice.
CREATE TABLE record_provenance (
    job_id      TEXT NOT NULL,
    row_ref     TEXT NOT NULL,     -- "12" or "Sheet1!12"
    record_id   TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, row_ref)
) WITHOUT ROWID;
CREATE INDEX record_provenance_record ON record_provenance (record_id);
CREATE INDEX record_provenance_subject ON record_provenance (subject_id);

-- +goose Down
DROP TABLE record_provenance;
DROP TABLE imports;
