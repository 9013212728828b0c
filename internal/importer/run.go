package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"custodia/internal/apperr"
	"custodia/internal/fieldtype"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
	"custodia/internal/vault"
)

// progressEvery is how many rows pass between two Progress calls.
const progressEvery = 512

// errStop ends the reading of the rows once the run must stop (a
// duplicate under Fail, a failure of the store).
var errStop = errors.New("import stopped")

// run is the state of one Run. Rows are decided one at a time, in file
// order, by the goroutine reading them (validation, the duplicate check,
// the choice of create, update or skip); the writes go to a pool of
// workers. A row whose index value an earlier row still being written
// holds waits for that write, so duplicates inside the file are decided
// exactly as if the rows were written one by one.
type run struct {
	ctx  context.Context
	im   *Importer
	job  Job
	c    *vault.Collection
	done map[string]string // row ref -> subject, imported by an earlier run

	plans   map[string]*plan
	session *detect.Session
	claims  map[string]*pending // index key, or \x01 and a subject id -> the latest row writing it
	seq     int

	ops chan op
	wg  sync.WaitGroup

	mu      sync.Mutex
	counts  Counts
	rejects []Reject
	fatal   error // a failure that ends the run (not a row's fault)
	stopped bool
}

// pending is a row being written; done is closed once it is committed
// (ok) or failed.
type pending struct {
	done chan struct{}
	ref  vault.RecordRef
	ok   bool
}

// op is one write for a worker.
type op struct {
	seq    int
	row    string
	plan   *plan
	cells  []string
	data   map[string]any
	target *vault.RecordRef // update this record; nil creates
	p      *pending
}

// Run imports rows into the job's collection. Each row is validated
// through the vault's field types, matched to existing subjects through
// the blind indexes of its e-mail, phone and national id fields, and then
// created (with its provenance, in the record's transaction), updated,
// skipped or rejected; with the consent legal basis every created or
// updated subject gets a grant in the consent ledger that names the job.
// Bad rows are rejected with a reason and the rest goes on.
//
// Running a job again with the same ID resumes it: the rows it imported
// are skipped. A completed job is not run again; its stored counts are
// returned. A job whose context ends is stored as interrupted, with the
// context's error returned.
func (im *Importer) Run(ctx context.Context, job Job, rows Rows) (Result, error) {
	if err := job.normalize(); err != nil {
		return Result{}, err
	}
	c, err := im.vault.Collection(ctx, job.Collection)
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", job.ID, err)
	}
	switch {
	case c.Kind != vault.KindPersons:
		return Result{}, invalid("not_persons", "import into a persons collection: each row becomes one person's record")
	case !c.DeclaresPurpose(job.Purpose):
		return Result{}, invalid("purpose_not_declared", "no field of this collection was collected for this purpose")
	case job.Consent != nil && im.ledger == nil:
		return Result{}, errors.New("import: a consent-based job needs the consent ledger")
	}
	r := &run{im: im, job: job, c: c, plans: map[string]*plan{}, claims: map[string]*pending{}}
	sc := im.Scanner
	if sc == nil {
		sc = defaultScanner()
	}
	r.session = sc.NewSession()
	var systemID string
	if im.Trail != nil {
		if systemID, err = im.Trail.ResolveSource(ctx, SourceRef{Source: job.Source, Kind: job.SourceKind, Holder: job.Holder}, job.DryRun); err != nil {
			return Result{}, fmt.Errorf("import %s: source system: %w", job.ID, err)
		}
	}
	if !job.DryRun {
		stored, err := im.begin(ctx, job, systemID)
		if err != nil {
			return Result{}, err
		}
		if stored.Status == StatusCompleted {
			return Result{JobID: job.ID, Status: stored.Status, Counts: stored.Counts, Rejects: []Reject{},
				SystemID: stored.SystemID, CleanupTaskID: stored.CleanupTaskID}, nil
		}
		if r.done, err = im.store.ImportedRows(ctx, job.ID); err != nil {
			return Result{}, fmt.Errorf("import %s: imported rows: %w", job.ID, err)
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.ctx = wctx
	r.start(wctx)
	readErr := rows(wctx, r.row)
	close(r.ops)
	r.wg.Wait()

	res := Result{JobID: job.ID, DryRun: job.DryRun, Counts: r.counts, Rejects: r.rejects}
	slices.SortFunc(res.Rejects, func(a, b Reject) int { return a.seq - b.seq })
	if res.Rejects == nil {
		res.Rejects = []Reject{}
	}
	var runErr error
	switch {
	case ctx.Err() != nil:
		res.Status, runErr = StatusInterrupted, ctx.Err()
	case r.fatal != nil:
		res.Status, runErr = StatusFailed, r.fatal
	case readErr != nil && !errors.Is(readErr, errStop):
		res.Status, runErr = StatusFailed, fmt.Errorf("import %s: read rows: %w", job.ID, readErr)
	default:
		res.Status = StatusCompleted
	}
	if job.DryRun {
		res.SystemID = systemID
	} else if err := im.finish(context.WithoutCancel(ctx), job, &res); err != nil && runErr == nil {
		runErr = err
	}
	if job.Progress != nil {
		job.Progress(res.Counts)
	}
	return res, runErr
}

// start launches the workers.
func (r *run) start(ctx context.Context) {
	n := r.im.Workers
	if n <= 0 {
		n = 64
	}
	r.ops = make(chan op, 4*n)
	for range n {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for o := range r.ops {
				r.write(ctx, o)
			}
		}()
	}
}

// row decides one row, in file order.
func (r *run) row(row source.Row) error {
	r.seq++
	seq, ref := r.seq, row.Ref()
	if r.halted() {
		return errStop
	}
	r.add(func(c *Counts) { c.Rows++ })
	if r.job.Progress != nil && seq%progressEvery == 0 {
		r.mu.Lock()
		counts := r.counts
		r.mu.Unlock()
		r.job.Progress(counts)
	}
	if sub, ok := r.done[ref]; ok {
		r.add(func(c *Counts) { c.AlreadyImported++ })
		return r.repairConsent(sub)
	}
	p, err := r.planFor(row.Header)
	if err != nil {
		return r.stop(err)
	}
	if !p.mapped() {
		r.reject(seq, ref, p, row.Cells, "no_mapped_column", "no column of this table is mapped to a field")
		return nil
	}
	rd := p.build(row.Cells, r.session)
	if rd.personal != "" {
		r.reject(seq, ref, p, row.Cells, "unmapped_personal_data", rd.personal+" holds personal data but is not mapped to a declared field; map it, or ignore it with \"-\"")
		return nil
	}
	vals, err := r.im.vault.Validate(r.c, rd.data)
	if err != nil {
		code, reason := reasonOf(err)
		r.reject(seq, ref, p, row.Cells, code, reason)
		return nil
	}
	keys := r.indexKeys(vals)
	matches, err := r.match(keys)
	if err != nil {
		return r.stop(err)
	}
	data := make(map[string]any, len(vals))
	for k, v := range vals {
		data[k] = v
	}
	o := op{seq: seq, row: ref, plan: p, cells: row.Cells, data: data, p: &pending{done: make(chan struct{})}}
	switch subjects := distinctSubjects(matches); {
	case subjects > 1:
		r.reject(seq, ref, p, row.Cells, "duplicate_subjects", "the row matches two different subjects; they are not merged")
		return nil
	case subjects == 1 && r.job.OnDuplicate == Skip:
		r.add(func(c *Counts) { c.Skipped++ })
		return nil
	case subjects == 1 && r.job.OnDuplicate == Fail:
		return r.stop(apperr.Newf(apperr.Conflict, "duplicate_row", "row %s matches an existing subject and on_duplicate is fail", ref))
	case subjects == 1:
		target := matches[0]
		o.target = &target
		// Updates of one person are written in file order: wait for the
		// earlier row writing them, if any.
		sk := "\x01" + target.Subject
		if p, ok := r.claims[sk]; ok {
			<-p.done
		}
		r.claims[sk] = o.p
	}
	for _, k := range keys {
		r.claims[k] = o.p
	}
	if r.seq%4096 == 0 && !r.job.DryRun {
		r.sweep()
	}
	if r.job.DryRun {
		r.dry(o)
		return nil
	}
	r.ops <- o
	return nil
}

// planFor returns the plan of a table's header, made once per table.
func (r *run) planFor(header []string) (*plan, error) {
	key := strings.Join(header, "\x1f")
	if p, ok := r.plans[key]; ok {
		return p, nil
	}
	m := r.job.Mapping
	if m == nil {
		m = ProposeMapping(header, nil, r.c, r.im.Scanner).Mapping
	}
	p, err := newPlan(header, m, r.c)
	if err != nil {
		return nil, err
	}
	r.plans[key] = p
	return p, nil
}

// dedupTypes are the field types whose blind index identifies a person.
var dedupTypes = []fieldtype.Type{fieldtype.Email, fieldtype.Phone, fieldtype.NationalID}

// indexKeys lists a row's identifying values as "field\x00value".
func (r *run) indexKeys(vals map[string]string) []string {
	var keys []string
	for _, f := range r.c.Fields {
		v, ok := vals[f.Name]
		if ok && f.Lookup() && slices.Contains(dedupTypes, f.Type) {
			keys = append(keys, f.Name+"\x00"+v)
		}
	}
	return keys
}

// match finds the records a row's identifying values already belong to:
// those an earlier row of the file is writing (waiting for it), else
// those in the vault.
func (r *run) match(keys []string) ([]vault.RecordRef, error) {
	var out []vault.RecordRef
	var ask []string
	for _, k := range keys {
		if p, ok := r.claims[k]; ok {
			<-p.done
			if p.ok {
				out = append(out, p.ref)
				continue
			}
			if r.job.DryRun {
				continue
			}
			delete(r.claims, k)
		}
		ask = append(ask, k)
	}
	found := make([][]vault.RecordRef, len(ask))
	errs := make([]error, len(ask))
	lookup := func(i int) {
		field, norm, _ := strings.Cut(ask[i], "\x00")
		found[i], errs[i] = r.im.vault.MatchIndexed(r.ctx, r.c, field, norm)
		if errs[i] != nil {
			errs[i] = fmt.Errorf("import %s: match %s: %w", r.job.ID, field, errs[i])
		}
	}
	for i := range ask {
		lookup(i)
	}
	for i := range ask {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, found[i]...)
	}
	return out, nil
}

// sweep forgets the claims of rows written: the vault answers for them.
func (r *run) sweep() {
	for k, p := range r.claims {
		select {
		case <-p.done:
			delete(r.claims, k)
		default:
		}
	}
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
func (r *run) dry(o op) {
	if o.target != nil {
		o.p.ref = *o.target
		r.add(func(c *Counts) { c.Updated++ })
	} else {
		o.p.ref = vault.RecordRef{ID: "dry-run:" + o.row, Subject: "dry-run:" + o.row}
		r.add(func(c *Counts) { c.Created++ })
	}
	o.p.ok = true
	close(o.p.done)
}

// write performs one row's create or update, on a worker.
func (r *run) write(ctx context.Context, o op) {
	defer close(o.p.done)
	var err error
	if o.target == nil {
		var cr vault.Created
		cr, err = r.im.vault.Create(ctx, r.job.Collection, r.job.Purpose, vault.Input{Data: o.data,
			Provenance: &vault.Provenance{JobID: r.job.ID, Source: r.job.Source, RowRef: o.row}})
		if err == nil {
			o.p.ref = vault.RecordRef(cr)
		}
	} else {
		_, err = r.im.vault.Patch(ctx, r.job.Collection, o.target.ID, r.job.Purpose, vault.Input{Data: o.data})
		o.p.ref = *o.target
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return // interrupted: the row is not imported, a resume does it
	case apperr.CodeOf(err) == "row_imported":
		r.add(func(c *Counts) { c.AlreadyImported++ })
		return
	case apperr.KindOf(err) == apperr.Internal || apperr.KindOf(err) == apperr.Unavailable:
		r.stop(fmt.Errorf("import %s: row %s: %w", r.job.ID, o.row, err))
		return
	default:
		code, reason := reasonOf(err)
		r.reject(o.seq, o.row, o.plan, o.cells, code, reason)
		return
	}
	o.p.ok = true
	if o.target == nil {
		r.add(func(c *Counts) { c.Created++ })
	} else {
		r.add(func(c *Counts) { c.Updated++ })
	}
	if err := r.grant(ctx, o.p.ref.Subject); err != nil && ctx.Err() == nil {
		// The row is imported; running the job again records its event.
		slog.Warn("import: consent event not recorded; the job stops", "job", r.job.ID, "row", o.row, "code", apperr.CodeOf(err))
		r.stop(fmt.Errorf("import %s: row %s imported but its consent event failed (run the job again to record it): %w", r.job.ID, o.row, err))
	}
}

// add changes the counts.
func (r *run) add(fn func(*Counts)) {
	r.mu.Lock()
	fn(&r.counts)
	r.mu.Unlock()
}

// reject records a rejected row with its values masked.
func (r *run) reject(seq int, ref string, p *plan, cells []string, code, reason string) {
	rj := Reject{Row: ref, Code: code, Reason: reason, Values: maskCells(r.im.vault, p, cells), seq: seq}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts.Rejected++
	if r.job.OnReject != nil {
		r.job.OnReject(rj)
		return
	}
	r.rejects = append(r.rejects, rj)
}

// stop ends the run with err (the first one is kept) and returns errStop
// for the reader.
func (r *run) stop(err error) error {
	r.mu.Lock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.stopped = true
	r.mu.Unlock()
	return errStop
}

// halted reports whether a worker stopped the run.
func (r *run) halted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}
