package httpapi

import (
	"context"
	"slices"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/auth"
)

// checkAssign refuses to let the caller hand out a role (to a new token,
// or to a person) that can do more than the caller: every management
// permission and data grant of the role must be the caller's own. A
// caller who may define roles (roles:manage, the admin) may assign any,
// as it could define one like it. Without this, a role allowed only to
// manage tokens could mint itself an admin or DPO token.
func (s *Server) checkAssign(ctx context.Context, p *auth.Principal, role auth.Role) error {
	if s.access == nil || p == nil || p.Can(auth.PermRolesManage) {
		return nil
	}
	target, ok, err := s.access.Role(ctx, string(role))
	if err != nil || !ok {
		return err // an unknown role is refused where it is used
	}
	mine, ok, err := s.access.Role(ctx, string(p.Role))
	if err != nil {
		return err
	}
	if !ok {
		mine = &access.Role{}
	}
	for _, perm := range target.Permissions {
		if !p.Can(perm) {
			return errAssign(role)
		}
	}
	for _, g := range target.Grants {
		if !slices.ContainsFunc(mine.Grants, func(h access.Grant) bool { return sameGrant(g, h) }) {
			return errAssign(role)
		}
	}
	return nil
}

// sameGrant reports whether two grants give the same access to the same
// data.
func sameGrant(a, b access.Grant) bool {
	return a.Collection == b.Collection && a.Field == b.Field && a.Category == b.Category && a.Read == b.Read && a.Write == b.Write
}

// checkManage refuses to let the caller change, disable, offboard or
// revoke the credentials of someone whose role can do more than the
// caller's (the rule of checkAssign): otherwise a helpdesk role that may
// manage people could reset an admin's password and sign in as the admin.
// what names the target in the error: "person" or "token".
func (s *Server) checkManage(ctx context.Context, p *auth.Principal, role auth.Role, what string) error {
	if err := s.checkAssign(ctx, p, role); apperr.CodeOf(err) == "role_not_assignable" {
		return apperr.Newf(apperr.Forbidden, what+"_not_manageable", "this %s's role %q can do more than yours: only a caller with all of its permissions and grants, or one who manages roles, may change it", what, string(role))
	} else if err != nil {
		return err
	}
	return nil
}

func errAssign(role auth.Role) error {
	return apperr.Newf(apperr.Forbidden, "role_not_assignable", "the role %q can do more than yours: only a caller with all of its permissions and grants, or one who manages roles, may hand it out", string(role))
}
