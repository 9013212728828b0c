-- +goose Up
-- A notice text is the exact words people agreed to, stored once under its
-- SHA-256: like the ledger that points at it, it is never changed or
-- removed (a restore replaces it under ledger_maintenance).
CREATE TRIGGER consent_notices_no_change BEFORE UPDATE OR DELETE ON consent_notices
FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

CREATE TRIGGER consent_notices_no_truncate BEFORE TRUNCATE ON consent_notices
FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();

-- +goose Down
DROP TRIGGER consent_notices_no_truncate ON consent_notices;
DROP TRIGGER consent_notices_no_change ON consent_notices;
