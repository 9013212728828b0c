package httpapi

import (
	"context"
	"slices"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/auth"
)

// errLastAdministrator refuses a change that would lock administration out.
var errLastAdministrator = apperr.New(apperr.Conflict, "last_administrator",
	"this would leave no active API token and no enabled person able to administer Custodia (manage roles, and people or tokens), and nothing could undo it: create another administrator first")

// credentialChange is a change to credentials, as keepAdministrator sees
// it: tokens it revokes, and one person's role and state after it.
type credentialChange struct {
	revokes  func(auth.Token) bool // nil: none
	userID   string                // the person changed, "" for none
	role     auth.Role             // their role after the change
	disabled bool                  // whether they are disabled after it
}

// administers reports whether a role may administer: define roles (so
// assign any) and manage people or tokens (so hand out credentials).
func (s *Server) administers(ctx context.Context, role auth.Role) (bool, error) {
	if s.access == nil {
		return role == "admin", nil
	}
	r, ok, err := s.access.Role(ctx, string(role))
	if err != nil || !ok {
		return false, err
	}
	return slices.Contains(r.Permissions, auth.PermRolesManage) &&
		(slices.Contains(r.Permissions, auth.PermUsersManage) || slices.Contains(r.Permissions, auth.PermTokensManage)), nil
}

// keepAdministrator refuses (409 last_administrator) a change after which
// no active token and no enabled person could administer, where one could
// before: revoking the last admin token, or demoting, disabling or
// offboarding the last admin person, would leave no way to make
// credentials again (the bootstrap token applies to an empty database
// only).
func (s *Server) keepAdministrator(ctx context.Context, ch credentialChange) error {
	before, after, err := s.administrators(ctx, ch)
	if err != nil {
		return err
	}
	if before > 0 && after == 0 {
		return errLastAdministrator
	}
	return nil
}

// administrators counts the credentials that administer now, and those
// that would after ch.
func (s *Server) administrators(ctx context.Context, ch credentialChange) (before, after int, err error) {
	now := time.Now()
	tokens, err := s.tokens.List(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, t := range tokens {
		if !t.Active(now) || t.BlockedAt != nil {
			continue
		}
		ok, err := s.administers(ctx, t.Role)
		if err != nil {
			return 0, 0, err
		}
		if ok {
			before++
			if ch.revokes == nil || !ch.revokes(t) {
				after++
			}
		}
	}
	users, err := s.tokens.Users(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, u := range users {
		if u.BlockedAt != nil {
			continue
		}
		now, err := s.administers(ctx, u.Role)
		if err != nil {
			return 0, 0, err
		}
		if now && u.DisabledAt == nil {
			before++
		}
		role, disabled := u.Role, u.DisabledAt != nil
		if u.ID == ch.userID {
			role, disabled = ch.role, ch.disabled
		}
		if disabled {
			continue
		}
		if ok, err := s.administers(ctx, role); err != nil {
			return 0, 0, err
		} else if ok {
			after++
		}
	}
	return before, after, nil
}
