package store

import (
	"context"
	"fmt"
)

// execOne runs a statement inside a write that must change exactly one
// row: a failure is wrapped with what, and no row changed is missing (a
// not-found or a state conflict, as the caller words it).
func execOne(ctx context.Context, tx *Tx, what string, missing error, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return missing
	}
	return nil
}
