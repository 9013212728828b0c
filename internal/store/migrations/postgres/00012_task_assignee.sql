-- +goose Up
-- A request task may be assigned to a person (by e-mail address), so that
-- offboarding can hand open tasks to a successor.
ALTER TABLE request_tasks ADD COLUMN assignee TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE request_tasks DROP COLUMN assignee;
