package httpapi

import (
	"net/http"
	"slices"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/store"
)

// auditFilterMax bounds the length of a text filter of the audit log.
const auditFilterMax = 200

// auditOutcomes are the outcomes an entry may record.
var auditOutcomes = []string{audit.OutcomeOK, audit.OutcomeDenied, audit.OutcomeInvalid, audit.OutcomeError}

// auditFilter reads the filters of GET /v1/audit and /v1/audit.csv:
// after and before (sequence numbers), order (asc, the default, or desc:
// newest first), actor, action, purpose, outcome, subject (a subject id,
// matched by its pseudonym) or pseudonym, since and until (RFC 3339). The
// limit is left to the caller.
func (s *Server) auditFilter(r *http.Request) (store.AuditFilter, error) {
	q := r.URL.Query()
	after, err := intParam(r, "after", 0)
	if err != nil {
		return store.AuditFilter{}, err
	}
	before, err := intParam(r, "before", 0)
	if err != nil {
		return store.AuditFilter{}, err
	}
	f := store.AuditFilter{After: after, Before: before, Actor: q.Get("actor"), Action: q.Get("action"), Purpose: q.Get("purpose"), Outcome: q.Get("outcome")}
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		f.Newest = true
	default:
		return f, apperr.New(apperr.Invalid, "invalid_parameter", "order must be asc or desc")
	}
	for _, name := range []string{"actor", "action", "purpose", "outcome", "subject", "pseudonym"} {
		if len(q.Get(name)) > auditFilterMax {
			return f, apperr.Newf(apperr.Invalid, "invalid_parameter", "%s must be at most %d bytes", name, auditFilterMax)
		}
	}
	if f.Outcome != "" && !slices.Contains(auditOutcomes, f.Outcome) {
		return f, apperr.New(apperr.Invalid, "invalid_parameter", "outcome must be one of ok, denied, invalid or error")
	}
	switch subject, pseudonym := q.Get("subject"), q.Get("pseudonym"); {
	case subject != "" && pseudonym != "":
		return f, apperr.New(apperr.Invalid, "one_subject", "filter by subject or by pseudonym, not both")
	case subject != "":
		f.Subject = s.vault.Pseudonym(subject)
	default:
		f.Subject = pseudonym
	}
	for _, t := range []struct {
		name string
		to   *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		v := q.Get(t.name)
		if v == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, apperr.Newf(apperr.Invalid, "invalid_time", "%s must be an RFC 3339 time such as 2026-01-31T00:00:00Z", t.name)
		}
		*t.to = at
	}
	return f, nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	f, err := s.auditFilter(r)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		return err
	}
	f.Limit = int(min(max(limit, 1), 1000))
	entries, err := s.db.FindAudit(r.Context(), f)
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
