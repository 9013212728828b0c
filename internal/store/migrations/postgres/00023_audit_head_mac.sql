-- +goose Up
-- The chain head is sealed with the audit key (audit.HeadMAC), so that the
-- newest entries cannot be deleted together with a head moved back to the
-- entry before them: only the key's holder can seal a head. NULL until the
-- server opening the database with its key seals the head it finds.
ALTER TABLE audit_head ADD COLUMN mac BYTEA;

-- +goose Down
ALTER TABLE audit_head DROP COLUMN mac;
