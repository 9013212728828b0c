package importer

import (
	"context"
	"fmt"
	"time"

	"custodia/internal/apperr"
)

// begin stores a new job as running, or takes up a stored one with the
// same key: a completed one is returned as it is, anything else is marked
// running again. A key reused for another import is a conflict.
func (im *Importer) begin(ctx context.Context, job Job, systemID string) (stored Import, created bool, err error) {
	now := im.Now().UTC()
	rec := Import{ID: job.ID, Collection: job.Collection, Purpose: job.Purpose, Source: job.Source, LegalBasis: job.LegalBasis,
		Consent: job.Consent, OnDuplicate: job.OnDuplicate, Status: StatusRunning, StartedAt: now, UpdatedAt: now, SystemID: systemID}
	stored, created, err = im.store.CreateImport(ctx, rec)
	if err != nil {
		return Import{}, false, fmt.Errorf("import %s: store job: %w", job.ID, err)
	}
	if created {
		return stored, true, nil
	}
	if stored.Collection != job.Collection || stored.Purpose != job.Purpose || stored.Source != job.Source || stored.LegalBasis != job.LegalBasis {
		return Import{}, false, apperr.New(apperr.Conflict, "import_key_reused", "this job id belongs to another import (collection, purpose, source or legal basis differ)")
	}
	if stored.Status == StatusCompleted {
		return stored, false, nil
	}
	stored.Status, stored.UpdatedAt, stored.OnDuplicate = StatusRunning, now, job.OnDuplicate
	if stored.SystemID == "" {
		stored.SystemID = systemID
	}
	if err := im.store.UpdateImport(ctx, stored); err != nil {
		return Import{}, false, fmt.Errorf("import %s: resume job: %w", job.ID, err)
	}
	return stored, false, nil
}

// finish stores a run's outcome on its job. The source system of a job
// completed without a rejected row is marked migrated, with a clean-up
// task for its copy.
func (im *Importer) finish(ctx context.Context, job Job, res *Result) error {
	stored, err := im.store.GetImport(ctx, job.ID)
	if err != nil {
		return fmt.Errorf("import %s: read job: %w", job.ID, err)
	}
	now := im.Now().UTC()
	stored.Status, stored.Counts, stored.UpdatedAt = res.Status, res.Counts, now
	if res.Status == StatusCompleted || res.Status == StatusFailed {
		stored.FinishedAt = now
	}
	// A source whose rows are not all in the vault keeps its copy: rows
	// rejected are still only there.
	if res.Status == StatusCompleted && res.Rejected == 0 && im.Trail != nil && stored.SystemID != "" && stored.CleanupTaskID == "" {
		task, err := im.Trail.Migrated(ctx, stored.SystemID, stored)
		if err != nil {
			// The rows are in; the job stays open so a re-run marks the source.
			stored.Status, stored.FinishedAt = StatusFailed, time.Time{}
			res.Status = StatusFailed
			if uerr := im.store.UpdateImport(ctx, stored); uerr != nil {
				return fmt.Errorf("import %s: store result: %w", job.ID, uerr)
			}
			return fmt.Errorf("import %s: mark the source migrated in the data map (run the job again to retry): %w", job.ID, err)
		}
		stored.CleanupTaskID = task
	}
	res.SystemID, res.CleanupTaskID = stored.SystemID, stored.CleanupTaskID
	if err := im.store.UpdateImport(ctx, stored); err != nil {
		return fmt.Errorf("import %s: store result: %w", job.ID, err)
	}
	return nil
}
