package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"custodia/internal/apperr"

	"custodia/internal/scan/source"
	"custodia/internal/vault"
)

// errStop ends the reading of the rows once the run must stop (a
// duplicate under Fail, a failure of the store).
var errStop = errors.New("import stopped")

// Defaults of an Importer's tuning.
const (
	// defaultWriters is how many batches are written at once.
	defaultWriters = 4
	// defaultBatch is how many rows one batch holds at most.
	defaultBatch = 4096
	// chunkRows is how many rows are read, validated and looked up
	// together.
	chunkRows = 512
	// statsEvery is how many new people pass between two refreshes of
	// the planner's statistics (see StatisticsRefresher).
	statsEvery = 50_000
)

// Tuning of an import that has the store to itself (`custodia import`
// on a data directory, no server beside it), where a long commit holds
// up nobody. Measured in docs/PERFORMANCE.md: from a few hundred
// thousand people in the vault on, each commit of random blind-index
// keys rewrites most of those B-trees' pages, so four times the rows per
// commit cost about the same pages; the larger writer cache keeps a
// batch's dirty pages in memory until the commit.
const (
	// OfflineBatchSize is the BatchSize of such an import.
	OfflineBatchSize = 16384
	// OfflineWriterCacheMiB is the store's WriterCacheMiB for it.
	OfflineWriterCacheMiB = 256
)

// run is the state of one Run. Rows flow through a pipeline:
//
//   - the reader (the goroutine calling Run) reads rows and groups them
//     in chunks, each with the plan of its table;
//   - validators check the chunks' rows in parallel (field types, the
//     unmapped-column check);
//   - the decider takes the chunks in file order, looks their identifying
//     values up in the vault a chunk at a time, and decides each row in
//     turn: create, update, skip or reject;
//   - writers write the decided rows in batches: the new people of a batch
//     in one store operation, then the updates, then the batch's consent
//     events.
//
// A row that shares an identifying value with an earlier row still being
// written waits for that write, so duplicates inside the file are decided
// exactly as if the rows were written one by one.
type run struct {
	ctx     context.Context
	im      *Importer
	job     Job
	c       *vault.Collection
	resumed bool // the job ran before: rows it imported are skipped

	plans map[string]*plan // by table header, made by the reader
	seq   int              // rows read

	// The decider's state.
	claims  map[string]*pending // index key, or \x01 and a subject id -> the latest row writing it
	claimed []claim             // the claims in the order made, for sweeping
	cur     *batch              // the batch being filled
	batches chan *batch
	chunks  int // chunks decided, for sweeping the claims
	fresh   int // creates decided since the planner's statistics were refreshed
	wg      sync.WaitGroup

	mu sync.Mutex
	// otherSheets are the worksheets left out as another table.
	otherSheets map[string]bool
	// used is the mapping of every table planned so far (see usedMapping).
	used Mapping
	// progressMu orders progress reports, so that a caller never sees
	// the counts go back.
	progressMu sync.Mutex
	counts     Counts
	rejects    []Reject
	fatal      error // a failure that ends the run (not a row's fault)
	stopped    bool
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
	ctx = withHeaderTest(ctx, job.Mapping)
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
	if err := checkMapping(job.Mapping, c); err != nil {
		return Result{}, err
	}
	if err := im.checkBasis(ctx, job); err != nil {
		return Result{}, err
	}
	r := &run{im: im, job: job, c: c, plans: map[string]*plan{}, claims: map[string]*pending{}}
	// The first row, before anything is stored: a file without data rows,
	// or whose header the mapping does not fit, is refused before the job
	// starts.
	if err := r.first(ctx, rows); err != nil {
		return Result{}, err
	}
	// The job's input is part of its fingerprint: the file of a job whose
	// caller did not digest it (a server's upload) is digested here.
	if job.InputDigest == "" && !job.DryRun {
		if path := filePath(ctx, rows); path != "" {
			if job.InputDigest, err = FileDigest(ctx, path); err != nil {
				return Result{}, fmt.Errorf("import %s: %w", job.ID, err)
			}
			r.job.InputDigest = job.InputDigest
		}
	}
	var systemID string
	if im.Trail != nil {
		src := SourceRef{Source: job.Source, Kind: job.SourceKind, Holder: job.Holder, Categories: r.categories()}
		if systemID, err = im.Trail.ResolveSource(ctx, src, job.DryRun); err != nil {
			return Result{}, fmt.Errorf("import %s: source system: %w", job.ID, err)
		}
	}
	if !job.DryRun {
		stored, created, err := im.begin(ctx, job, systemID, r.usedMapping())
		if err != nil {
			return Result{}, err
		}
		if stored.Status == StatusCompleted {
			res := Result{JobID: job.ID, Status: stored.Status, Counts: stored.Counts, Rejects: []Reject{},
				SystemID: stored.SystemID, CleanupTaskID: stored.CleanupTaskID, Mapping: stored.Mapping,
				AlreadyCompleted: true, FinishedAt: stored.FinishedAt}
			if im.Trail != nil && res.CleanupTaskID == "" {
				res.CleanupWithheld = Withheld(res.Status, res.Counts)
			}
			return res, nil
		}
		r.resumed = !created
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.ctx = wctx
	if err := r.refreshStatistics(); err != nil {
		return Result{}, err
	}
	readErr := r.pipeline(wctx, rows)

	res := Result{JobID: job.ID, DryRun: job.DryRun, Counts: r.counts, Rejects: r.rejects, Mapping: r.usedMapping()}
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

// CheckFirstRows reads rows up to the first data row and refuses, as Run
// does before it stores a job, a file without data rows or whose header
// the mapping does not fit (a dry run's file without data rows is not
// refused). A server calls it before it accepts a job it runs later, so
// that such a file is refused at once rather than by a job that fails.
func (im *Importer) CheckFirstRows(ctx context.Context, job Job, rows Rows) error {
	if err := job.normalize(); err != nil {
		return err
	}
	ctx = withHeaderTest(ctx, job.Mapping)
	c, err := im.vault.Collection(ctx, job.Collection)
	if err != nil {
		return fmt.Errorf("import %s: %w", job.ID, err)
	}
	r := &run{im: im, job: job, c: c, plans: map[string]*plan{}, claims: map[string]*pending{}}
	return r.first(ctx, rows)
}

// errFirst stops the reading of the rows after the first one.
var errFirst = errors.New("first row read")

// first reads the rows up to the first data row and makes its table's
// plan, so that a mapping that does not fit the header (a header it names
// but the table lacks, a header the table has twice) is refused before
// the job starts. A file with no data row is refused too, except in a dry
// run: its header cannot be checked and there is nothing to import.
func (r *run) first(ctx context.Context, rows Rows) error {
	var header []string
	var sheet string
	seen := false
	err := rows(ctx, func(row source.Row) error {
		header, sheet, seen = row.Header, row.Sheet, true
		return errFirst
	})
	if err != nil && !errors.Is(err, errFirst) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, isApp := apperr.As(err); isApp {
			return err
		}
		// The file's fault (not text, not a table, a damaged workbook,
		// over the size limit): the reader's errors never quote content.
		return apperr.Newf(apperr.Invalid, "unreadable_file", "the file could not be read as CSV, TSV or XLSX: %v", err)
	}
	if !seen {
		if r.job.DryRun {
			return nil
		}
		if r.job.Mapping != nil {
			return apperr.Newf(apperr.Invalid, "mapping_header_missing",
				"the file has no data rows under a header line, so the headers the mapping names (%s) cannot be found in it: nothing to import", quotedHeaders(r.job.Mapping))
		}
		return apperr.New(apperr.Invalid, "no_data_rows", "the file has no data rows under a header line: nothing to import")
	}
	_, err = r.planFor(sheet, header)
	if errors.Is(err, errOtherTable) {
		return nil // the sheets after it are checked as they come
	}
	return err
}

// otherTable counts a row of a worksheet left out as another table, and
// says so once per sheet.
func (r *run) otherTable(sheet string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts.OtherTableRows++
	if r.otherSheets == nil {
		r.otherSheets = map[string]bool{}
	}
	if !r.otherSheets[sheet] {
		r.otherSheets[sheet] = true
		slog.Info("import: a worksheet whose headers the mapping does not name is left out", "job", r.job.ID, "sheet", sheet)
	}
}

// quotedHeaders lists a mapping's headers, quoted and sorted.
func quotedHeaders(m Mapping) string {
	hs := slices.Sorted(maps.Keys(m))
	for i, h := range hs {
		hs[i] = strconv.Quote(h)
	}
	return strings.Join(hs, ", ")
}

// checkBasis refuses a job whose legal basis is not the one its purpose
// is registered with (a marketing purpose registered on consent cannot be
// imported under contract, without consent evidence). A store that lists
// no purposes, or a purpose it does not list, is not checked.
func (im *Importer) checkBasis(ctx context.Context, job Job) error {
	pl, ok := im.store.(PurposeLister)
	if !ok {
		return nil
	}
	ps, err := pl.ListPurposes(ctx)
	if err != nil {
		return fmt.Errorf("import %s: purposes: %w", job.ID, err)
	}
	for _, p := range ps {
		if p.Name == job.Purpose && string(p.LegalBasis) != job.LegalBasis {
			return apperr.Newf(apperr.Invalid, "legal_basis_mismatch",
				"purpose %s is registered with the legal basis %s, but the import states %s: import under %s (see GET /v1/purposes)",
				p.Name, p.LegalBasis, job.LegalBasis, p.LegalBasis)
		}
	}
	return nil
}

// categories returns the personal-data categories of the fields the job's
// mapping, or the plan of the first table, writes, sorted.
func (r *run) categories() []string {
	var out []string
	add := func(f *vault.Field) {
		if f != nil && vault.PersonalCategory(f.Category) && !slices.Contains(out, f.Category) {
			out = append(out, f.Category)
		}
	}
	for _, name := range r.job.Mapping {
		if f, ok := r.c.Field(name); ok {
			add(f)
		}
	}
	for _, p := range r.plans {
		for _, f := range p.fields {
			add(f)
		}
	}
	slices.Sort(out)
	return out
}

// pipeline runs the reader, the validators, the decider and the writers
// until every row read is decided and written, and returns the reader's
// error.
func (r *run) pipeline(ctx context.Context, rows Rows) error {
	work := make(chan *chunk, 4)
	order := make(chan *chunk, 8)
	var validators sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		validators.Add(1)
		go func() {
			defer validators.Done()
			r.validate(work)
		}()
	}
	writers := r.im.Writers
	if writers <= 0 {
		writers = defaultWriters
	}
	r.batches = make(chan *batch, writers)
	for range writers {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for b := range r.batches {
				r.writeBatch(ctx, b)
			}
		}()
	}
	decided := make(chan struct{})
	go func() {
		defer close(decided)
		for ch := range order {
			<-ch.ready
			r.decideChunk(ch)
		}
		r.flush()
		close(r.batches)
	}()

	cur := &chunk{ready: make(chan struct{})}
	emit := func() {
		if len(cur.items) == 0 {
			return
		}
		work <- cur
		order <- cur
		cur = &chunk{ready: make(chan struct{})}
	}
	readErr := rows(ctx, func(row source.Row) error {
		if r.halted() {
			return errStop
		}
		p, err := r.planFor(row.Sheet, row.Header)
		if errors.Is(err, errOtherTable) {
			r.otherTable(row.Sheet)
			return nil
		}
		if err != nil {
			return r.stop(err)
		}
		r.seq++
		cur.items = append(cur.items, item{seq: r.seq, ref: row.Ref(), cells: row.Cells, plan: p, unterminated: row.Unterminated})
		if len(cur.items) == chunkRows {
			emit()
		}
		return nil
	})
	emit()
	close(work)
	close(order)
	<-decided
	r.wg.Wait()
	validators.Wait()
	return readErr
}

// refreshStatistics asks a store whose planner needs it for fresh
// statistics.
func (r *run) refreshStatistics() error {
	r.fresh = 0
	if sr, ok := r.im.store.(StatisticsRefresher); ok {
		if err := sr.RefreshStatistics(r.ctx); err != nil {
			return fmt.Errorf("import %s: %w", r.job.ID, err)
		}
	}
	return nil
}

// planFor returns the plan of a table's header, made once per table.
func (r *run) planFor(sheet string, header []string) (*plan, error) {
	key := fmt.Sprint(len(header), header)
	if p, ok := r.plans[key]; ok {
		return p, nil
	}
	m := r.job.Mapping
	if m != nil && sheet != "" && !mapsAny(m, header) {
		return nil, errOtherTable
	}
	if err := CheckHeader(r.im.Scanner, sheet, header); err != nil {
		return nil, err
	}
	if m == nil {
		m = ProposeMapping(header, nil, r.c, r.im.Scanner).Mapping
	} else if err := checkHeaders(m, header); err != nil {
		if sheet != "" && !mapsAny(m, header) {
			return nil, errOtherTable
		}
		return nil, err
	}
	p, err := newPlan(header, m, r.c)
	if err != nil {
		return nil, err
	}
	r.plans[key] = p
	r.noteMapping(m)
	return p, nil
}

// noteMapping adds a table's mapping to the one the job reports as used.
// A header two tables map differently keeps the first table's field.
func (r *run) noteMapping(m Mapping) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.used == nil {
		r.used = Mapping{}
	}
	for h, f := range m {
		if _, ok := r.used[h]; !ok {
			r.used[h] = f
		}
	}
}

// usedMapping returns a copy of the mapping of the tables planned so far.
func (r *run) usedMapping() Mapping {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.used) == 0 {
		return nil
	}
	return maps.Clone(r.used)
}

// errOtherTable marks a worksheet that is another table than the one the
// mapping describes: none of its headers is mapped to a field.
var errOtherTable = errors.New("another table")

// mapsAny reports whether the mapping maps any column of header to a
// field (not "-").
func mapsAny(m Mapping, header []string) bool {
	for j, h := range header {
		if f, ok := m.fieldAt(j, h); ok && f != Ignore {
			return true
		}
	}
	return false
}

// add changes the counts.
func (r *run) add(fn func(*Counts)) {
	r.mu.Lock()
	fn(&r.counts)
	r.mu.Unlock()
}

// progress reports the counts so far.
func (r *run) progress() {
	if r.job.Progress == nil {
		return
	}
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	r.mu.Lock()
	counts := r.counts
	r.mu.Unlock()
	r.job.Progress(counts)
}

// reject records a rejected row with its values masked.
func (r *run) reject(it *item, code, reason string) {
	rj := Reject{Row: it.ref, Code: code, Reason: reason, Values: maskCells(r.im.vault, it.plan, it.cells), seq: it.seq}
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

// halted reports whether the run must stop.
func (r *run) halted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}
