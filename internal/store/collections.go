package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/vault"
)

// PutCollection creates a collection, or replaces its schema when it exists
// and mustCreate is false (the caller has checked compatibility).
func (db *DB) PutCollection(ctx context.Context, c vault.CollectionRow, mustCreate bool, e *audit.Entry) (bool, error) {
	created := false
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		now := time.Now().UTC().UnixMicro()
		var version int64
		err := tx.QueryRow(ctx, "SELECT version FROM collections WHERE name = ?", c.Name).Scan(&version)
		switch {
		case err == nil && mustCreate:
			return apperr.New(apperr.Conflict, "collection_exists", "a collection with this name already exists")
		case err == nil:
			if c.Version != 0 && c.Version != version {
				return apperr.New(apperr.Conflict, "version_conflict", "the collection changed since it was read; retry")
			}
			_, err = tx.Exec(ctx, "UPDATE collections SET kind = ?, schema = ?, version = ?, updated_at = ? WHERE name = ?",
				c.Kind, c.Schema, version+1, now, c.Name)
			return err
		case notFound(err, "", "") != err: // no such row
			created = true
			_, err = tx.Exec(ctx, "INSERT INTO collections (name, kind, schema, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
				c.Name, c.Kind, c.Schema, now, now)
			if isUniqueViolation(err) {
				return apperr.New(apperr.Conflict, "collection_exists", "a collection with this name already exists")
			}
			return err
		default:
			return fmt.Errorf("read collection: %w", err)
		}
	}, e)
	return created, err
}

// GetCollection returns one collection.
func (db *DB) GetCollection(ctx context.Context, name string) (vault.CollectionRow, error) {
	var c vault.CollectionRow
	var created, updated int64
	err := db.queryRow(ctx, "SELECT name, kind, schema, version, created_at, updated_at FROM collections WHERE name = ?", name).
		Scan(&c.Name, &c.Kind, &c.Schema, &c.Version, &created, &updated)
	if err != nil {
		if nf := notFound(err, "collection_not_found", "no such collection"); nf != err {
			return c, nf
		}
		return c, fmt.Errorf("get collection: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return c, nil
}

// ListCollections returns all collections by name.
func (db *DB) ListCollections(ctx context.Context) ([]vault.CollectionRow, error) {
	rows, err := db.query(ctx, "SELECT name, kind, schema, version, created_at, updated_at FROM collections ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list collections: %w", err)
	}
	defer rows.Close()
	var out []vault.CollectionRow
	for rows.Next() {
		var c vault.CollectionRow
		var created, updated int64
		if err := rows.Scan(&c.Name, &c.Kind, &c.Schema, &c.Version, &created, &updated); err != nil {
			return nil, fmt.Errorf("list collections: %w", err)
		}
		c.CreatedAt, c.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list collections: %w", errors.Join(err))
	}
	return out, nil
}
