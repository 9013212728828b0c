package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/audit"
)

// ListRoles returns the custom roles.
func (db *DB) ListRoles(ctx context.Context) ([]access.Role, error) {
	rows, err := db.query(ctx, "SELECT spec FROM roles ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	defer rows.Close()
	out := []access.Role{}
	for rows.Next() {
		var spec []byte
		if err := rows.Scan(&spec); err != nil {
			return nil, fmt.Errorf("list roles: %w", err)
		}
		var r access.Role
		if err := json.Unmarshal(spec, &r); err != nil {
			return nil, fmt.Errorf("role spec: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutRole creates or (mustCreate false) replaces a custom role.
func (db *DB) PutRole(ctx context.Context, r access.Role, mustCreate bool, at time.Time, e *audit.Entry) error {
	spec, err := json.Marshal(r)
	if err != nil {
		return apperr.Wrap(err, "encode role")
	}
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		if mustCreate {
			_, err := tx.Exec(ctx, "INSERT INTO roles (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)", r.Name, spec, at.UnixMicro(), at.UnixMicro())
			if isUniqueViolation(err) {
				return apperr.New(apperr.Conflict, "role_exists", "a role with this name already exists")
			}
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO roles (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at",
			r.Name, spec, at.UnixMicro(), at.UnixMicro())
		return err
	}, e)
}

// DeleteRole deletes a custom role no token or person holds.
func (db *DB) DeleteRole(ctx context.Context, name string, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM users WHERE role = ?) + (SELECT COUNT(*) FROM api_tokens WHERE role = ? AND revoked_at IS NULL)", name, name).Scan(&n); err != nil {
			return fmt.Errorf("role in use: %w", err)
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "role_in_use", "people or active tokens still hold this role")
		}
		if err := purposesNaming(ctx, tx, name); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM roles WHERE name = ?", name)
		if err != nil {
			return fmt.Errorf("delete role: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "role_not_found", "no such custom role")
		}
		return nil
	}, e)
}

// purposesNaming refuses (409 role_in_use) when purposes still list the
// role among those that may invoke them: deleted, it would linger there,
// and a new role of the same name would silently inherit them.
func purposesNaming(ctx context.Context, tx *Tx, role string) error {
	rows, err := tx.Query(ctx, "SELECT name, roles FROM purposes ORDER BY name")
	if err != nil {
		return fmt.Errorf("purposes of the role: %w", err)
	}
	defer rows.Close()
	var naming []string
	for rows.Next() {
		var purpose, roles string
		if err := rows.Scan(&purpose, &roles); err != nil {
			return fmt.Errorf("purposes of the role: %w", err)
		}
		var names []string
		if err := json.Unmarshal([]byte(roles), &names); err != nil {
			return fmt.Errorf("purpose roles: %w", err)
		}
		if slices.Contains(names, role) {
			naming = append(naming, purpose)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("purposes of the role: %w", err)
	}
	if len(naming) > 0 {
		return apperr.Newf(apperr.Conflict, "role_in_use", "purposes still let this role invoke them (%s): remove it from them first (PUT /v1/purposes/{name})", strings.Join(naming, ", "))
	}
	return nil
}

// ListPurposes returns the registered purposes.
func (db *DB) ListPurposes(ctx context.Context) ([]access.Purpose, error) {
	rows, err := db.query(ctx, "SELECT name, description, legal_basis, roles, created_at, updated_at FROM purposes ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list purposes: %w", err)
	}
	defer rows.Close()
	out := []access.Purpose{}
	for rows.Next() {
		var p access.Purpose
		var basis, roles string
		var created, updated int64
		if err := rows.Scan(&p.Name, &p.Description, &basis, &roles, &created, &updated); err != nil {
			return nil, fmt.Errorf("list purposes: %w", err)
		}
		p.LegalBasis = access.LegalBasis(basis)
		if err := json.Unmarshal([]byte(roles), &p.Roles); err != nil {
			return nil, fmt.Errorf("purpose roles: %w", err)
		}
		p.CreatedAt, p.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// PutPurpose creates or (mustCreate false) replaces a purpose.
func (db *DB) PutPurpose(ctx context.Context, p access.Purpose, mustCreate bool, e *audit.Entry) error {
	roles, _ := json.Marshal(p.Roles)
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		q := "INSERT INTO purposes (name, description, legal_basis, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
		if !mustCreate {
			q += " ON CONFLICT (name) DO UPDATE SET description = excluded.description, legal_basis = excluded.legal_basis, roles = excluded.roles, updated_at = excluded.updated_at"
		}
		_, err := tx.Exec(ctx, q, p.Name, p.Description, string(p.LegalBasis), string(roles), p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro())
		if isUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "purpose_exists", "a purpose with this name already exists")
		}
		return err
	}, e)
}

// SeedPurposes registers the default purposes when none exist yet.
func (db *DB) SeedPurposes(ctx context.Context, ps []access.Purpose, at time.Time) error {
	var n int64
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM purposes").Scan(&n); err != nil {
		return fmt.Errorf("count purposes: %w", err)
	}
	if n > 0 {
		return nil
	}
	for _, p := range ps {
		p.CreatedAt, p.UpdatedAt = at, at
		roles, _ := json.Marshal(p.Roles)
		err := db.w.submit(func(ctx context.Context, tx *Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO purposes (name, description, legal_basis, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
				p.Name, p.Description, string(p.LegalBasis), string(roles), at.UnixMicro(), at.UnixMicro())
			return err
		}, &audit.Entry{Actor: "system", Action: "purpose.seed", Purpose: p.Name})
		if err != nil {
			return fmt.Errorf("seed purpose: %w", err)
		}
	}
	return nil
}
