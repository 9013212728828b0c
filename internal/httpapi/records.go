package httpapi

import (
	"net/http"
	"net/url"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/vault"
)

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	in, err := vault.DecodeInput(body)
	if err != nil {
		return err
	}
	c := r.PathValue("collection")
	out, err := s.vault.Create(r.Context(), c, purposeOf(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/collections/"+url.PathEscape(c)+"/records/"+url.PathEscape(out.ID))
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.vault.Get(r.Context(), r.PathValue("collection"), r.PathValue("id"), purposeOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// reservedParams are query parameters that are not lookups.
var reservedParams = map[string]bool{"purpose": true, "limit": true, "after": true}

// findRecords looks records up by one indexed field (?email=...) or, with
// no lookup parameter, lists a page of the collection.
func (s *Server) findRecords(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var field, value string
	for k, vs := range q {
		if reservedParams[k] {
			continue
		}
		if field != "" || len(vs) != 1 {
			return apperr.New(apperr.Invalid, "one_lookup", "look up by exactly one indexed field at a time")
		}
		field, value = k, vs[0]
	}
	c := r.PathValue("collection")
	if field != "" {
		recs, err := s.vault.Lookup(r.Context(), c, field, value, purposeOf(r))
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			s.observeMiss(r.Context(), c+"\x00"+field, value)
		}
		writeJSON(w, http.StatusOK, map[string]any{"records": nonNilRecords(recs)})
		return nil
	}
	limit, err := intParam(r, "limit", 0)
	if err != nil {
		return err
	}
	recs, next, err := s.vault.ListPage(r.Context(), c, purposeOf(r), q.Get("after"), int(limit))
	if err != nil {
		return err
	}
	resp := map[string]any{"records": nonNilRecords(recs)}
	if next != "" {
		resp["next"] = next // only when another page follows
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func nonNilRecords(recs []*vault.Record) []*vault.Record {
	if recs == nil {
		return []*vault.Record{}
	}
	return recs
}

func (s *Server) patchRecord(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	in, err := vault.DecodeInput(body)
	if err != nil {
		return err
	}
	rec, err := s.vault.Patch(r.Context(), r.PathValue("collection"), r.PathValue("id"), purposeOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request) error {
	if err := s.vault.Delete(r.Context(), r.PathValue("collection"), r.PathValue("id"), purposeOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) eraseSubject(w http.ResponseWriter, r *http.Request) error {
	purpose := purposeOf(r)
	if purpose == "" {
		purpose = "erasure"
	}
	subject := r.PathValue("subject")
	recorder(r).Update(func(e *audit.Entry) { e.Subject = s.vault.Pseudonym(subject) })
	p := auth.PrincipalFrom(r.Context())
	// Erasure destroys the subject's data in every collection, whatever
	// the purpose named: a token restricted to some collections or some
	// purposes may not (QA: one restricted to "support" erased with
	// ?purpose=support).
	if err := wholePersonScope(p, "erasing a subject"); err != nil {
		return err
	}
	if !p.AllowsPurpose(purpose) {
		return apperr.New(apperr.Forbidden, "purpose_not_allowed", "this token may not act for this purpose")
	}
	cols, err := s.db.SubjectCollections(r.Context(), subject)
	if err != nil {
		return err
	}
	if err := CheckHold(r.Context(), s.db.ListHolds, subject, cols); err != nil {
		return err
	}
	rc, err := s.vault.Erase(r.Context(), subject, purpose)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"subject": subject, "erased": true, "receipt": rc})
	return nil
}
