package cleanup

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/importer"
)

// Store is the storage the trail needs; *store.DB implements it.
type Store interface {
	GetSystem(ctx context.Context, id string) (datamap.System, error)
	ListSystems(ctx context.Context) ([]datamap.System, error)
	PutSystem(ctx context.Context, s datamap.System, e *audit.Entry) error
	UpdateSystem(ctx context.Context, s datamap.System, e *audit.Entry) error
	// OpenCleanupTask stores a new open task and, in the same transaction,
	// marks its system "copy to destroy". When the import has a task
	// already it changes nothing and returns that one.
	OpenCleanupTask(ctx context.Context, t Task, e *audit.Entry) (Task, error)
	// ReopenMigration clears the migration state of a system recorded
	// "destroyed"; it leaves any other state and says whether it changed.
	ReopenMigration(ctx context.Context, systemID string, at time.Time, e *audit.Entry) (bool, error)
}

// Trail links imports to the data map; it implements importer.Trail.
type Trail struct {
	store Store
	// Now is the clock of the systems and tasks it creates.
	Now func() time.Time
}

var _ importer.Trail = (*Trail)(nil)

// NewTrail returns the trail over a store.
func NewTrail(s Store) *Trail { return &Trail{store: s, Now: time.Now} }

// DefaultKind is the kind of a source system registered without one.
const DefaultKind = "spreadsheet"

// maxName is the longest name of a system (as datamap checks it).
const maxName = 200

// ResolveSource returns the system src names: the system whose id is
// src.Source, else the one whose name it is (ignoring case), else a new
// shadow system named src.Source, of kind src.Kind, owned and held by
// src.Holder. The system is recorded as holding src.Categories (declared
// categories it lacks are added). A dry run creates and changes nothing
// and resolves a new source to "".
func (t *Trail) ResolveSource(ctx context.Context, src importer.SourceRef, dryRun bool) (string, error) {
	name := strings.TrimSpace(src.Source)
	switch {
	case name == "":
		return "", apperr.New(apperr.Invalid, "source_required", "state the source of the data: a data-map system id or a description")
	case name == datamap.VaultID:
		return "", errVaultSource
	}
	sys, err := t.store.GetSystem(ctx, name)
	switch {
	case err == nil:
		return sys.ID, t.addCategories(ctx, sys, src.Categories, dryRun)
	case !apperr.IsNotFound(err):
		return "", err
	}
	if id, err := t.byName(ctx, name); err != nil || id != "" {
		if err == nil {
			err = t.addCategoriesTo(ctx, id, src.Categories, dryRun)
		}
		return id, err
	}
	if strings.HasPrefix(name, "sys_") && !strings.ContainsAny(name, " ./") {
		return "", apperr.New(apperr.NotFound, "source_system_not_found", "the source names a data-map system id that does not exist")
	}
	kind := strings.TrimSpace(src.Kind)
	if kind == "" {
		kind = DefaultKind
	}
	if !slices.Contains(datamap.Kinds, kind) || kind == "vault" {
		return "", apperr.New(apperr.Invalid, "invalid_source_kind", "the kind of a new source system must be one of crm, database, spreadsheet, file_share, chat, social_inbox, mailbox, saas, paper, other")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxName {
		return "", apperr.New(apperr.Invalid, "invalid_source_name", "a source the data map does not list yet becomes a shadow system named after it: at most 200 characters, or name an existing system's id")
	}
	holder := strings.TrimSpace(src.Holder)
	in := datamap.Input{Name: name, Kind: kind, Status: datamap.StatusShadow, Owner: holder,
		Description: "Registered by an import as the source of its rows.", Categories: src.Categories}
	if holder != "" {
		in.Holders = []string{holder}
	}
	if err := in.Validate(); err != nil {
		return "", err
	}
	if dryRun {
		return "", nil
	}
	now := t.Now().UTC().Truncate(time.Microsecond)
	sys = datamap.System{ID: auth.NewID("sys_"), CreatedAt: now, UpdatedAt: now}
	in.Apply(&sys, now)
	e := entryFor(ctx, "system.create")
	e.RecordID, e.Detail = sys.ID, "import source"
	err = t.store.PutSystem(ctx, sys, e)
	if apperr.CodeOf(err) == "system_exists" {
		// Another job registered the same source meanwhile.
		if id, lerr := t.byName(ctx, name); lerr != nil || id != "" {
			return id, lerr
		}
	}
	if err != nil {
		return "", err
	}
	return sys.ID, nil
}

// addCategoriesTo is addCategories for the system with id.
func (t *Trail) addCategoriesTo(ctx context.Context, id string, cats []string, dryRun bool) error {
	if len(cats) == 0 || dryRun {
		return nil
	}
	sys, err := t.store.GetSystem(ctx, id)
	if err != nil {
		return err
	}
	return t.addCategories(ctx, sys, cats, dryRun)
}

// addCategories records that an existing system holds cats: the ones it
// does not list yet among its declared categories are added, dated now.
func (t *Trail) addCategories(ctx context.Context, sys datamap.System, cats []string, dryRun bool) error {
	if dryRun || sys.ID == datamap.VaultID {
		return nil
	}
	declared := map[string]bool{}
	for _, c := range sys.Categories {
		if c.Source == datamap.SourceDeclared {
			declared[c.Category] = true
		}
	}
	now := t.Now().UTC().Truncate(time.Microsecond)
	var added []string
	for _, c := range cats {
		if !declared[c] && datamap.KnownCategory(c) {
			declared[c] = true
			sys.Categories = append(sys.Categories, datamap.Category{Category: c, Source: datamap.SourceDeclared, Since: now})
			added = append(added, c)
		}
	}
	if len(added) == 0 {
		return nil
	}
	sys.UpdatedAt = now
	e := entryFor(ctx, "system.update")
	e.RecordID, e.Detail = sys.ID, "import source holds "+strings.Join(added, ", ")
	return t.store.UpdateSystem(ctx, sys, e)
}

// byName returns the id of the system named name (ignoring case), or "".
func (t *Trail) byName(ctx context.Context, name string) (string, error) {
	all, err := t.store.ListSystems(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range all {
		if s.Name == name {
			return s.ID, nil
		}
	}
	for _, s := range all {
		if strings.EqualFold(s.Name, name) {
			return s.ID, nil
		}
	}
	return "", nil
}

// errVaultSource refuses the vault as an import's source or as a system to
// mark migrated.
var errVaultSource = apperr.New(apperr.Invalid, "source_is_vault", "the vault is where imports go, not a source of them")

// Migrated marks the system a completed job imported from "migrated, copy
// to destroy" and opens the clean-up task for its holders (else its owner;
// with neither, the task has no assignee and the DPO sees to it). Called
// again for the same job, it returns the job's task.
func (t *Trail) Migrated(ctx context.Context, systemID string, job importer.Import) (string, error) {
	if systemID == datamap.VaultID {
		return "", errVaultSource
	}
	sys, err := t.store.GetSystem(ctx, systemID)
	if err != nil {
		return "", err
	}
	assignees := []string{}
	switch {
	case len(sys.Holders) > 0:
		assignees = append(assignees, sys.Holders...)
	case strings.TrimSpace(sys.Owner) != "":
		assignees = append(assignees, strings.TrimSpace(sys.Owner))
	}
	now := t.Now().UTC().Truncate(time.Microsecond)
	task := Task{ID: auth.NewID(IDPrefix), SystemID: sys.ID, ImportID: job.ID, Assignees: assignees, State: StateOpen, CreatedAt: now,
		Title: "Destroy the original copy of \"" + sys.Name + "\": import " + job.ID + " brought its data into the vault. Close this task with the evidence of its deletion."}
	e := entryFor(ctx, "cleanup.task.open")
	e.RecordID, e.Collection, e.Purpose, e.Detail = task.ID, job.Collection, job.Purpose, "system:"+sys.ID+" job:"+job.ID
	stored, err := t.store.OpenCleanupTask(ctx, task, e)
	if err != nil {
		return "", err
	}
	return stored.ID, nil
}

// Unmigrated is told of a completed job from a system that left rows
// (rejected or skipped) only in the source: a system whose copy was
// recorded destroyed holds personal data outside the vault again, so its
// migration state is cleared and the data map shows it as holding data.
func (t *Trail) Unmigrated(ctx context.Context, systemID string, job importer.Import) error {
	if systemID == datamap.VaultID {
		return errVaultSource
	}
	sys, err := t.store.GetSystem(ctx, systemID)
	if err != nil {
		return err
	}
	if sys.Migration == nil || sys.Migration.State != datamap.MigrationDestroyed {
		return nil
	}
	e := entryFor(ctx, "system.migration.reopen")
	e.RecordID, e.Collection, e.Purpose, e.Detail = sys.ID, job.Collection, job.Purpose, "job:"+job.ID
	_, err = t.store.ReopenMigration(ctx, sys.ID, t.Now().UTC(), e)
	return err
}

// entryFor is a fresh audit entry for an action taken for the caller in
// ctx: its principal, else the actor audit.WithActor names (a job's
// starter, the CLI), else the system.
func entryFor(ctx context.Context, action string) *audit.Entry {
	actor, requestID := audit.ActorFrom(ctx)
	e := &audit.Entry{Actor: actor, Action: action, RequestID: requestID}
	if p := auth.PrincipalFrom(ctx); p != nil {
		e.Actor = p.Actor()
	}
	if r := audit.RecorderFrom(ctx); r != nil {
		e.RequestID = r.Snapshot().RequestID
	}
	return e
}
