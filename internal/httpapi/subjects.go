package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/vault"
)

// subjectLookupTypes are the field types GET /v1/subjects finds subjects by.
var subjectLookupTypes = []string{"email", "phone", "national_id"}

var errOneSubjectLookup = apperr.New(apperr.Invalid, "one_lookup", "look subjects up by exactly one of email, phone or national_id")

// findSubjects returns the ids of the subjects whose records hold a value
// in an indexed field of a type (?email=, ?phone= or ?national_id=), in
// any collection the caller's token may use. The value is never echoed.
func (s *Server) findSubjects(w http.ResponseWriter, r *http.Request) error {
	var kind, value string
	for k, vs := range r.URL.Query() {
		if k == "purpose" {
			continue
		}
		if kind != "" || len(vs) != 1 || !slices.Contains(subjectLookupTypes, k) {
			return errOneSubjectLookup
		}
		kind, value = k, vs[0]
	}
	if kind == "" {
		return errOneSubjectLookup
	}
	if strings.TrimSpace(value) == "" {
		return apperr.Newf(apperr.Invalid, "invalid_lookup", "the %s to look up is not valid", kind)
	}
	if kind == "phone" && strings.HasPrefix(value, " ") {
		value = "+" + strings.TrimLeft(value, " ") // an unencoded "+" in a query string arrives as a space
	}
	if p := purposeOf(r); p != "" {
		recorder(r).Update(func(e *audit.Entry) { e.Purpose = p })
	}
	// A token scoped to some collections finds subjects only through them,
	// and a caller only through the fields it may read: for the purpose
	// given, else for one of the field's purposes.
	p := auth.PrincipalFrom(r.Context())
	purpose := purposeOf(r)
	// A token scoped to some purposes finds people only for them.
	if purpose != "" && !p.AllowsPurpose(purpose) {
		return apperr.New(apperr.Forbidden, "purpose_not_allowed", "this token may not act for this purpose")
	}
	plans := func(c *vault.Collection, field string) []*vault.ReadPlan {
		if p != nil && !p.AllowsCollection(c.Name) {
			return nil
		}
		if s.access == nil {
			return []*vault.ReadPlan{{}}
		}
		purposes := []string{purpose}
		if purpose == "" {
			if f, ok := c.Field(field); ok {
				purposes = slices.DeleteFunc(slices.Clone(f.Purposes), func(pu string) bool { return !p.AllowsPurpose(pu) })
			}
		}
		var out []*vault.ReadPlan
		for _, pu := range purposes {
			plan, err := s.access.PlanRead(r.Context(), c, pu)
			if err == nil && plan.Fields[field].Decision != vault.Deny {
				out = append(out, plan)
			}
		}
		return out
	}
	ids, err := s.vault.FindSubjectsIn(r.Context(), kind, value, plans)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		s.observeMiss(r.Context(), kind, value)
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		recorder(r).AddRead(s.vault.Pseudonym(id), "allow find")
		out = append(out, id)
	}
	writeJSON(w, http.StatusOK, map[string]any{"subjects": out})
	return nil
}

// subjectRecords returns every record of a subject in every collection the
// caller may read for the purpose, each as GET of the record returns it.
func (s *Server) subjectRecords(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	cols, err := s.vault.SubjectRecords(r.Context(), subject, purposeOf(r))
	if err != nil {
		return err
	}
	// No records: a subject that does not exist, or was erased, is not
	// found, as on the other subject routes.
	if len(cols) == 0 {
		ok, err := s.db.SubjectExists(r.Context(), subject)
		if err != nil {
			return err
		}
		if !ok {
			return vault.ErrSubjectNotReadable
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"subject": subject, "collections": cols})
	return nil
}
