package httpapi

import (
	"net/http"

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
	e := recorder(r).Snapshot()
	t, secret, err := s.tokens.Create(r.Context(), req, p.Actor(), e)
	recorder(r).Committed(e)
	if err != nil {
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
	e := recorder(r).Snapshot()
	err := s.tokens.Revoke(r.Context(), r.PathValue("id"), e)
	recorder(r).Committed(e)
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
