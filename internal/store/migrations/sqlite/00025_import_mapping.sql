-- +goose Up
-- The header-to-field mapping an import used, given or proposed from the
-- file's headers (JSON object; column names, never values). '' for jobs
-- stored before it was kept, or before their first table was read.
ALTER TABLE imports ADD COLUMN mapping TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE imports DROP COLUMN mapping;
