package importer

import (
	"context"
	"time"

	"custodia/internal/access"
)

// Job states.
const (
	StatusRunning     = "running"
	StatusCompleted   = "completed"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted" // the context ended: run it again to resume
)

// Import is a job as stored: what it imports and on which basis, its
// state and its counts. It holds no value of the file.
type Import struct {
	ID          string           `json:"id"`
	Collection  string           `json:"collection"`
	Purpose     string           `json:"purpose"`
	Source      string           `json:"source"`
	LegalBasis  string           `json:"legal_basis"`
	Consent     *ConsentEvidence `json:"consent,omitempty"`
	OnDuplicate OnDuplicate      `json:"on_duplicate"`
	// Fingerprint is the job's Job.Fingerprint (its input, mapping and
	// terms) when it started: the key is refused for another import. ""
	// for a job stored before fingerprints were kept.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Mapping is the header-to-field mapping the job used: the one it was
	// given, or the one it proposed from each table's headers ("-" for a
	// column left out). Empty until the job has read its first header.
	Mapping Mapping `json:"mapping,omitempty"`
	// SystemID is the data-map system the rows come from ("" without a
	// Trail); CleanupTaskID the task that destroys its copy, opened when
	// the job completes.
	SystemID      string    `json:"system_id,omitempty"`
	CleanupTaskID string    `json:"cleanup_task_id,omitempty"`
	Status        string    `json:"status"`
	Counts        Counts    `json:"counts"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at,omitzero"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Counts are a job's row counts.
type Counts struct {
	Rows int `json:"rows"` // data rows read
	// Created rows made a new subject; Updated rows updated an existing
	// one; Skipped rows matched one and left it as it was.
	Created int `json:"created"`
	Updated int `json:"updated"`
	Skipped int `json:"skipped"`
	// AlreadyImported rows were imported by an earlier run of the job.
	AlreadyImported int `json:"already_imported"`
	Rejected        int `json:"rejected"`
	// ConsentSuperseded counts the consent grants of a consent-basis job
	// left out because the person withdrew after the job's evidence was
	// collected: evidence older than a withdrawal does not revive
	// consent.
	ConsentSuperseded int `json:"consent_superseded,omitempty"`
	// OtherTableRows counts the rows of worksheets that are another table
	// (none of their headers is one the mapping maps to a field: a
	// summary or a price list beside the customer sheets), left out
	// rather than failing the job. They keep the source's copy from
	// being marked for destruction.
	OtherTableRows int `json:"other_table_rows,omitempty"`
}

// Store is the storage the importer needs besides the vault's.
type Store interface {
	// CreateImport stores a new job; when one with its id exists it
	// returns that one and created false.
	CreateImport(ctx context.Context, im Import) (stored Import, created bool, err error)
	// UpdateImport stores a job's state, counts and finish time.
	UpdateImport(ctx context.Context, im Import) error
	// GetImport returns a job; not found is an apperr NotFound.
	GetImport(ctx context.Context, id string) (Import, error)
	// ImportedRows maps those of refs (row references) that a job
	// imported to the subjects their records belong to.
	ImportedRows(ctx context.Context, jobID string, refs []string) (map[string]string, error)
}

// PurposeLister is a Store that lists the registered purposes. With one,
// a job's legal basis must be the basis its purpose is registered with; a
// purpose it does not list is not checked.
type PurposeLister interface {
	ListPurposes(ctx context.Context) ([]access.Purpose, error)
}

// StatisticsRefresher is a Store whose query planner needs fresh
// statistics while a bulk load grows its tables (PostgreSQL); the importer
// asks for them when a run starts and every statsEvery new people.
type StatisticsRefresher interface {
	RefreshStatistics(ctx context.Context) error
}
