package httpapi

import (
	"net/http"

	"custodia/internal/auth"
)

// anyPermission wraps a handler of a permSelf route for callers who hold
// any of perms and have passed MFA; others get 403 (or mfa_required).
func anyPermission(h func(http.ResponseWriter, *http.Request) error, perms ...auth.Permission) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.PrincipalFrom(r.Context())
		switch {
		case p == nil:
			return errForbidden
		case p.MFAPending:
			return errMFARequired
		}
		for _, perm := range perms {
			if p.Can(perm) {
				return h(w, r)
			}
		}
		return errForbidden
	}
}
