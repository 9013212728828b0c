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
		if err := signedInFully(p); err != nil {
			return err
		}
		for _, perm := range perms {
			if p.Can(perm) {
				return h(w, r)
			}
		}
		return errForbidden
	}
}

// signedInFully refuses a permSelf route's caller who is not signed in
// (403) or has yet to pass MFA (mfa_required).
func signedInFully(p *auth.Principal) error {
	switch {
	case p == nil:
		return errForbidden
	case p.MFAPending:
		return errMFARequired
	}
	return nil
}
