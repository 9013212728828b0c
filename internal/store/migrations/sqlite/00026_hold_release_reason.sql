-- +goose Up
-- Why a legal hold was released, given by the person who released it
-- ('' for holds released before a reason was asked).
ALTER TABLE legal_holds ADD COLUMN release_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE legal_holds DROP COLUMN release_reason;
