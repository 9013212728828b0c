package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
)

const tokenColumns = "id, name, role, collections, purposes, secret_hash, created_by, created_at, expires_at, revoked_at, rate_limit, blocked_at"

// CreateToken stores a token (its secret's hash only).
func (db *DB) CreateToken(ctx context.Context, t auth.Token, e *audit.Entry) error {
	cols, _ := json.Marshal(t.Collections)
	purps, _ := json.Marshal(t.Purposes)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO api_tokens ("+tokenColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)",
			t.ID, t.Name, string(t.Role), string(cols), string(purps), t.SecretHash, t.CreatedBy, t.CreatedAt.UnixMicro(), microsOrNil(t.ExpiresAt), t.RateLimit)
		if isUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "token_exists", "a token with this name already exists")
		}
		return err
	}, e)
}

func microsOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func scanToken(sc interface{ Scan(...any) error }) (auth.Token, error) {
	var t auth.Token
	var role, cols, purps string
	var created int64
	var expires, revoked, blocked *int64
	if err := sc.Scan(&t.ID, &t.Name, &role, &cols, &purps, &t.SecretHash, &t.CreatedBy, &created, &expires, &revoked, &t.RateLimit, &blocked); err != nil {
		return t, err
	}
	t.Role = auth.Role(role)
	if err := json.Unmarshal([]byte(cols), &t.Collections); err != nil {
		return t, fmt.Errorf("token collections: %w", err)
	}
	if err := json.Unmarshal([]byte(purps), &t.Purposes); err != nil {
		return t, fmt.Errorf("token purposes: %w", err)
	}
	t.CreatedAt = time.UnixMicro(created).UTC()
	if expires != nil {
		x := time.UnixMicro(*expires).UTC()
		t.ExpiresAt = &x
	}
	if revoked != nil {
		x := time.UnixMicro(*revoked).UTC()
		t.RevokedAt = &x
	}
	t.BlockedAt = timeOrNil(blocked)
	return t, nil
}

// TokenByHash finds a token by its secret's hash.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (auth.Token, error) {
	t, err := scanToken(db.queryRow(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE secret_hash = ?", hash))
	if err != nil {
		if nf := notFound(err, "token_not_found", "no such token"); nf != err {
			return t, nf
		}
		return t, fmt.Errorf("find token: %w", err)
	}
	return t, nil
}

// ListTokens lists all tokens, newest first.
func (db *DB) ListTokens(ctx context.Context) ([]auth.Token, error) {
	rows, err := db.query(ctx, "SELECT "+tokenColumns+" FROM api_tokens ORDER BY created_at DESC, id")
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []auth.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken marks a token revoked.
func (db *DB) RevokeToken(ctx context.Context, id string, at time.Time, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at.UnixMicro(), id)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "token_not_found", "no such active token")
		}
		return nil
	}, e)
}

// CountTokens counts tokens, revoked ones included.
func (db *DB) CountTokens(ctx context.Context) (int64, error) {
	var n int64
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM api_tokens").Scan(&n); err != nil {
		return 0, fmt.Errorf("count tokens: %w", err)
	}
	return n, nil
}
