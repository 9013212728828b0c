-- +goose Up
-- The data-subject request whose access package an entry of the register
-- is ('' for other kinds). A package holding sensitive categories waits
-- for a second person's approval like a large export; its download finds
-- the approved entry by its request.
ALTER TABLE exports ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
CREATE INDEX exports_request ON exports (request_id, requested_at);

-- +goose Down
DROP INDEX exports_request;
ALTER TABLE exports DROP COLUMN request_id;
