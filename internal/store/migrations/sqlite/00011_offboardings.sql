-- +goose Up
-- Reviews of people who leave: what they took or hold, and a checklist.
CREATE TABLE offboardings (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    state      TEXT NOT NULL,  -- open or closed
    spec       TEXT NOT NULL,  -- JSON: revoked access, exports, systems, checklist items with evidence
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX offboardings_user ON offboardings (user_id);

-- +goose Down
DROP TABLE offboardings;
