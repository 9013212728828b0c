-- +goose Up
-- At most one access package per request waits for approval: two
-- downloads asked at once share one entry of the register instead of
-- asking twice.
CREATE UNIQUE INDEX exports_pending_package ON exports (request_id)
    WHERE kind = 'access_package' AND status = 'pending_approval';

-- +goose Down
DROP INDEX exports_pending_package;
