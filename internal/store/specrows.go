package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"custodia/internal/apperr"
)

// getSpec reads one row's JSON spec column (the query selects it alone)
// into a T; no row is a 404 with code and message.
func getSpec[T any](ctx context.Context, db *DB, query, id, code, message string) (T, error) {
	var v T
	var spec string
	err := db.queryRow(ctx, query, id).Scan(&spec)
	if errors.Is(err, sql.ErrNoRows) {
		return v, apperr.New(apperr.NotFound, code, message)
	}
	if err != nil {
		return v, fmt.Errorf("read %s: %w", code, err)
	}
	if err := json.Unmarshal([]byte(spec), &v); err != nil {
		return v, fmt.Errorf("decode %s: %w", code, err)
	}
	return v, nil
}

// listSpecs reads the JSON spec column of every row a query selects.
func listSpecs[T any](ctx context.Context, db *DB, what, query string, args ...any) ([]T, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var spec string
		if err := rows.Scan(&spec); err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		var v T
		if err := json.Unmarshal([]byte(spec), &v); err != nil {
			return nil, fmt.Errorf("decode %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
