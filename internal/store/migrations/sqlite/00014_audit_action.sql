-- +goose Up
-- The compliance report (and so the console's dashboard) asks when an
-- action last succeeded, such as the last key rotation, and the audit
-- page filters by action: find them without scanning the log.
CREATE INDEX audit_action_at ON audit_log (action, at);

-- +goose Down
DROP INDEX audit_action_at;
