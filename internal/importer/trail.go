package importer

import (
	"context"
)

// SourceRef names where a job's rows come from, for the data map: Source
// is an existing system's id or, for a copy the map does not know yet, a
// name ("Lan's customers.xlsx"); Kind is the kind of a new system (a
// datamap kind, default "spreadsheet"); Holder is who holds the original
// copy (an e-mail address or a name).
type SourceRef struct {
	Source string
	Kind   string
	Holder string
	// Categories are the data categories of the fields the job maps the
	// source's columns to: the source holds them.
	Categories []string
}

// Trail links imports to the data map: the system a job's rows come from
// and the clean-up of that system's copy once they are in the vault. The
// importer works without one (no data-map link is made).
type Trail interface {
	// ResolveSource returns the id of the data-map system src names: the
	// system whose id is src.Source, else a new shadow system registered
	// with src.Source as its name, src.Kind as its kind and src.Holder as
	// its owner and holder. The system is recorded as holding
	// src.Categories, so that an erasure asks its holders to delete the
	// person's copy and an access package names it. With dryRun nothing
	// is created or changed, and a source that names no system yet
	// resolves to "".
	ResolveSource(ctx context.Context, src SourceRef, dryRun bool) (systemID string, err error)
	// Migrated marks a system whose data a completed job brought into the
	// vault as "migrated, copy to destroy" and opens a clean-up task for
	// its holders (or its owner) to destroy the copy and close the task
	// with evidence. It returns the task's id. A job calls it once.
	Migrated(ctx context.Context, systemID string, job Import) (taskID string, err error)
	// Unmigrated is told of a completed job that left rows only in its
	// source: a source recorded as destroyed holds data again.
	Unmigrated(ctx context.Context, systemID string, job Import) error
}
