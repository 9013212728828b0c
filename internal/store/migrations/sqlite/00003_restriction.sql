-- +goose Up
-- Restriction of processing (GDPR Art. 18): while a row exists, the
-- subject's data may be read only for the purposes listed.
CREATE TABLE subject_restrictions (
    subject_id TEXT PRIMARY KEY,
    purposes   TEXT NOT NULL, -- JSON list of purposes still allowed
    reason     TEXT NOT NULL,
    since      INTEGER NOT NULL,
    set_by     TEXT NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE subject_restrictions;
