-- +goose Up
-- An import's fingerprint: a SHA-256 of its input file, mapping and terms
-- (importer.Job.Fingerprint), so a job key used again for another import
-- is refused instead of taken for the same job. '' for jobs stored before.
ALTER TABLE imports ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE imports DROP COLUMN fingerprint;
