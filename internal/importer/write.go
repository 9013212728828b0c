package importer

import (
	"context"
	"fmt"
	"log/slog"

	"custodia/internal/apperr"
	"custodia/internal/vault"
)

// writeBatch writes a batch: its new people in one store operation, each
// with its consent grant on the consent basis (one by one when that fails
// on a value taken since the lookup), then its updates in order, then the
// consent events of the people updated.
func (r *run) writeBatch(ctx context.Context, b *batch) {
	defer r.progress() // the counts move when rows are written, not only when they are read
	defer func() {
		for _, w := range b.creates {
			close(w.p.done)
		}
		for _, w := range b.updates {
			close(w.p.done)
		}
	}()
	if len(b.creates) == 0 && len(b.updates) == 0 {
		return
	}
	// grant is the batch's consent grant, nil without consent evidence: the
	// people created or updated commit with theirs.
	grant, err := r.bulkGrant(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.stop(fmt.Errorf("import %s: consent evidence: %w", r.job.ID, err))
		}
		return
	}
	// subjects are the people written whose grant is still to record.
	var subjects []string
	if len(b.creates) > 0 {
		rows := make([]vault.BulkRow, len(b.creates))
		for i, w := range b.creates {
			rows[i] = vault.BulkRow{Values: w.it.valid, Provenance: r.provenance(w.it)}
		}
		created, err := r.im.vault.CreateManyGranted(ctx, r.job.Collection, r.job.Purpose, rows, grant)
		switch {
		case err == nil:
			for i, w := range b.creates {
				w.p.ref, w.p.ok = vault.RecordRef(created[i]), true
			}
			r.add(func(c *Counts) { c.Created += len(created) })
		case ctx.Err() != nil:
			return // interrupted: nothing of the batch is written, a resume does it
		case apperr.KindOf(err) == apperr.Conflict:
			for _, w := range b.creates {
				if r.createOne(ctx, w, grant) {
					subjects = append(subjects, w.p.ref.Subject)
				}
			}
		default:
			r.stop(fmt.Errorf("import %s: write %d rows from row %s: %w", r.job.ID, len(b.creates), b.creates[0].it.ref, err))
			return
		}
	}
	for _, w := range b.updates {
		if r.writeOne(ctx, w, grant) {
			subjects = append(subjects, w.p.ref.Subject)
		}
	}
	superseded, err := r.grant(ctx, subjects)
	if err != nil && ctx.Err() == nil {
		// The rows are imported; running the job again records the events.
		slog.Warn("import: consent events not recorded; the job stops", "job", r.job.ID, "rows", len(subjects), "code", apperr.CodeOf(err))
		r.stop(fmt.Errorf("import %s: %d rows imported but their consent events failed (run the job again to record them): %w", r.job.ID, len(subjects), err))
	}
	r.consentSuperseded(superseded)
}

// createOne writes one new person after the batch's bulk create failed on
// a conflict: alone through the bulk create, with its grant, and when that
// conflicts too through writeOne, which names the row's fault. It reports
// whether the row was written without its grant (by writeOne, when the
// conflict is gone by then): the caller then records the grant.
func (r *run) createOne(ctx context.Context, w write, grant *vault.BulkGrant) bool {
	if grant == nil {
		return r.writeOne(ctx, w, nil) // no grant to commit with the record
	}
	created, err := r.im.vault.CreateManyGranted(ctx, r.job.Collection, r.job.Purpose,
		[]vault.BulkRow{{Values: w.it.valid, Provenance: r.provenance(w.it)}}, grant)
	switch {
	case err == nil:
		w.p.ref, w.p.ok = vault.RecordRef(created[0]), true
		r.add(func(c *Counts) { c.Created++ })
		return false
	case ctx.Err() != nil:
		return false // interrupted: the row is not imported, a resume does it
	case apperr.KindOf(err) == apperr.Internal || apperr.KindOf(err) == apperr.Unavailable:
		r.stop(fmt.Errorf("import %s: row %s: %w", r.job.ID, w.it.ref, err))
		return false
	default:
		return r.writeOne(ctx, w, grant) // it rejects the row with the reason
	}
}

// provenance is where a row's record comes from.
func (r *run) provenance(it *item) *vault.Provenance {
	return &vault.Provenance{JobID: r.job.ID, Source: r.job.Source, RowRef: it.ref}
}

// writeOne writes one row's create or update and reports whether the
// person still needs the batch's grant: a created one does (Create stores
// no grant); an updated one gets it in the update's transaction.
func (r *run) writeOne(ctx context.Context, w write, grant *vault.BulkGrant) bool {
	var err error
	var withGrant *vault.RecordGrant
	if w.target == nil {
		var cr vault.Created
		cr, err = r.im.vault.Create(ctx, r.job.Collection, r.job.Purpose, vault.Input{Data: w.it.valid.Data(), Provenance: r.provenance(w.it)})
		if err == nil {
			w.p.ref = vault.RecordRef(cr)
		}
	} else {
		if grant != nil {
			withGrant = &vault.RecordGrant{Event: grant.Event(w.target.Subject), NoticeText: grant.NoticeText}
		}
		_, err = r.im.vault.Patch(ctx, r.job.Collection, w.target.ID, r.job.Purpose,
			vault.Input{Data: w.it.valid.Data(), Provenance: r.provenance(w.it), Grant: withGrant})
		w.p.ref = *w.target
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return false // interrupted: the row is not imported, a resume does it
	case apperr.CodeOf(err) == "row_imported":
		r.add(func(c *Counts) { c.AlreadyImported++ })
		return false
	case apperr.KindOf(err) == apperr.Internal || apperr.KindOf(err) == apperr.Unavailable:
		r.stop(fmt.Errorf("import %s: row %s: %w", r.job.ID, w.it.ref, err))
		return false
	default:
		code, reason := reasonOf(err)
		r.reject(w.it, code, reason)
		return false
	}
	w.p.ok = true
	if w.target == nil {
		r.add(func(c *Counts) { c.Created++ })
		return true
	}
	r.add(func(c *Counts) { c.Updated++ })
	return false
}
