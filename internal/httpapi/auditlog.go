package httpapi

import (
	"net/http"

	"custodia/internal/audit"
)

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	after, err := intParam(r, "after", 0)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		return err
	}
	limit = min(max(limit, 1), 1000)
	entries, err := s.db.ListAudit(r.Context(), after, int(limit))
	if err != nil {
		return err
	}
	resp := map[string]any{"entries": entries}
	if len(entries) > 0 {
		resp["next"] = entries[len(entries)-1].Seq
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	rep, err := audit.Verify(r.Context(), s.keyring.Derived().AuditChain, s.db)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
