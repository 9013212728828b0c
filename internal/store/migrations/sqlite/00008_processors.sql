-- +goose Up
-- Processors and their Data Processing Agreements.
CREATE TABLE processors (
    id         TEXT PRIMARY KEY,
    vendor     TEXT NOT NULL,
    service    TEXT NOT NULL,
    spec       TEXT NOT NULL,  -- JSON: country, DPA status, dates and document hash, sub-processors, categories, purposes
    alert_key  TEXT NOT NULL,  -- the DPA problems last alerted on ("" none), so that each change alerts once
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX processors_vendor_service ON processors (vendor, service);

-- +goose Down
DROP TABLE processors;
