// Package store is Custodia's one SQL layer over two engines: embedded SQLite
// (modernc.org/sqlite, pure Go, WAL) and PostgreSQL (pgx/v5). Queries are
// written once with "?" placeholders and rebound for PostgreSQL; the schema
// lives in embedded goose migrations, one directory per engine because column
// types differ.
//
// All writes go through one group-commit writer: concurrent callers submit
// operations, the writer applies a batch of them in one transaction (each
// under its own savepoint, so one failing operation does not undo the
// others), appends and chains their audit entries in the same transaction,
// commits, and only then acknowledges each caller. On SQLite this removes
// "database is locked" by construction; on PostgreSQL the chain head row is
// locked per batch, so several replicas interleave whole batches.
package store
