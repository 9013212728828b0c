-- +goose Up
-- When the alert that a request's receipt was not acknowledged in time was
-- raised (NULL: not yet), so that it is raised once, as overdue_alerted is
-- for the answer's due date.
ALTER TABLE requests ADD COLUMN ack_alerted INTEGER;

-- +goose Down
ALTER TABLE requests DROP COLUMN ack_alerted;
