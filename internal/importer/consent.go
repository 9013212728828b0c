package importer

import (
	"context"
	"fmt"
	"log/slog"

	"custodia/internal/apperr"
	"custodia/internal/consent"
	"custodia/internal/vault"
)

// bulkGrant is the grant the batch's new people get in the store
// operation that creates them, nil without consent evidence.
func (r *run) bulkGrant(ctx context.Context) (*vault.BulkGrant, error) {
	e := r.job.Consent
	if e == nil {
		return nil, nil
	}
	grant, err := r.im.ledger.PrepareGrant(ctx, r.request(), r.job.RecordedBy, r.job.ID)
	if err != nil {
		return nil, err
	}
	return &vault.BulkGrant{Event: grant, NoticeText: e.NoticeText}, nil
}

// grant records the batch's consent for subjects the job imported outside
// the bulk create (updated people, and new people written one by one): a
// grant for the job's purpose with the batch's evidence, its request id
// the job's id. A subject whose latest event for the purpose is a
// withdrawal at or after the evidence's time gets no grant: the count of
// those is returned (see consentSuperseded). Without consent evidence it
// does nothing.
func (r *run) grant(ctx context.Context, subjects []string) (superseded int, err error) {
	e := r.job.Consent
	if e == nil || len(subjects) == 0 {
		return 0, nil
	}
	return r.im.ledger.GrantMany(ctx, subjects, r.request(), r.job.RecordedBy, r.job.ID)
}

// consentSuperseded notes grants left out because the person withdrew
// consent after the batch's evidence was collected.
//
// The job's counts should show them: Counts (store.go) needs a field
// ConsentSuperseded int, JSON "consent_superseded", and this function
// then adds n to it with r.add.
func (r *run) consentSuperseded(n int) {
	if n == 0 {
		return
	}
	slog.Info("import: consent grants left out: the people withdrew after the evidence was collected", "job", r.job.ID, "grants", n)
	r.add(func(c *Counts) { c.ConsentSuperseded += n })
}

// request is the consent ledger request of the job's evidence.
func (r *run) request() consent.Request {
	e := r.job.Consent
	return consent.Request{Purpose: r.job.Purpose, Action: consent.Grant, Method: e.Method,
		NoticeVersion: e.NoticeVersion, NoticeText: e.NoticeText, Channel: e.Channel, CollectedBy: e.CollectedBy, At: e.at()}
}

// repairConsent records the grant of a subject an earlier run imported
// when that run stopped between the record and its consent event (a
// version that wrote them in two operations). A withdrawal recorded since
// the evidence stands: the grant is then left out (GrantMany).
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
	n, err := r.im.ledger.GrantMany(r.ctx, []string{subjectID}, r.request(), r.job.RecordedBy, r.job.ID)
	if err != nil {
		return r.stop(fmt.Errorf("import %s: consent of an imported subject: %w", r.job.ID, err))
	}
	r.consentSuperseded(n)
	return nil
}
