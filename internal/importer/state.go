package importer

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"custodia/internal/apperr"
)

// errKeyReused is the answer to a job key used again for another import.
func errKeyReused(id, what string) error {
	return apperr.Newf(apperr.Conflict, "import_key_reused",
		"job key %s belongs to another import (%s differ): pass a new --job NEW (API: a new \"id\"), or omit it to derive the key from the file and the options",
		id, what)
}

// CheckReuse reports whether stored, the job stored under j's key, is the
// same import as j: an apperr Conflict import_key_reused when it is not
// (another collection, purpose, source or legal basis, or another
// fingerprint: input file, mapping, duplicate policy, consent evidence).
// A job stored before fingerprints were kept is compared on its terms
// only. Run checks it; a caller that answers for a stored job without
// running it (a server returning a completed job's result) checks it
// first.
func (j *Job) CheckReuse(stored Import) error {
	if stored.Collection != j.Collection || stored.Purpose != j.Purpose || stored.Source != strings.TrimSpace(j.Source) || stored.LegalBasis != j.LegalBasis {
		return errKeyReused(j.ID, "collection, purpose, source or legal basis")
	}
	if stored.Fingerprint != "" && stored.Fingerprint != j.Fingerprint() {
		return errKeyReused(j.ID, "the input file, mapping, on-duplicate mode or consent evidence")
	}
	return nil
}

// begin stores a new job as running, or takes up a stored one with the
// same key: a completed one is returned as it is, anything else is marked
// running again. A key reused for another import (another fingerprint:
// input file, mapping, duplicate policy, consent evidence, collection,
// purpose, source or legal basis) is a conflict.
func (im *Importer) begin(ctx context.Context, job Job, systemID string, mapping Mapping) (stored Import, created bool, err error) {
	now := im.Now().UTC()
	rec := Import{ID: job.ID, Collection: job.Collection, Purpose: job.Purpose, Source: job.Source, LegalBasis: job.LegalBasis,
		Consent: job.Consent, OnDuplicate: job.OnDuplicate, Fingerprint: job.Fingerprint(), Status: StatusRunning, StartedAt: now, UpdatedAt: now,
		SystemID: systemID, Mapping: mapping}
	stored, created, err = im.store.CreateImport(ctx, rec)
	if err != nil {
		return Import{}, false, fmt.Errorf("import %s: store job: %w", job.ID, err)
	}
	if created {
		return stored, true, nil
	}
	if err := job.CheckReuse(stored); err != nil {
		return Import{}, false, err
	}
	if stored.Status == StatusCompleted {
		return stored, false, nil
	}
	stored.Status, stored.UpdatedAt, stored.OnDuplicate = StatusRunning, now, job.OnDuplicate
	if stored.SystemID == "" {
		stored.SystemID = systemID
	}
	stored.Mapping = mergeMapping(stored.Mapping, mapping)
	if err := im.store.UpdateImport(ctx, stored); err != nil {
		return Import{}, false, fmt.Errorf("import %s: resume job: %w", job.ID, err)
	}
	return stored, false, nil
}

// CleanupWithheld says why a completed job opened no clean-up task for
// its source: some of the file's data is not in the vault.
type CleanupWithheld struct {
	Reason string `json:"reason"`
	// Rows, Skipped and Rejected are the job's counts: skipped rows
	// matched a person already in the vault and were left as they are,
	// so their other values are only in the file.
	Rows     int `json:"rows"`
	Skipped  int `json:"skipped"`
	Rejected int `json:"rejected"`
}

// allImported reports whether every data row of a completed job is in the
// vault: created, updated, or imported by an earlier run of the job. Only
// then may the source's copy be destroyed.
func allImported(c Counts) bool {
	return c.Rows > 0 && c.Created+c.Updated+c.AlreadyImported == c.Rows && c.OtherTableRows == 0
}

// Withheld returns why a completed job's source gets no clean-up task,
// nil when it does (or the job is not completed).
func Withheld(status string, c Counts) *CleanupWithheld {
	if status != StatusCompleted || allImported(c) {
		return nil
	}
	w := &CleanupWithheld{Rows: c.Rows, Skipped: c.Skipped, Rejected: c.Rejected}
	switch {
	case c.OtherTableRows > 0 && c.Created+c.Updated+c.AlreadyImported == c.Rows:
		w.Reason = fmt.Sprintf("%d rows of worksheets the mapping does not describe were left out: import them with a mapping of their own, or check them, before the copy is destroyed", c.OtherTableRows)
	case c.Rows == 0:
		w.Reason = "the file has no data rows"
	case c.Skipped > 0 && c.Rejected > 0:
		w.Reason = fmt.Sprintf("%d skipped and %d rejected rows are not in the vault: their values are only in the file", c.Skipped, c.Rejected)
	case c.Skipped > 0:
		w.Reason = fmt.Sprintf("%d skipped rows (people already in the vault, on-duplicate skip) are not imported: their other values are only in the file; import with --on-duplicate update to bring them in", c.Skipped)
	default:
		w.Reason = fmt.Sprintf("%d rejected rows are not in the vault: fix them (see the rejects file) and import them", c.Rejected)
	}
	return w
}

// finish stores a run's outcome on its job. The source system of a job
// that completed with every data row in the vault (see allImported) is
// marked migrated, with a clean-up task for its copy; otherwise the
// result says why not (Result.CleanupWithheld).
func (im *Importer) finish(ctx context.Context, job Job, res *Result) error {
	stored, err := im.store.GetImport(ctx, job.ID)
	if err != nil {
		return fmt.Errorf("import %s: read job: %w", job.ID, err)
	}
	now := im.Now().UTC()
	stored.Status, stored.Counts, stored.UpdatedAt = res.Status, res.Counts, now
	stored.Mapping = mergeMapping(stored.Mapping, res.Mapping)
	res.Mapping = stored.Mapping
	if res.Status == StatusCompleted || res.Status == StatusFailed {
		stored.FinishedAt = now
	}
	// A source whose rows are not all in the vault keeps its copy: rows
	// rejected or skipped are still only there.
	if res.Status == StatusCompleted && allImported(res.Counts) && im.Trail != nil && stored.SystemID != "" && stored.CleanupTaskID == "" {
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
	if res.Status == StatusCompleted && !allImported(res.Counts) && im.Trail != nil && stored.SystemID != "" {
		if err := im.Trail.Unmigrated(ctx, stored.SystemID, stored); err != nil {
			return fmt.Errorf("import %s: mark the source as holding data again in the data map: %w", job.ID, err)
		}
	}
	res.SystemID, res.CleanupTaskID = stored.SystemID, stored.CleanupTaskID
	if im.Trail != nil && res.CleanupTaskID == "" {
		res.CleanupWithheld = Withheld(res.Status, res.Counts)
	}
	if err := im.store.UpdateImport(ctx, stored); err != nil {
		return fmt.Errorf("import %s: store result: %w", job.ID, err)
	}
	return nil
}

// mergeMapping adds to a stored job's mapping the headers a run mapped
// that it lacks (a later table, or the first run's headers when it
// stopped before storing them); a header already stored keeps its field.
func mergeMapping(stored, run Mapping) Mapping {
	if len(run) == 0 {
		return stored
	}
	out := maps.Clone(stored)
	if out == nil {
		out = Mapping{}
	}
	for h, f := range run {
		if _, ok := out[h]; !ok {
			out[h] = f
		}
	}
	return out
}
