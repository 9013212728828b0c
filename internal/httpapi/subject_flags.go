package httpapi

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/freetext"
)

// liftInput is the reason a restriction or objection is lifted.
type liftInput struct {
	Reason string `json:"reason"`
}

// decodeLift reads the reason lifting a flag needs (GDPR Art. 18(3): the
// person is told before a restriction is lifted; the reason records it).
func decodeLift(r *http.Request) (string, error) {
	var in liftInput
	if err := decodeStrict(r, &in); err != nil {
		return "", err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 2000 {
		return "", apperr.New(apperr.Invalid, "reason_required", `lifting it needs {"reason":…} (1 to 2000 characters): why, and that the person was told`)
	}
	// The reason is kept in the audit chain, which no erasure rewrites.
	if err := freetext.Check("reason", in.Reason); err != nil {
		return "", err
	}
	return in.Reason, nil
}

// liftRestriction ends a subject's restriction of processing.
func (s *Server) liftRestriction(w http.ResponseWriter, r *http.Request) error {
	reason, err := decodeLift(r)
	if err != nil {
		return err
	}
	subject := r.PathValue("subject")
	err = audited(r, func(e *audit.Entry) error {
		e.Subject, e.Detail = s.vault.Pseudonym(subject), reason
		return s.db.LiftRestriction(r.Context(), subject, e)
	})
	if s.access != nil {
		s.access.Invalidate()
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// liftObjection ends a subject's objection to one purpose.
func (s *Server) liftObjection(w http.ResponseWriter, r *http.Request) error {
	reason, err := decodeLift(r)
	if err != nil {
		return err
	}
	subject, purpose := r.PathValue("subject"), r.PathValue("purpose")
	err = audited(r, func(e *audit.Entry) error {
		e.Subject, e.Purpose, e.Detail = s.vault.Pseudonym(subject), purpose, reason
		return s.db.LiftObjection(r.Context(), subject, purpose, e)
	})
	if s.access != nil {
		s.access.Invalidate()
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
