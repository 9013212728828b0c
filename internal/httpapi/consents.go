package httpapi

import (
	"context"
	"net/http"
	"slices"

	"custodia/internal/apperr"
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
	// A scoped token records consent only for its purposes, and only for
	// people all of whose records are in its collections: the ledger is
	// append-only, and a grant opens what other tokens may read in every
	// collection (QA: a token limited to support notes opened a person's
	// e-mail in customers to marketing).
	if !p.AllowsPurpose(req.Purpose) {
		return apperr.New(apperr.Forbidden, "purpose_not_allowed", "this token may not act for this purpose")
	}
	if err := s.subjectInScope(r.Context(), p, subject, true); err != nil {
		return err
	}
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
	p := auth.PrincipalFrom(r.Context())
	if err := s.subjectInScope(r.Context(), p, subject, false); err != nil {
		return err
	}
	proof, err := s.ledger.Proof(r.Context(), subject)
	if err != nil {
		return err
	}
	if len(p.Purposes) > 0 {
		proof = scopedProof(proof, p)
	}
	if r.URL.Query().Get("download") == "true" {
		w.Header().Set("Content-Disposition", `attachment; filename="consent-proof.json"`)
	}
	writeJSON(w, http.StatusOK, proof)
	return nil
}

// subjectInScope refuses a token restricted to some collections a subject
// with no record in any of them: the token may not learn of, or act for,
// people outside its collections. With wholly, a subject with a record
// outside them is refused too: a consent grant opens every collection.
func (s *Server) subjectInScope(ctx context.Context, p *auth.Principal, subject string, wholly bool) error {
	if p == nil || len(p.Collections) == 0 {
		return nil
	}
	cols, err := s.db.SubjectCollections(ctx, subject)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(cols, p.AllowsCollection) {
		return apperr.New(apperr.Forbidden, "collection_not_allowed", "this token may not use the collections this person's records are in")
	}
	if wholly && slices.ContainsFunc(cols, func(c string) bool { return !p.AllowsCollection(c) }) {
		return apperr.New(apperr.Forbidden, "collection_not_allowed", "this token may not act for this person: some of their records are in collections it may not use")
	}
	return nil
}

// scopedProof keeps, of a consent proof, the purposes a token restricted
// to some purposes may act for, with the notices those events name.
func scopedProof(proof consent.Proof, p *auth.Principal) consent.Proof {
	proof.Current = slices.DeleteFunc(proof.Current, func(st consent.State) bool { return !p.AllowsPurpose(st.Purpose) })
	proof.History = slices.DeleteFunc(proof.History, func(ev consent.Event) bool { return !p.AllowsPurpose(ev.Purpose) })
	named := map[string]bool{}
	for _, ev := range proof.History {
		named[ev.NoticeHash] = true
	}
	proof.Notices = slices.DeleteFunc(proof.Notices, func(n consent.Notice) bool { return !named[n.Hash] })
	return proof
}
