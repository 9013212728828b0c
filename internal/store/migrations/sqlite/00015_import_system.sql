-- +goose Up
-- An import's link to the data map: the system its rows came from, and the
-- clean-up task that destroys that system's copy once the job completes.
ALTER TABLE imports ADD COLUMN system_id TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN cleanup_task TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE imports DROP COLUMN cleanup_task;
ALTER TABLE imports DROP COLUMN system_id;
