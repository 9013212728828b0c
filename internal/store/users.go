package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
)

const userColumns = "id, email, display_name, role, password_hash, totp_secret, totp_pending, totp_last_step, created_at, updated_at, disabled_at, blocked_at"

func timeOrNil(p *int64) *time.Time {
	if p == nil {
		return nil
	}
	t := time.UnixMicro(*p).UTC()
	return &t
}

func scanUser(sc interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	var role string
	var created, updated int64
	var disabled, blocked *int64
	if err := sc.Scan(&u.ID, &u.Email, &u.DisplayName, &role, &u.PasswordHash, &u.TOTPSecret, &u.TOTPPending, &u.TOTPLastStep,
		&created, &updated, &disabled, &blocked); err != nil {
		return u, err
	}
	u.Role = auth.Role(role)
	u.MFAEnabled = u.TOTPSecret != nil
	u.CreatedAt, u.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	u.DisabledAt, u.BlockedAt = timeOrNil(disabled), timeOrNil(blocked)
	return u, nil
}

// CreateUser stores a new person.
func (db *DB) CreateUser(ctx context.Context, u auth.User, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO users ("+userColumns+") VALUES (?, ?, ?, ?, ?, NULL, NULL, 0, ?, ?, ?, NULL)",
			u.ID, u.Email, u.DisplayName, string(u.Role), u.PasswordHash, u.CreatedAt.UnixMicro(), u.UpdatedAt.UnixMicro(), microsOrNil(u.DisabledAt))
		if isUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "user_exists", "a person with this e-mail address already exists")
		}
		return err
	}, e)
}

func (db *DB) userBy(ctx context.Context, col, v string) (auth.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE "+col+" = ?", v))
	if err != nil {
		if nf := notFound(err, "user_not_found", "no such person"); nf != err {
			return u, nf
		}
		return u, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// UserByID finds a person by id.
func (db *DB) UserByID(ctx context.Context, id string) (auth.User, error) {
	return db.userBy(ctx, "id", id)
}

// UserByEmail finds a person by normalised e-mail address.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	return db.userBy(ctx, "email", email)
}

// ListUsers lists people by e-mail address.
func (db *DB) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := db.query(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []auth.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser writes a person's mutable columns (not the TOTP step, which
// only AdvanceTOTPStep moves). A row that leaves the person enabled is
// not written while their offboarding review is open (409
// offboarding_open), in the same statement: an enabling that raced an
// offboarding cannot leave the review open over an enabled account (QA).
func (db *DB) UpdateUser(ctx context.Context, u auth.User, prev time.Time, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		q := "UPDATE users SET display_name = ?, role = ?, password_hash = ?, totp_secret = ?, totp_pending = ?, updated_at = ?, disabled_at = ?, blocked_at = ? WHERE id = ? AND updated_at = ?"
		args := []any{u.DisplayName, string(u.Role), u.PasswordHash, u.TOTPSecret, u.TOTPPending, u.UpdatedAt.UnixMicro(), microsOrNil(u.DisabledAt), microsOrNil(u.BlockedAt), u.ID, prev.UnixMicro()}
		if u.DisabledAt == nil {
			q += " AND NOT EXISTS (SELECT 1 FROM offboardings WHERE user_id = ? AND state = 'open')"
			args = append(args, u.ID)
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var one int
		switch err := tx.QueryRow(ctx, "SELECT 1 FROM users WHERE id = ?", u.ID).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			return apperr.New(apperr.NotFound, "user_not_found", "no such person")
		case err != nil:
			return fmt.Errorf("update user: %w", err)
		}
		if u.DisabledAt == nil {
			var open string
			err := tx.QueryRow(ctx, "SELECT id FROM offboardings WHERE user_id = ? AND state = 'open'", u.ID).Scan(&open)
			if err == nil {
				return apperr.Newf(apperr.Conflict, "offboarding_open", "the person's offboarding %s is open: close it before enabling them again", open)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("update user: %w", err)
			}
		}
		return auth.ErrUserChanged
	}, e)
}

// AdvanceTOTPStep records a TOTP step as used, refusing one not later than
// the last.
func (db *DB) AdvanceTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	var ok bool
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, userID, step)
		if err != nil {
			return fmt.Errorf("advance TOTP step: %w", err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	}, nil)
	return ok, err
}

// ReplaceRecoveryCodes replaces a person's recovery codes.
func (db *DB) ReplaceRecoveryCodes(ctx context.Context, userID string, hashes [][]byte, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("clear recovery codes: %w", err)
		}
		for _, h := range hashes {
			if _, err := tx.Exec(ctx, "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, NULL)", userID, h); err != nil {
				return fmt.Errorf("store recovery code: %w", err)
			}
		}
		return nil
	}, e)
}

// UseRecoveryCode marks an unused recovery code used.
func (db *DB) UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) (bool, error) {
	var ok bool
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", at.UnixMicro(), userID, hash)
		if err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	}, nil)
	return ok, err
}

// CreateSession stores a session (its secret's hash only).
func (db *DB) CreateSession(ctx context.Context, s auth.Session, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO sessions (id, user_id, secret_hash, mfa, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
			s.ID, s.UserID, s.SecretHash, boolInt(s.MFA), s.CreatedAt.UnixMicro(), s.ExpiresAt.UnixMicro())
		return err
	}, e)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// SessionByHash finds a session by its secret's hash.
func (db *DB) SessionByHash(ctx context.Context, hash []byte) (auth.Session, error) {
	var s auth.Session
	var mfa, created, expires int64
	var revoked *int64
	err := db.queryRow(ctx, "SELECT id, user_id, secret_hash, mfa, created_at, expires_at, revoked_at FROM sessions WHERE secret_hash = ?", hash).
		Scan(&s.ID, &s.UserID, &s.SecretHash, &mfa, &created, &expires, &revoked)
	if err != nil {
		if nf := notFound(err, "session_not_found", "no such session"); nf != err {
			return s, nf
		}
		return s, fmt.Errorf("find session: %w", err)
	}
	s.MFA = mfa == 1
	s.CreatedAt, s.ExpiresAt, s.RevokedAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC(), timeOrNil(revoked)
	return s, nil
}

// SetSessionMFA marks a session as having passed a second factor.
func (db *DB) SetSessionMFA(ctx context.Context, id string) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE sessions SET mfa = 1 WHERE id = ?", id)
		return err
	}, nil)
}

// RevokeSession ends a session.
func (db *DB) RevokeSession(ctx context.Context, id string, at time.Time, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at.UnixMicro(), id)
		if err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "session_not_found", "no such active session")
		}
		return nil
	}, e)
}

// RevokeUserSessions ends all of a person's sessions.
func (db *DB) RevokeUserSessions(ctx context.Context, userID string, at time.Time) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", at.UnixMicro(), userID)
		return err
	}, nil)
}

// SetTokenBlocked blocks (at non-nil) or unblocks a token.
func (db *DB) SetTokenBlocked(ctx context.Context, id string, at *time.Time) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE api_tokens SET blocked_at = ? WHERE id = ?", microsOrNil(at), id)
		if err != nil {
			return fmt.Errorf("block token: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "token_not_found", "no such token")
		}
		return nil
	}, nil)
}
