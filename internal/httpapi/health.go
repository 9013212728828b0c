package httpapi

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"custodia/internal/apperr"
)

//go:embed openapi.json
var openapiSpec []byte

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ready(ctx); err != nil {
		return apperr.New(apperr.Unavailable, "not_ready", "the database is not reachable")
	}
	// A replica whose key file lacks the database's primary KEK version
	// (rotated through another replica) can neither wrap nor open the
	// newest data keys: it is not ready until it has the current file.
	if v, ok, err := s.db.RecordedKEKPrimary(ctx); err != nil {
		return apperr.New(apperr.Unavailable, "not_ready", "the database is not reachable")
	} else if ok && s.keyring != nil && !s.keyring.HasVersion(v) {
		if s.keyring.Reload() != nil || !s.keyring.HasVersion(v) {
			return apperr.New(apperr.Unavailable, "stale_key_file", "this server's key file is older than the database's key version; give every server the current key file")
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapiSpec)
	return nil
}
