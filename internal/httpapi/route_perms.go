package httpapi

import (
	"net/http"

	"custodia/internal/apperr"
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

// scoped reports whether p is a token restricted to some collections or
// purposes.
func scoped(p *auth.Principal) bool {
	return p != nil && (len(p.Collections) > 0 || len(p.Purposes) > 0)
}

// unscoped wraps the handler of work that spans all of a person's data
// or the whole vault (a request's record, a legal hold, lifting a
// restriction or an objection, a retention run): a token restricted to
// some collections or purposes is refused (403 collection_not_allowed or
// purpose_not_allowed), as erasing a subject is, before anything is
// looked up, so the refusal tells nothing about the person.
func unscoped(what string, h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := wholePersonScope(auth.PrincipalFrom(r.Context()), what); err != nil {
			return err
		}
		return h(w, r)
	}
}

// unscopedPeople wraps the handler of a change to people (adding one,
// changing their role, resetting their password): people are limited to
// no collection or purpose, so a token that is limited may not make or
// change them (403 scope_not_assignable), as it may not create a token
// wider than itself.
func unscopedPeople(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if scoped(auth.PrincipalFrom(r.Context())) {
			return apperr.New(apperr.Forbidden, "scope_not_assignable", "this token is limited to some collections or purposes, and people are not: it may not add or change a person")
		}
		return h(w, r)
	}
}
