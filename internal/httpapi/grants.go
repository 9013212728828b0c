package httpapi

import (
	"context"
	"slices"
	"strings"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/auth"
	"custodia/internal/vault"
)

// checkGrantTargets refuses a role whose grants select nothing that exists:
// a collection that is not defined, a field no selected collection has, or
// a category that is neither a fideslang key nor the category of a field.
// Such a grant is almost always a typo, and it would silently grant nothing.
func (s *Server) checkGrantTargets(ctx context.Context, role *access.Role) error {
	cols, err := s.vault.Collections(ctx)
	if err != nil {
		return err
	}
	for i, g := range role.Grants {
		selected := cols
		if g.Collection != "*" {
			at := slices.IndexFunc(cols, func(c *vault.Collection) bool { return c.Name == g.Collection })
			if at < 0 {
				return apperr.Newf(apperr.Invalid, "unknown_collection", "grant %d: no collection is named %.64q", i+1, g.Collection)
			}
			selected = cols[at : at+1]
		}
		if g.Field != "" && g.Field != "*" && !anyField(selected, func(f vault.Field) bool { return f.Name == g.Field }) {
			return apperr.Newf(apperr.Invalid, "unknown_field", "grant %d: no field %.64q in %s", i+1, g.Field, grantScope(g))
		}
		if g.Category != "" && !vault.FideslangCategory(g.Category) &&
			!anyField(selected, func(f vault.Field) bool { return categoryCovers(g.Category, f.Category) }) {
			return apperr.Newf(apperr.Invalid, "unknown_category", "grant %d: %.64q is not a fideslang data category and no field in %s has it", i+1, g.Category, grantScope(g))
		}
	}
	return nil
}

// checkScopeTargets refuses a token limited to a collection that is not
// defined or a purpose that is not registered.
func (s *Server) checkScopeTargets(ctx context.Context, req auth.CreateRequest) error {
	for _, c := range req.Collections {
		if _, err := s.vault.Collection(ctx, c); err != nil {
			return apperr.Newf(apperr.Invalid, "unknown_collection", "collections: no collection is named %.64q", c)
		}
	}
	for _, p := range req.Purposes {
		pp, ok, err := s.access.Purpose(ctx, p)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Newf(apperr.Invalid, "unknown_purpose", "purposes: %.64q is not a registered purpose (GET /v1/purposes)", p)
		}
		// A purpose the token's role may not invoke would refuse every
		// call the token made for it.
		if !slices.Contains(pp.Roles, string(req.Role)) {
			return apperr.Newf(apperr.Invalid, "purpose_not_allowed_for_role",
				"purposes: the role %.64q may not invoke %.64q, so the token could never use it; add the role to the purpose first (PUT /v1/purposes/{name})", req.Role, p)
		}
	}
	return nil
}

func anyField(cols []*vault.Collection, match func(vault.Field) bool) bool {
	for _, c := range cols {
		if slices.ContainsFunc(c.Fields, match) {
			return true
		}
	}
	return false
}

// categoryCovers reports whether a grant's category selects a field's:
// the same key, or a prefix of it at a dot.
func categoryCovers(grant, field string) bool {
	return field == grant || strings.HasPrefix(field, grant+".")
}

func grantScope(g access.Grant) string {
	if g.Collection == "*" {
		return "any collection"
	}
	return "collection " + g.Collection
}
