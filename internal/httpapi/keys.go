package httpapi

import (
	"net/http"

	"custodia/internal/apperr"
	"custodia/internal/keys"
)

func (s *Server) keyStatus(w http.ResponseWriter, r *http.Request) error {
	counts, err := s.db.KeyVersionCounts(r.Context())
	if err != nil {
		return err
	}
	byVersion := map[uint32]int64{}
	for v, n := range counts {
		byVersion[v] = n
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"primary":              s.keyring.Primary(),
		"versions":             s.keyring.Versions(),
		"data_keys_by_version": byVersion,
	})
	return nil
}

func (s *Server) rotateKeys(w http.ResponseWriter, r *http.Request) error {
	if !s.rotating.TryLock() {
		return apperr.New(apperr.Conflict, "rotation_in_progress", "a key rotation is already running")
	}
	defer s.rotating.Unlock()
	e := recorder(r).Snapshot()
	res, err := keys.Rotate(r.Context(), s.keyring, s.db, e)
	recorder(r).Committed(e)
	if err != nil {
		if _, typed := apperr.As(err); typed {
			return err
		}
		return apperr.Wrap(err, "rotate keys")
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
