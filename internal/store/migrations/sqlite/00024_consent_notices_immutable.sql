-- +goose Up
-- A notice text is the exact words people agreed to, stored once under its
-- SHA-256: like the ledger that points at it, it is never changed or
-- removed (a restore replaces it under ledger_maintenance).
CREATE TRIGGER consent_notices_no_update BEFORE UPDATE ON consent_notices
WHEN NOT EXISTS (SELECT 1 FROM ledger_maintenance)
BEGIN SELECT RAISE(ABORT, 'consent notices are append-only'); END;

CREATE TRIGGER consent_notices_no_delete BEFORE DELETE ON consent_notices
WHEN NOT EXISTS (SELECT 1 FROM ledger_maintenance)
BEGIN SELECT RAISE(ABORT, 'consent notices are append-only'); END;

-- +goose Down
DROP TRIGGER consent_notices_no_delete;
DROP TRIGGER consent_notices_no_update;
