package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/importer"
	"custodia/internal/keys"
	"custodia/internal/store"
)

// importRunner runs the import jobs of this process in the background, at
// most a few at once and one at a time per collection. Their context is the server's lifetime, not the
// request's: StopImports cancels them (the importer then stores them as
// interrupted) and waits for them to store their final state.
type importRunner struct {
	im       *importer.Importer
	db       *store.DB
	ctx      context.Context
	cancel   context.CancelFunc
	sem      chan struct{}
	wg       sync.WaitGroup
	dirs     []string // allowed server-side directories, symlinks resolved
	spool    string   // where uploads wait for their job ("" refuses uploads)
	maxBytes int64
	// releaseSpool unlocks and removes the spool directory.
	releaseSpool func()

	mu      sync.Mutex
	stopped bool
	// turns holds one token per collection: the jobs that write into a
	// collection run one after the other, so each matches the rows the
	// one before it wrote (two at once would each miss the other's, and
	// create the same people twice). Dry runs write nothing and skip it.
	turns map[string]chan struct{}
	live  map[string]*liveImport
	order []string // finished jobs, oldest first, to forget them
}

// liveImport is a job run by this process: its spec, its progress while
// it runs and, once it ended, its outcome and error.
type liveImport struct {
	spec    importer.Import // what the job imports (no state)
	dryRun  bool
	cancel  context.CancelFunc
	started time.Time // when it started running (zero while queued)

	mu        sync.Mutex
	status    string // queued, running, or the run's outcome
	counts    importer.Counts
	err       *apperr.Error
	result    *importer.Result
	cancelled bool
}

// newImportRunner prepares the runner: it resolves the allowed
// directories and opens the spool directory (see openSpool).
func newImportRunner(im *importer.Importer, db *store.DB, opts Options) (*importRunner, error) {
	ctx, cancel := context.WithCancel(context.Background())
	n := opts.ImportConcurrency
	if n <= 0 {
		n = defaultImportConcurrency
	}
	rn := &importRunner{im: im, db: db, ctx: ctx, cancel: cancel, sem: make(chan struct{}, n),
		maxBytes: opts.ImportMaxBytes, live: map[string]*liveImport{}}
	for _, d := range opts.ImportDirs {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("import dir %s: %w", d, err)
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("import dir %s: %w", d, err)
		}
		rn.dirs = append(rn.dirs, real)
	}
	if opts.ImportSpoolDir != "" && im != nil {
		dir, release, err := openSpool(opts.ImportSpoolDir)
		if err != nil {
			cancel()
			return nil, err
		}
		rn.spool, rn.releaseSpool = dir, release
	}
	return rn, nil
}

// openSpool prepares this process's spool directory: a fresh directory
// (mode 0700) under root, held by an exclusive lock while the process
// runs. The directories of processes that are gone (their lock is free:
// they crashed or were killed mid-upload) are removed with what they
// hold, since plaintext personal data must not stay on disk; those of
// servers still running beside this one are left alone.
func openSpool(root string) (dir string, release func(), err error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", nil, fmt.Errorf("import spool %s: %w", root, err)
	}
	if err := os.Chmod(root, 0o700); err != nil {
		return "", nil, fmt.Errorf("import spool %s: %w", root, err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", nil, fmt.Errorf("import spool %s: %w", root, err)
	}
	removed := 0
	for _, e := range entries {
		path := filepath.Join(root, e.Name())
		if e.IsDir() {
			unlock, err := keys.Lock(filepath.Join(path, "spool"), true)
			if err != nil {
				continue // a running server's, or unreadable
			}
			unlock()
		}
		if err := os.RemoveAll(path); err != nil {
			return "", nil, fmt.Errorf("import spool %s: %w", root, err)
		}
		removed++
	}
	if removed > 0 {
		slog.Warn("removed uploads left in the import spool by a stopped server", "dir", root, "entries", removed)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	dir = filepath.Join(root, fmt.Sprintf("%d-%s", os.Getpid(), hex.EncodeToString(b)))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("import spool %s: %w", root, err)
	}
	unlock, err := keys.Lock(filepath.Join(dir, "spool"), true)
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("import spool %s: %w", root, err)
	}
	return dir, func() { unlock(); _ = os.RemoveAll(dir) }, nil
}

// StopImports cancels the running import jobs and waits, up to ctx, for
// them to store their state (interrupted: posting the job again resumes
// it). New jobs are refused from then on. It may be called more than once.
func (s *Server) StopImports(ctx context.Context) {
	rn := s.imports
	if rn == nil {
		return
	}
	rn.mu.Lock()
	rn.stopped = true
	rn.mu.Unlock()
	rn.cancel()
	done := make(chan struct{})
	go func() { rn.wg.Wait(); close(done) }()
	select {
	case <-done:
		rn.mu.Lock()
		if rn.releaseSpool != nil {
			rn.releaseSpool()
			rn.releaseSpool = nil
		}
		rn.mu.Unlock()
	case <-ctx.Done():
		slog.Warn("import jobs still storing their state at shutdown")
	}
}

// get returns the live state of a job of this process, or nil.
func (rn *importRunner) get(id string) *liveImport {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return rn.live[id]
}

// active reports whether the job is queued or running.
func (lv *liveImport) active() bool {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return lv.status == "queued" || lv.status == importer.StatusRunning
}

// liveState is a copy of a live job's state.
type liveState struct {
	status    string
	counts    importer.Counts
	err       *apperr.Error
	started   time.Time
	result    *importer.Result
	cancelled bool
}

func (lv *liveImport) snapshot() liveState {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return liveState{status: lv.status, counts: lv.counts, err: lv.err, started: lv.started, result: lv.result, cancelled: lv.cancelled}
}

// start registers a job and runs it in the background once a slot is
// free, as the caller p. The job's context derives from the runner's (the
// server's lifetime), not from the request's, which ends with the
// response; it carries the principal (the vault's policy decides each
// write as for POST records) and, for the audit log, the caller as actor
// with the request id of the call that started it. It carries no
// recorder: the call's entry is written when its response leaves.
func (rn *importRunner) start(p *auth.Principal, requestID string, job importer.Job, spec importer.Import, rows importer.Rows, spool string) (*liveImport, error) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.stopped {
		return nil, errImportsStopping
	}
	if lv := rn.live[job.ID]; lv != nil && lv.active() {
		return nil, apperr.New(apperr.Conflict, "import_running", "this job is running; follow it with GET /v1/imports/{id}, or cancel it with DELETE")
	}
	// Another replica may be running it: a lock per job, which a crashed
	// process's session gives up, so posting the job again resumes it.
	release, ok, err := rn.db.TryLock(rn.ctx, importLockKey(job.ID))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.Conflict, "import_running", "this job is running on another server; follow it with GET /v1/imports/{id}")
	}
	ctx := auth.WithPrincipal(rn.ctx, p)
	ctx = audit.WithActor(ctx, p.Actor(), requestID)
	ctx, cancel := context.WithCancel(ctx)
	lv := &liveImport{spec: spec, dryRun: job.DryRun, cancel: cancel, status: "queued"}
	rn.live[job.ID] = lv
	rn.order = slices.DeleteFunc(rn.order, func(id string) bool { return id == job.ID })
	rn.wg.Add(1)
	go func() {
		defer release()
		rn.run(ctx, lv, job, rows, spool)
	}()
	return lv, nil
}

// importLockKey is the PostgreSQL advisory lock of one import job: the
// job id's FNV-1a hash, in a range apart from the fixed job locks'.
func importLockKey(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("custodia/import/" + id))
	return int64(h.Sum64() | 1<<62)
}

// run waits for a slot, runs the job, stores its rejects as they come,
// and removes its upload when it ends, whatever the outcome.
func (rn *importRunner) run(ctx context.Context, lv *liveImport, job importer.Job, rows importer.Rows, spool string) {
	defer rn.wg.Done()
	defer rn.finished(job.ID)
	defer lv.cancel()
	// The upload goes before the job is seen to end: a client that sees
	// it ended knows the plaintext is off the disk.
	removeSpool := func() {
		if spool == "" {
			return
		}
		if err := os.Remove(spool); err != nil && !errors.Is(err, fs.ErrNotExist) {
			slog.Error("import: could not remove the spooled upload", "job", job.ID, "err", err)
		}
	}

	if !job.DryRun {
		turn := rn.turn(job.Collection)
		select {
		case turn <- struct{}{}:
			defer func() { <-turn }()
		case <-ctx.Done():
			removeSpool()
			lv.end(nil, importer.StatusInterrupted, importer.Counts{}, ctx.Err())
			return
		}
	}
	select {
	case rn.sem <- struct{}{}:
		defer func() { <-rn.sem }()
	case <-ctx.Done():
		removeSpool()
		lv.end(nil, importer.StatusInterrupted, importer.Counts{}, ctx.Err())
		return
	}
	now := time.Now()
	lv.mu.Lock()
	lv.status, lv.started = importer.StatusRunning, now
	lv.mu.Unlock()

	sctx := context.WithoutCancel(ctx)
	if err := rn.db.DeleteImportRejects(sctx, job.ID); err != nil {
		removeSpool()
		lv.end(nil, importer.StatusFailed, importer.Counts{}, err)
		return
	}
	rw := &rejectWriter{db: rn.db, ctx: sctx, job: job.ID, batches: make(chan []store.ImportReject, 4), done: make(chan struct{})}
	go rw.loop()
	job.OnReject = rw.add
	job.Progress = func(c importer.Counts) {
		lv.mu.Lock()
		lv.counts = c
		lv.mu.Unlock()
	}
	res, err := rn.im.Run(ctx, job, rows)
	rw.close()
	removeSpool()
	status := res.Status
	if status == "" {
		status = importer.StatusFailed
		if ctx.Err() != nil {
			status = importer.StatusInterrupted
		}
	}
	lv.end(&res, status, res.Counts, err)
	if err != nil && status != importer.StatusInterrupted {
		slog.Warn("import job did not complete", "job", job.ID, "status", status, "code", apperr.CodeOf(err))
	}
}

// turn returns the token of a collection's jobs (see importRunner.turns).
func (rn *importRunner) turn(collection string) chan struct{} {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.turns == nil {
		rn.turns = map[string]chan struct{}{}
	}
	t := rn.turns[collection]
	if t == nil {
		t = make(chan struct{}, 1)
		rn.turns[collection] = t
	}
	return t
}

// end records a run's outcome.
func (lv *liveImport) end(res *importer.Result, status string, counts importer.Counts, err error) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	lv.status, lv.counts, lv.result = status, counts, res
	if err == nil {
		lv.err = nil
		return
	}
	switch e, ok := apperr.As(err); {
	case errors.Is(err, context.Canceled) && lv.cancelled:
		lv.err = apperr.New(apperr.Unavailable, "import_cancelled", "the job was cancelled; post it again to resume it")
	case errors.Is(err, context.Canceled):
		lv.err = apperr.New(apperr.Unavailable, "import_interrupted", "the server stopped the job; post it again to resume it")
	case ok:
		lv.err = e
	default:
		// Not an apperr: a failure of the store or the disk, whose
		// message names jobs, rows and fields, not values.
		slog.Error("import job failed", "job", lv.spec.ID, "err", err)
		lv.err = apperr.New(apperr.Internal, "internal", "the job failed; see the server log, then post it again to resume it")
	}
}

// finished moves a job to the finished list, forgetting the oldest.
func (rn *importRunner) finished(id string) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.order = append(rn.order, id)
	for len(rn.order) > importKeptFinished {
		old := rn.order[0]
		rn.order = rn.order[1:]
		if lv := rn.live[old]; lv != nil && !lv.active() {
			delete(rn.live, old)
		}
	}
}

// rejectWriter stores a job's rejects in batches, off the importer's
// goroutine, up to importMaxStoredRejects.
type rejectWriter struct {
	db      *store.DB
	ctx     context.Context
	job     string
	seq     int
	buf     []store.ImportReject
	batches chan []store.ImportReject
	done    chan struct{}
	failed  bool
}

// add is the job's OnReject (called from one goroutine at a time).
func (w *rejectWriter) add(r importer.Reject) {
	w.seq++
	if w.seq > importMaxStoredRejects {
		return // counted by the importer, not stored
	}
	w.buf = append(w.buf, store.ImportReject{Seq: w.seq, Reject: r})
	if len(w.buf) >= importRejectBatch {
		w.batches <- w.buf
		w.buf = nil
	}
}

func (w *rejectWriter) loop() {
	defer close(w.done)
	for b := range w.batches {
		if w.failed {
			continue
		}
		if err := w.db.AddImportRejects(w.ctx, w.job, b); err != nil {
			w.failed = true
			slog.Error("import: could not store rejects", "job", w.job, "err", err)
		}
	}
}

// close stores what is left and waits for the writes.
func (w *rejectWriter) close() {
	if len(w.buf) > 0 {
		w.batches <- w.buf
		w.buf = nil
	}
	close(w.batches)
	<-w.done
}

// merge lays a live job's state over its stored one.
func (rn *importRunner) merge(v *importView, lv *liveImport, stored bool) {
	st := lv.snapshot()
	if !stored {
		v.Import = lv.spec
		v.Status = st.status
		v.Counts = st.counts
	}
	v.DryRun = lv.dryRun
	switch {
	case st.status == "queued" || st.status == importer.StatusRunning:
		v.Status = st.status
		if st.counts.Rows >= v.Counts.Rows {
			v.Counts = st.counts
		}
		if st.status == importer.StatusRunning {
			c := v.Counts
			pr := &importProgress{Rows: c.Rows, Done: c.Created + c.Updated + c.Skipped + c.AlreadyImported + c.Rejected, StartedAt: st.started.UTC()}
			if el := time.Since(st.started).Seconds(); el > 0 {
				pr.RowsPerSecond = float64(int(float64(pr.Done)/el*10)) / 10
			}
			v.Progress = pr
		}
	case lv.dryRun && st.result != nil:
		v.Status, v.Counts = st.status, st.counts
	}
	if st.err != nil && st.status != importer.StatusCompleted && (!stored || v.Status != importer.StatusCompleted) {
		v.Error = &importError{Code: st.err.Code, Message: st.err.Message}
	}
}
