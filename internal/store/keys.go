package store

import (
	"context"
	"database/sql"
	"errors"
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

// KEKPrimary records primary as the database's KEK version when none is
// recorded yet, and returns the recorded one.
func (db *DB) KEKPrimary(ctx context.Context, primary uint32) (uint32, error) {
	var v int64
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO kek_state (id, primary_version) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", int64(primary)); err != nil {
			return fmt.Errorf("record KEK version: %w", err)
		}
		return tx.QueryRow(ctx, "SELECT primary_version FROM kek_state WHERE id = 1").Scan(&v)
	}, nil)
	return uint32(v), err
}

// RecordedKEKPrimary returns the KEK version the database records as
// primary, without writing: ok is false when none is recorded yet.
func (db *DB) RecordedKEKPrimary(ctx context.Context) (version uint32, ok bool, err error) {
	var v int64
	err = db.queryRow(ctx, "SELECT primary_version FROM kek_state WHERE id = 1").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read KEK version: %w", err)
	}
	return uint32(v), true, nil
}

// SwitchPrimary runs add (which creates a new KEK version and returns it)
// alone in the writer and records its result as the database's primary in
// the same transaction. On PostgreSQL the update waits for transactions of
// other replicas that are wrapping under the old version.
func (db *DB) SwitchPrimary(_ context.Context, add func() (uint32, error), e *audit.Entry) (uint32, error) {
	var v uint32
	err := db.w.submitAlone(func(ctx context.Context, tx *Tx) error {
		var err error
		if v, err = add(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE kek_state SET primary_version = ? WHERE id = 1", int64(v))
		return err
	}, e)
	return v, err
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
