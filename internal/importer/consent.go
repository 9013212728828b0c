package importer

import (
	"context"
	"fmt"

	"custodia/internal/apperr"
	"custodia/internal/consent"
)

// grant records the batch's consent for subjects the job imported: a
// grant for the job's purpose with the batch's evidence, its request id
// the job's id. Without consent evidence it does nothing.
func (r *run) grant(ctx context.Context, subjects []string) error {
	e := r.job.Consent
	if e == nil || len(subjects) == 0 {
		return nil
	}
	return r.im.ledger.GrantMany(ctx, subjects, r.request(), r.job.RecordedBy, r.job.ID)
}

// request is the consent ledger request of the job's evidence.
func (r *run) request() consent.Request {
	e := r.job.Consent
	return consent.Request{Purpose: r.job.Purpose, Action: consent.Grant, Method: e.Method,
		NoticeVersion: e.NoticeVersion, NoticeText: e.NoticeText, Channel: e.Channel, CollectedBy: e.CollectedBy, At: e.at()}
}

// repairConsent records the grant of a subject an earlier run imported
// when that run stopped between the record and its consent event.
func (r *run) repairConsent(subjectID string) error {
	if r.job.Consent == nil || subjectID == "" {
		return nil
	}
	proof, err := r.im.ledger.Proof(r.ctx, subjectID)
	if err != nil {
		if apperr.IsNotFound(err) {
			return nil // erased since
		}
		return r.stop(fmt.Errorf("import %s: consent of an imported subject: %w", r.job.ID, err))
	}
	for _, ev := range proof.History {
		if ev.RequestID == r.job.ID && ev.Purpose == r.job.Purpose {
			return nil
		}
	}
	if _, err := r.im.ledger.Record(r.ctx, subjectID, r.request(), r.job.RecordedBy, r.job.ID, nil); err != nil {
		return r.stop(fmt.Errorf("import %s: consent of an imported subject: %w", r.job.ID, err))
	}
	return nil
}
