package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/freetext"
	"custodia/internal/retention"
)

func (s *Server) listRetentionRules(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.db.ListRetentionRules(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": rs})
	return nil
}

func (s *Server) createRetentionRule(w http.ResponseWriter, r *http.Request) error {
	var rule retention.Rule
	if err := decodeStrict(r, &rule); err != nil {
		return err
	}
	if err := rule.Normalize(); err != nil {
		return err
	}
	c, err := s.vault.Collection(r.Context(), rule.Collection)
	if err != nil {
		if apperr.IsNotFound(err) {
			return apperr.New(apperr.Invalid, "unknown_collection", "the rule names a collection that does not exist")
		}
		return err
	}
	if !c.HasField(rule.Fields...) {
		return apperr.New(apperr.Invalid, "unknown_field", "the rule names a field the collection does not declare")
	}
	if rule.AnchorField != "" {
		if f, ok := c.Field(rule.AnchorField); !ok || f.Type != "date" {
			return apperr.New(apperr.Invalid, "invalid_anchor_field", "anchor_field must be a date field of the collection")
		}
	}
	if rule.Purpose != "" {
		if _, ok, err := s.access.Purpose(r.Context(), rule.Purpose); err != nil {
			return err
		} else if !ok {
			return apperr.New(apperr.Invalid, "unknown_purpose", "the rule names an unregistered purpose")
		}
	}
	rule.ID = auth.NewID("ret_")
	rule.CreatedBy = auth.PrincipalFrom(r.Context()).Actor()
	rule.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	err = audited(r, func(e *audit.Entry) error {
		e.Collection, e.RecordID = rule.Collection, rule.ID
		return s.db.PutRetentionRule(r.Context(), rule, e)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rule)
	return nil
}

func (s *Server) deleteRetentionRule(w http.ResponseWriter, r *http.Request) error {
	err := audited(r, func(e *audit.Entry) error {
		e.RecordID = r.PathValue("id")
		return s.db.DeleteRetentionRule(r.Context(), r.PathValue("id"), e)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// runRetention evaluates the rules now; with {"dry_run": true} it only
// reports what would go and why.
func (s *Server) runRetention(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		DryRun bool `json:"dry_run"`
	}
	if b, err := readBody(r); err != nil {
		return err
	} else if len(strings.TrimSpace(string(b))) > 0 {
		if err := decodeBytes(b, &in); err != nil {
			return err
		}
	}
	if r.URL.Query().Get("dry_run") == "true" {
		in.DryRun = true
	}
	rep, err := s.retention.Run(r.Context(), in.DryRun, auth.PrincipalFrom(r.Context()).Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// holdRequest is the body of POST /v1/holds.
type holdRequest struct {
	Subject    string     `json:"subject"`
	Collection string     `json:"collection"`
	Reason     string     `json:"reason"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

func (s *Server) createHold(w http.ResponseWriter, r *http.Request) error {
	var in holdRequest
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if (in.Subject == "") == (in.Collection == "") {
		return apperr.New(apperr.Invalid, "invalid_hold", "a hold covers one subject or one collection: name exactly one of them")
	}
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 1000 {
		return apperr.New(apperr.Invalid, "reason_required", "a hold needs its reason (1 to 1000 characters)")
	}
	if err := freetext.Check("reason", in.Reason); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		return apperr.New(apperr.Invalid, "invalid_expires_at", "expires_at must be in the future")
	}
	if in.Subject != "" {
		ok, err := s.db.SubjectExists(r.Context(), in.Subject)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.NotFound, "subject_not_found", "no such subject")
		}
	} else if _, err := s.vault.Collection(r.Context(), in.Collection); err != nil {
		return err
	}
	h := retention.Hold{ID: auth.NewID("hld_"), SubjectID: in.Subject, Collection: in.Collection, Reason: in.Reason, ExpiresAt: in.ExpiresAt,
		CreatedBy: auth.PrincipalFrom(r.Context()).Actor(), CreatedAt: now}
	err := audited(r, func(e *audit.Entry) error {
		e.RecordID, e.Collection = h.ID, h.Collection
		if h.SubjectID != "" {
			e.Subject = s.vault.Pseudonym(h.SubjectID)
		}
		return s.db.PutHold(r.Context(), h, e)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) listHolds(w http.ResponseWriter, r *http.Request) error {
	hs, err := s.db.ListHolds(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"holds": hs})
	return nil
}

// releaseHold ends an active hold: POST /v1/holds/{id}/release with
// {"reason":…}, kept with the hold.
func (s *Server) releaseHold(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	// No body at all is a release without a reason, answered as such.
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	hs, err := s.db.ListHolds(r.Context())
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(hs, func(h retention.Hold) bool { return h.ID == id && h.ReleasedAt == nil }) {
		return apperr.New(apperr.NotFound, "hold_not_found", "no such active hold")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 1000 {
		return apperr.New(apperr.Invalid, "reason_required", `releasing a hold needs {"reason":…} (1 to 1000 characters): why the data may now be deleted`)
	}
	if err := freetext.Check("reason", in.Reason); err != nil {
		return err
	}
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = id
		return s.db.ReleaseHold(r.Context(), id, auth.PrincipalFrom(r.Context()).Actor(), in.Reason, time.Now().UTC(), e)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// CheckHold refuses (409 legal_hold, naming the hold) an erasure of a
// subject, or a deletion of its records in collections, that an active
// legal hold covers.
func CheckHold(ctx context.Context, holds func(context.Context) ([]retention.Hold, error), subjectID string, collections []string) error {
	h, err := activeHold(ctx, holds, subjectID, collections)
	if err != nil || h == nil {
		return err
	}
	// The hold's reason is not in the message: the caller may be one who
	// may not read holds (a sales agent deleting a record).
	return apperr.Newf(apperr.Conflict, "legal_hold", "the subject's data is under legal hold %s (see GET /v1/holds)", h.ID)
}
