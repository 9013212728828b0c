package store

import (
	"context"
	"fmt"
	"time"

	"custodia/internal/audit"
)

// Barrier runs fn inside the writer, between the operations before it and
// those after it. Key rotation switches the primary KEK version this way,
// so every data key wrapped afterwards uses the new version.
func (db *DB) Barrier(_ context.Context, fn func() error, e *audit.Entry) error {
	return db.w.submitAlone(func(context.Context, *Tx) error { return fn() }, e)
}

// RewrapKeys re-wraps up to limit data keys not yet wrapped by primary,
// calling rewrap for each inside the writer, and returns how many it did.
func (db *DB) RewrapKeys(_ context.Context, primary uint32, limit int, rewrap func(subjectID string, wrapped []byte) (uint32, []byte, error)) (int, error) {
	n := 0
	if db.cache != nil {
		defer db.cache.clear() // cached rows hold the old wrapped keys
	}
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		rows, err := tx.Query(ctx, "SELECT subject_id, wrapped_dek FROM custodia_keys.subject_keys WHERE kek_version <> ? ORDER BY subject_id LIMIT ?", int64(primary), limit)
		if err != nil {
			return fmt.Errorf("select keys to re-wrap: %w", err)
		}
		type item struct {
			id string
			w  []byte
		}
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.id, &it.w); err != nil {
				rows.Close()
				return fmt.Errorf("select keys to re-wrap: %w", err)
			}
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select keys to re-wrap: %w", err)
		}
		now := time.Now().UTC().UnixMicro()
		for _, it := range items {
			v, w, err := rewrap(it.id, it.w)
			if err != nil {
				return fmt.Errorf("re-wrap data key: %w", err)
			}
			if _, err := tx.Exec(ctx, "UPDATE custodia_keys.subject_keys SET kek_version = ?, wrapped_dek = ?, rewrapped_at = ? WHERE subject_id = ?", int64(v), w, now, it.id); err != nil {
				return fmt.Errorf("store re-wrapped key: %w", err)
			}
		}
		n = len(items)
		return nil
	}, nil)
	return n, err
}

// KeyVersionCounts returns how many data keys each KEK version wraps.
func (db *DB) KeyVersionCounts(ctx context.Context) (map[uint32]int64, error) {
	rows, err := db.query(ctx, "SELECT kek_version, COUNT(*) FROM custodia_keys.subject_keys GROUP BY kek_version")
	if err != nil {
		return nil, fmt.Errorf("count keys by version: %w", err)
	}
	defer rows.Close()
	out := map[uint32]int64{}
	for rows.Next() {
		var v, n int64
		if err := rows.Scan(&v, &n); err != nil {
			return nil, fmt.Errorf("count keys by version: %w", err)
		}
		out[uint32(v)] = n
	}
	return out, rows.Err()
}
