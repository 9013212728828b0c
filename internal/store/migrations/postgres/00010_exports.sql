-- +goose Up
-- The export register: bulk reads and exports of personal data, with
-- four-eyes approval of large or sensitive CSV exports.
CREATE TABLE exports (
    id           TEXT PRIMARY KEY,  -- the watermark id the exported file carries
    kind         TEXT NOT NULL,     -- csv_export, access_package, bulk_read
    status       TEXT NOT NULL,     -- pending_approval, approved, rejected, produced, registered
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    spec         TEXT NOT NULL      -- JSON: collection, fields, purpose, reason, categories, counts, decision
);
CREATE INDEX exports_requested ON exports (requested_at);

-- +goose Down
DROP TABLE exports;
