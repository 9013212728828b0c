package httpapi

import (
	"context"
	"net/http"
	"slices"
	"time"

	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/retention"
	"custodia/internal/store"
)

// erasurePreview is the answer of GET /v1/subjects/{subject}/erasure.
type erasurePreview struct {
	Subject     string                  `json:"subject"`
	Collections []store.CollectionCount `json:"collections"`
	Records     int                     `json:"records"`
	// Hold is the active legal hold that would refuse the erasure.
	Hold *retention.Hold `json:"hold,omitempty"`
}

// erasurePreview says what erasing a subject would destroy, for the
// confirmation asked before it: the number of its records in each
// collection (metadata: no value is read, whatever the purpose) and the
// active legal hold that would refuse the erasure, if any. It needs the
// permission the erasure needs.
func (s *Server) erasurePreview(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	recorder(r).Update(func(e *audit.Entry) { e.Subject = s.vault.Pseudonym(subject) })
	if err := wholePersonScope(auth.PrincipalFrom(r.Context()), "erasing a subject"); err != nil {
		return err
	}
	if _, err := s.db.SubjectKey(r.Context(), subject); err != nil {
		return err // 404 subject_not_found: already erased, or never was
	}
	counts, err := s.db.SubjectRecordCounts(r.Context(), subject)
	if err != nil {
		return err
	}
	out := erasurePreview{Subject: subject, Collections: counts}
	cols := make([]string, 0, len(counts))
	for _, c := range counts {
		out.Records += c.Records
		cols = append(cols, c.Collection)
	}
	if out.Collections == nil {
		out.Collections = []store.CollectionCount{}
	}
	if out.Hold, err = activeHold(r.Context(), s.db.ListHolds, subject, cols); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// activeHold returns the first active legal hold covering the subject or
// one of collections (nil when none does).
func activeHold(ctx context.Context, holds func(context.Context) ([]retention.Hold, error), subjectID string, collections []string) (*retention.Hold, error) {
	hs, err := holds(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for i := range hs {
		h := &hs[i]
		if h.Active(now) && (h.SubjectID == subjectID || (h.Collection != "" && slices.Contains(collections, h.Collection))) {
			return h, nil
		}
	}
	return nil, nil
}
