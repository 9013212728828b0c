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
// it: tokens it revokes, one person's role and state after it, and one
// role's permissions after it.
type credentialChange struct {
	revokes  func(auth.Token) bool // nil: none
	userID   string                // the person changed, "" for none
	role     auth.Role             // their role after the change
	disabled bool                  // whether they are disabled after it
	// roleName is a role the change redefines or deletes, "" for none;
	// rolePerms are its permissions after it (nil once deleted).
	roleName  string
	rolePerms []auth.Permission
}

// durableFor is how long an administrator's token must still be valid to
// count: one that expires sooner would leave no administrator when it does.
const durableFor = 7 * 24 * time.Hour

// administers reports whether a role may administer, after ch: define
// roles (so assign any) and manage people or tokens (so hand out
// credentials).
func (s *Server) administers(ctx context.Context, role auth.Role, ch credentialChange) (bool, error) {
	var perms []auth.Permission
	switch {
	case ch.roleName != "" && string(role) == ch.roleName:
		perms = ch.rolePerms
	case s.access == nil:
		return role == "admin", nil
	default:
		r, ok, err := s.access.Role(ctx, string(role))
		if err != nil || !ok {
			return false, err
		}
		perms = r.Permissions
	}
	return slices.Contains(perms, auth.PermRolesManage) &&
		(slices.Contains(perms, auth.PermUsersManage) || slices.Contains(perms, auth.PermTokensManage)), nil
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
// that would after ch. A token counts only while valid for durableFor
// more, and only while the person behind it (auth.Maker: who made it, or
// made the token that made it) is enabled: a disabled person's tokens
// stop working.
func (s *Server) administrators(ctx context.Context, ch credentialChange) (before, after int, err error) {
	now := time.Now()
	users, err := s.tokens.Users(ctx)
	if err != nil {
		return 0, 0, err
	}
	enabledNow, enabledAfter := map[string]bool{}, map[string]bool{}
	for _, u := range users {
		nowAdmin, err := s.administers(ctx, u.Role, credentialChange{})
		if err != nil {
			return 0, 0, err
		}
		role, disabled := u.Role, u.DisabledAt != nil
		if u.ID == ch.userID {
			role, disabled = ch.role, ch.disabled
		}
		enabledNow["user:"+u.ID] = u.DisabledAt == nil
		enabledAfter["user:"+u.ID] = !disabled
		if u.BlockedAt != nil {
			continue
		}
		if nowAdmin && u.DisabledAt == nil {
			before++
		}
		if disabled {
			continue
		}
		if ok, err := s.administers(ctx, role, ch); err != nil {
			return 0, 0, err
		} else if ok {
			after++
		}
	}
	tokens, err := s.tokens.List(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, t := range tokens {
		if !t.Active(now.Add(durableFor)) || t.BlockedAt != nil {
			continue
		}
		maker := auth.Maker(t, tokens)
		_, byPerson := enabledNow[maker]
		if nowAdmin, err := s.administers(ctx, t.Role, credentialChange{}); err != nil {
			return 0, 0, err
		} else if nowAdmin && (!byPerson || enabledNow[maker]) {
			before++
		}
		if (ch.revokes != nil && ch.revokes(t)) || (byPerson && !enabledAfter[maker]) {
			continue
		}
		if ok, err := s.administers(ctx, t.Role, ch); err != nil {
			return 0, 0, err
		} else if ok {
			after++
		}
	}
	return before, after, nil
}
