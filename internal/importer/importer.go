package importer

import (
	"context"
	"time"

	"custodia/internal/consent"
	"custodia/internal/scan/detect"
	"custodia/internal/vault"
)

// Importer imports table rows into the vault.
type Importer struct {
	vault  *vault.Service
	store  Store
	ledger *consent.Ledger
	// Writers is how many batches of rows are written at once (default
	// 4): the store's writer commits concurrent batches in one
	// transaction, so one batch is sealed while another commits.
	Writers int
	// BatchSize is how many rows a batch holds at most (default 4096):
	// larger batches write more rows per commit, at the cost of holding
	// the writer longer for other writes.
	BatchSize int
	// Scanner finds personal data in unmapped columns (default: the
	// scanner's detectors with their default regions).
	Scanner *detect.Scanner
	// Trail links jobs to the data map (nil: no link is made).
	Trail Trail
	// Now is the clock of job times.
	Now func() time.Time
}

// New returns an importer. ledger may be nil when no job rests on consent.
func New(v *vault.Service, store Store, ledger *consent.Ledger) *Importer {
	return &Importer{vault: v, store: store, ledger: ledger, Now: time.Now}
}

// Result is the outcome of a run: the job's counts and rejected rows.
type Result struct {
	JobID  string `json:"job_id"`
	Status string `json:"status"`
	DryRun bool   `json:"dry_run"`
	// SystemID is the data-map system of the source and CleanupTaskID the
	// task opened to destroy its copy (with a Trail).
	SystemID      string `json:"system_id,omitempty"`
	CleanupTaskID string `json:"cleanup_task_id,omitempty"`
	// CleanupWithheld, for a completed job with a Trail that opened no
	// clean-up task, says why: not every data row is in the vault.
	CleanupWithheld *CleanupWithheld `json:"cleanup_withheld,omitempty"`
	// Mapping is the header-to-field mapping the job used (Import.Mapping).
	Mapping Mapping `json:"mapping,omitempty"`
	// AlreadyCompleted is set when the job's key named a job completed
	// before, at FinishedAt: nothing was imported now, and the counts are
	// that run's.
	AlreadyCompleted bool      `json:"already_completed,omitempty"`
	FinishedAt       time.Time `json:"finished_at,omitzero"`
	Counts
	// Rejects are the rows left out, in row order, values masked.
	Rejects []Reject `json:"rejects,omitempty"`
}

// GetImport returns a stored job, with its state and counts.
func (im *Importer) GetImport(ctx context.Context, id string) (Import, error) {
	return im.store.GetImport(ctx, id)
}
