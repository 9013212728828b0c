package importer

import (
	"fmt"
	"slices"
	"strings"

	"custodia/internal/apperr"
	"custodia/internal/vault"
)

// pending is a row being written; done is closed once it is written (ok)
// or failed. in is the batch it belongs to.
type pending struct {
	done chan struct{}
	in   *batch
	ref  vault.RecordRef
	ok   bool
}

// finished reports whether the row's write is over.
func (p *pending) finished() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// write is one decided row for a writer: a create, or an update of target.
type write struct {
	it     *item
	target *vault.RecordRef
	p      *pending
}

// batch is the rows the decider hands to a writer at once.
type batch struct {
	creates []write
	updates []write
}

func (b *batch) size() int { return len(b.creates) + len(b.updates) }

// decideChunk decides a chunk's rows in order. Rows an earlier run of the
// job imported are skipped; the identifying values no row in flight
// holds are looked up in the vault for the whole chunk at once.
func (r *run) decideChunk(ch *chunk) {
	if r.halted() || r.ctx.Err() != nil {
		return
	}
	imported, err := r.importedRows(ch)
	if err != nil {
		r.stop(err)
		return
	}
	found, err := r.lookup(ch)
	if err != nil {
		r.stop(err)
		return
	}
	for i := range ch.items {
		if r.halted() {
			return
		}
		it := &ch.items[i]
		r.add(func(c *Counts) { c.Rows++ })
		if sub, ok := imported[it.ref]; ok {
			r.add(func(c *Counts) { c.AlreadyImported++ })
			if err := r.repairConsent(sub); err != nil {
				return
			}
			continue
		}
		if it.code != "" {
			r.reject(it, it.code, it.reason)
			continue
		}
		if err := r.decide(it, found); err != nil {
			r.stop(err)
			return
		}
	}
	r.progress()
	if r.chunks++; r.chunks%16 == 0 {
		r.sweep()
	}
	if r.fresh >= statsEvery {
		if err := r.refreshStatistics(); err != nil {
			r.stop(err)
		}
	}
}

// importedRows returns which of a resumed job's chunk rows it imported
// before, with their subjects.
func (r *run) importedRows(ch *chunk) (map[string]string, error) {
	if !r.resumed {
		return nil, nil
	}
	refs := make([]string, len(ch.items))
	for i, it := range ch.items {
		refs[i] = it.ref
	}
	done, err := r.im.store.ImportedRows(r.ctx, r.job.ID, refs)
	if err != nil {
		return nil, fmt.Errorf("import %s: imported rows: %w", r.job.ID, err)
	}
	return done, nil
}

// lookup finds the records that hold the chunk's identifying values, for
// the values no row in flight claims, a query per field.
func (r *run) lookup(ch *chunk) (map[string][]vault.RecordRef, error) {
	byField := map[string][]string{}
	seen := map[string]bool{}
	for _, it := range ch.items {
		for _, k := range it.keys {
			if _, claimed := r.claims[k]; claimed || seen[k] {
				continue
			}
			seen[k] = true
			field, norm, _ := strings.Cut(k, "\x00")
			byField[field] = append(byField[field], norm)
		}
	}
	if len(byField) == 0 {
		return nil, nil
	}
	found, err := r.im.vault.MatchIndexedMany(r.ctx, r.c, byField)
	if err != nil {
		return nil, fmt.Errorf("import %s: match: %w", r.job.ID, err)
	}
	return found, nil
}

// decide chooses what to do with one valid row.
func (r *run) decide(it *item, found map[string][]vault.RecordRef) error {
	matches, err := r.match(it.keys, found)
	if err != nil {
		return err
	}
	w := write{it: it, p: &pending{done: make(chan struct{})}}
	subjects := distinctSubjects(matches)
	if subjects == 1 {
		reason, err := r.otherPerson(it, matches[0], found)
		if err != nil {
			return err
		}
		if reason != "" {
			r.reject(it, "conflicting_match", reason)
			return nil
		}
	}
	switch {
	case subjects > 1:
		r.reject(it, "duplicate_subjects", "the row matches two different subjects; they are not merged")
		return nil
	case subjects == 1 && r.job.OnDuplicate == Skip:
		r.add(func(c *Counts) { c.Skipped++ })
		return nil
	case subjects == 1 && r.job.OnDuplicate == Fail:
		// The rows before it are imported; this one was not, and is not
		// counted (the counts add up to the rows read).
		r.add(func(c *Counts) { c.Rows-- })
		r.flush()
		return apperr.Newf(apperr.Conflict, "duplicate_row", "row %s matches an existing subject and on_duplicate is fail", it.ref)
	case subjects == 1:
		target := matches[0]
		w.target = &target
		// Updates of one person are written in file order: wait for the
		// earlier row writing them, if any.
		sk := "\x01" + target.Subject
		if p, ok := r.claims[sk]; ok {
			r.wait(p)
		}
		r.claim(sk, w.p)
	}
	for _, k := range it.keys {
		r.claim(k, w.p)
	}
	if r.job.DryRun {
		r.dry(w)
		return nil
	}
	if r.cur == nil {
		r.cur = &batch{}
	}
	w.p.in = r.cur
	if w.target == nil {
		r.fresh++
		r.cur.creates = append(r.cur.creates, w)
	} else {
		r.cur.updates = append(r.cur.updates, w)
	}
	if r.cur.size() >= r.batchSize() {
		r.flush()
	}
	return nil
}

// otherPerson says why a row that matched target only through a value
// people share (a phone: an office line, a family's landline, an
// assistant's number) is someone else: the row holds a value of a unique
// field (an e-mail address) that no record and no earlier row holds,
// while target's record holds a value of that field, so the two differ.
// Such a row is rejected rather than merged into, or skipped as, the
// other person. "" when nothing says so.
func (r *run) otherPerson(it *item, target vault.RecordRef, found map[string][]vault.RecordRef) (string, error) {
	for _, k := range it.keys {
		field, _, _ := strings.Cut(k, "\x00")
		f, ok := r.c.Field(field)
		if !ok || !f.Unique {
			continue
		}
		if _, claimed := r.claims[k]; claimed || len(found[k]) > 0 {
			continue // the row's own value matched someone
		}
		has, err := r.im.vault.HasAnyField(r.ctx, r.c.Name, target.ID, []string{field})
		if err != nil {
			return "", fmt.Errorf("import %s: match: %w", r.job.ID, err)
		}
		if has {
			return fmt.Sprintf("the row shares a value with a person whose %s is another: they are not merged (map the shared column to \"-\" if it is not the person's)", field), nil
		}
	}
	return "", nil
}

// match finds the records a row's identifying values belong to: those an
// earlier row of the file is writing (waiting for it), else those the
// chunk's lookup found, else, for a value whose earlier row failed, those
// in the vault.
func (r *run) match(keys []string, found map[string][]vault.RecordRef) ([]vault.RecordRef, error) {
	var out []vault.RecordRef
	for _, k := range keys {
		p, claimed := r.claims[k]
		if !claimed {
			out = append(out, found[k]...)
			continue
		}
		r.wait(p)
		if p.ok {
			out = append(out, p.ref)
			continue
		}
		if r.job.DryRun {
			continue
		}
		delete(r.claims, k)
		field, norm, _ := strings.Cut(k, "\x00")
		refs, err := r.im.vault.MatchIndexed(r.ctx, r.c, field, norm)
		if err != nil {
			return nil, fmt.Errorf("import %s: match %s: %w", r.job.ID, field, err)
		}
		out = append(out, refs...)
	}
	return out, nil
}

// wait waits for a row in flight, handing the batch being filled to the
// writers first when the row is in it.
func (r *run) wait(p *pending) {
	if p.finished() {
		return
	}
	if p.in == r.cur {
		r.flush()
	}
	<-p.done
}

// flush hands the batch being filled to the writers.
func (r *run) flush() {
	if r.cur == nil || r.cur.size() == 0 {
		return
	}
	r.batches <- r.cur
	r.cur = nil
}

func (r *run) batchSize() int {
	if r.im.BatchSize > 0 {
		return r.im.BatchSize
	}
	return defaultBatch
}

// claim is a row in flight's claim on a key.
type claim struct {
	key string
	p   *pending
}

// claim records that p's row writes key: later rows with that key wait
// for it instead of looking the key up in the vault.
func (r *run) claim(key string, p *pending) {
	r.claims[key] = p
	r.claimed = append(r.claimed, claim{key, p})
}

// sweep forgets the claims of rows written, the vault answering for them
// from then on. Batches finish in about the order they were decided, so
// it walks the claims oldest first and stops at the first row still in
// flight: its cost follows the rows written since the last sweep, not
// all the claims held (a walk over the whole map was a quarter of the
// decider's time with 16,384-row batches).
func (r *run) sweep() {
	n := 0
	for _, c := range r.claimed {
		if !c.p.finished() {
			break
		}
		if r.claims[c.key] == c.p { // not claimed again by a later row
			delete(r.claims, c.key)
		}
		n++
	}
	clear(r.claimed[:n]) // let the written rows' pendings go
	r.claimed = r.claimed[n:]
}

// distinctSubjects counts the subjects among matches.
func distinctSubjects(matches []vault.RecordRef) int {
	var seen []string
	for _, m := range matches {
		if !slices.Contains(seen, m.Subject) {
			seen = append(seen, m.Subject)
		}
	}
	return len(seen)
}

// dry completes a row of a dry run as if it had been written.
func (r *run) dry(w write) {
	if w.target != nil {
		w.p.ref = *w.target
		r.add(func(c *Counts) { c.Updated++ })
	} else {
		w.p.ref = vault.RecordRef{ID: "dry-run:" + w.it.ref, Subject: "dry-run:" + w.it.ref}
		r.add(func(c *Counts) { c.Created++ })
	}
	w.p.ok = true
	close(w.p.done)
}
