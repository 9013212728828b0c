package httpapi

import (
	"net/http"

	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/consent"
)

func (s *Server) recordConsent(w http.ResponseWriter, r *http.Request) error {
	var req consent.Request
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	subject := r.PathValue("subject")
	p := auth.PrincipalFrom(r.Context())
	var ev consent.Event
	err := audited(r, func(e *audit.Entry) (err error) {
		e.Subject, e.Purpose = s.vault.Pseudonym(subject), req.Purpose
		ev, err = s.ledger.Record(r.Context(), subject, req, p.Actor(), e.RequestID, e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ev)
	return nil
}

func (s *Server) consentProof(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	recorder(r).Update(func(e *audit.Entry) { e.Subject = s.vault.Pseudonym(subject) })
	proof, err := s.ledger.Proof(r.Context(), subject)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("download") == "true" {
		w.Header().Set("Content-Disposition", `attachment; filename="consent-proof.json"`)
	}
	writeJSON(w, http.StatusOK, proof)
	return nil
}
