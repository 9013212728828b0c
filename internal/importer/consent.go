package importer

import (
	"context"
	"fmt"

	"custodia/internal/apperr"
	"custodia/internal/consent"
)

// grant records the batch's consent for a subject the job imported: a
// grant for the job's purpose with the batch's evidence, its request id
// the job's id. Without consent evidence it does nothing.
func (r *run) grant(ctx context.Context, subjectID string) error {
	e := r.job.Consent
	if e == nil {
		return nil
	}
	_, err := r.im.ledger.Record(ctx, subjectID, consent.Request{Purpose: r.job.Purpose, Action: consent.Grant, Method: e.Method,
		NoticeVersion: e.NoticeVersion, NoticeText: e.NoticeText, Channel: e.Channel, CollectedBy: e.CollectedBy, At: e.at()},
		r.job.RecordedBy, r.job.ID, nil)
	return err
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
	if err := r.grant(r.ctx, subjectID); err != nil {
		return r.stop(fmt.Errorf("import %s: consent of an imported subject: %w", r.job.ID, err))
	}
	return nil
}
