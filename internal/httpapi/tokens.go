package httpapi

import (
	"net/http"
	"slices"

	"custodia/internal/apperr"
	"custodia/internal/auth"
)

// createdToken is a token with its secret, shown only in this response
// (as "token", and as "secret" for clients that look for that name).
type createdToken struct {
	auth.Token
	Secret string `json:"token"`
	Again  string `json:"secret"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req auth.CreateRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	if err := s.checkAssign(r.Context(), p, req.Role); err != nil {
		return err
	}
	if err := checkScope(p, req); err != nil {
		return err
	}
	if err := s.checkScopeTargets(r.Context(), req); err != nil {
		return err
	}
	e := recorder(r).Snapshot()
	t, secret, err := s.tokens.Create(r.Context(), req, p.Actor(), e)
	recorder(r).Committed(e)
	if err != nil {
		return err
	}
	// The credential that asked may have been revoked while the token was
	// made (its person's password reset, or offboarding, revoking what
	// they made): the new token must not outlive it (QA).
	if _, err := s.tokens.Authenticate(r.Context(), r.Header.Get("Authorization")); err != nil {
		e := recorder(r).Snapshot()
		e.RecordID = t.ID
		rerr := s.tokens.Revoke(r.Context(), t.ID, e)
		recorder(r).Committed(e)
		if rerr != nil {
			return rerr
		}
		return err
	}
	writeJSON(w, http.StatusCreated, createdToken{Token: t, Secret: secret, Again: secret})
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tokens.List(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tokens.List(r.Context())
	if err != nil {
		return err
	}
	if at := slices.IndexFunc(ts, func(t auth.Token) bool { return t.ID == r.PathValue("id") }); at >= 0 {
		if err := s.checkManage(r.Context(), auth.PrincipalFrom(r.Context()), ts[at].Role, "token"); err != nil {
			return err
		}
		// A scoped token revokes only tokens within its own scope, as it
		// creates only those (QA: one revoked an unscoped dpo token).
		if err := checkScope(auth.PrincipalFrom(r.Context()), auth.CreateRequest{Collections: ts[at].Collections, Purposes: ts[at].Purposes}); err != nil {
			return err
		}
		id := ts[at].ID
		if err := s.keepAdministrator(r.Context(), credentialChange{revokes: func(t auth.Token) bool { return t.ID == id }}); err != nil {
			return err
		}
	}
	e := recorder(r).Snapshot()
	err = s.tokens.Revoke(r.Context(), r.PathValue("id"), e)
	recorder(r).Committed(e)
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkScope refuses a token wider than the scoped token that creates it:
// a token limited to some collections or purposes hands out only tokens
// limited to some of them.
func checkScope(p *auth.Principal, req auth.CreateRequest) error {
	if p == nil {
		return nil
	}
	within := func(mine, asked []string) bool {
		if len(mine) == 0 {
			return true
		}
		if len(asked) == 0 {
			return false
		}
		for _, a := range asked {
			if !slices.Contains(mine, a) {
				return false
			}
		}
		return true
	}
	if !within(p.Collections, req.Collections) || !within(p.Purposes, req.Purposes) {
		return apperr.New(apperr.Forbidden, "scope_not_assignable", "this token is limited to some collections or purposes: the tokens it creates must be limited to some of them too")
	}
	return nil
}
