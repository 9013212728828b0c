package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
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
	"custodia/internal/scan/source"
	"custodia/internal/store"
	"custodia/internal/vault"
)

// Import API limits.
const (
	// DefaultImportMaxBytes is the default size limit of an uploaded file.
	DefaultImportMaxBytes = 1 << 30
	// defaultImportConcurrency jobs run at once; more wait their turn.
	defaultImportConcurrency = 2
	// importMaxStoredRejects rejects are stored per job; the rest are
	// only counted.
	importMaxStoredRejects = 100_000
	// importInlineRejects rejects come with GET /v1/imports/{id}.
	importInlineRejects = 20
	// importRejectBatch rejects are written to the store at a time.
	importRejectBatch = 500
	// importJobPartBytes bounds the "job" part of an upload.
	importJobPartBytes = 64 << 10
	// importUploadDeadline is how long an upload may take to arrive.
	importUploadDeadline = time.Hour
	// importKeptFinished finished jobs stay in memory (their errors).
	importKeptFinished = 200
)

// importRunner runs the import jobs of this process in the background, at
// most a few at once. Their context is the server's lifetime, not the
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
	live    map[string]*liveImport
	order   []string // finished jobs, oldest first, to forget them
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

// importRequest is a job as posted: in a JSON body with "path", or in the
// "job" part of a multipart upload.
type importRequest struct {
	ID          string                    `json:"id"`
	Collection  string                    `json:"collection"`
	Purpose     string                    `json:"purpose"`
	Source      string                    `json:"source"`
	SourceKind  string                    `json:"source_kind"`
	Holder      string                    `json:"holder"`
	LegalBasis  string                    `json:"legal_basis"`
	Consent     *importer.ConsentEvidence `json:"consent"`
	OnDuplicate string                    `json:"on_duplicate"`
	DryRun      bool                      `json:"dry_run"`
	// Mapping is "Họ tên=name,SĐT=phone" (as custodia import --map takes
	// it) or {"Họ tên": "name", "SĐT": "phone"}; absent, it is proposed
	// from the headers.
	Mapping json.RawMessage `json:"mapping"`
	// Path is a file under a directory the server allows (--import-dir);
	// only in a JSON body.
	Path string `json:"path"`
}

// importLinks are a job's URLs.
type importLinks struct {
	Self    string `json:"self"`
	Rejects string `json:"rejects"`
}

// importProgress is a running job's progress.
type importProgress struct {
	Rows          int       `json:"rows"`
	RowsPerSecond float64   `json:"rows_per_second"`
	StartedAt     time.Time `json:"started_at"`
}

// importView is a job as the API shows it: as stored, with this process's
// live progress while it runs, the error of its last run, and its first
// rejects.
type importView struct {
	importer.Import
	DryRun   bool                 `json:"dry_run,omitempty"`
	Progress *importProgress      `json:"progress,omitempty"`
	Error    *importError         `json:"error,omitempty"`
	Rejects  []store.ImportReject `json:"rejects,omitempty"`
	Links    importLinks          `json:"links"`
}

// importError is why a job's last run did not complete.
type importError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func importLinksOf(id string) importLinks {
	self := "/v1/imports/" + url.PathEscape(id)
	return importLinks{Self: self, Rejects: self + "/rejects.csv"}
}

var (
	errImportPathNotAllowed = apperr.New(apperr.Forbidden, "import_path_not_allowed", "the path is not under a directory this server allows imports from (serve --import-dir)")
	errImportsStopping      = apperr.New(apperr.Unavailable, "shutting_down", "the server is shutting down; post the job again once it is back")
)

// createImport starts an import job: POST /v1/imports.
func (s *Server) createImport(w http.ResponseWriter, r *http.Request) error {
	rn := s.imports
	if rn == nil || rn.im == nil {
		return apperr.New(apperr.Unavailable, "imports_unavailable", "this server does not run imports")
	}
	req, file, upload, err := s.readImportRequest(r)
	if err != nil {
		return err
	}
	if upload {
		// The upload is the job's until it starts; any refusal removes it.
		defer func() {
			if file != "" {
				_ = os.Remove(file)
			}
		}()
	}
	job, err := importJob(req)
	if err != nil {
		return err
	}
	recorder(r).Update(func(e *audit.Entry) { e.RecordID, e.Collection, e.Purpose = job.ID, job.Collection, job.Purpose })
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)

	// A job this process runs, or one already completed.
	if lv := rn.get(job.ID); lv != nil && lv.active() {
		return apperr.New(apperr.Conflict, "import_running", "this job is running; follow it with GET /v1/imports/{id}, or cancel it with DELETE")
	}
	stored, err := s.db.GetImport(ctx, job.ID)
	switch {
	case err == nil && !job.DryRun:
		if stored.Collection != job.Collection || stored.Purpose != job.Purpose || stored.Source != job.Source || stored.LegalBasis != job.LegalBasis {
			return apperr.New(apperr.Conflict, "import_key_reused", "this job id belongs to another import (collection, purpose, source or legal basis differ)")
		}
		if stored.Status == importer.StatusCompleted {
			v, err := s.importView(ctx, job.ID)
			if err != nil {
				return err
			}
			w.Header().Set("Location", v.Links.Self)
			writeJSON(w, http.StatusOK, v)
			return nil
		}
	case err == nil:
		// A dry run's rejects would replace the stored job's.
		return apperr.New(apperr.Conflict, "import_key_reused", "this job id belongs to a stored import; give a dry run an id of its own")
	case !apperr.IsNotFound(err):
		return err
	}

	// The path of a server-side file.
	if !upload {
		if file, err = rn.resolvePath(req.Path); err != nil {
			return err
		}
	}

	// The caller must be allowed to write the fields the file maps to,
	// for this purpose, as POST records would check each write.
	c, err := s.vault.Collection(ctx, job.Collection)
	if err != nil {
		return err
	}
	if p != nil && !p.AllowsCollection(job.Collection) {
		return apperr.New(apperr.Forbidden, "collection_not_allowed", "this token may not use this collection")
	}
	if p != nil && !p.AllowsPurpose(job.Purpose) {
		return apperr.New(apperr.Forbidden, "purpose_not_allowed", "this token may not act for this purpose")
	}
	// The importer's own checks (job fields, consent evidence, collection
	// kind, purpose, source), by a dry run over no rows: it writes nothing.
	check := job
	check.DryRun, check.OnReject, check.Progress = true, nil, nil
	if _, err := rn.im.Run(ctx, check, func(context.Context, func(source.Row) error) error { return nil }); err != nil {
		return err
	}
	fields, err := importFields(ctx, c, job.Mapping, file)
	if err != nil {
		return err
	}
	if s.access != nil && len(fields) > 0 {
		if err := s.access.CheckWrite(ctx, c, job.Purpose, fields); err != nil {
			return err
		}
	}

	// The job runs as the caller: the vault's policy decides each write,
	// and the audit log names the caller and this call's request id.
	requestID := recorder(r).Snapshot().RequestID
	job.RecordedBy = p.Actor()
	spec := importer.Import{ID: job.ID, Collection: job.Collection, Purpose: job.Purpose, Source: job.Source, LegalBasis: job.LegalBasis,
		Consent: job.Consent, OnDuplicate: job.OnDuplicate, Status: importer.StatusRunning, StartedAt: time.Now().UTC()}
	spool := ""
	if upload {
		spool = file
	}
	lv, err := rn.start(p, requestID, job, spec, importer.File(file), spool)
	if err != nil {
		return err
	}
	if upload {
		file = "" // the job removes it
	}
	v := importView{Import: spec, DryRun: job.DryRun, Links: importLinksOf(job.ID)}
	if st, err := s.db.GetImport(ctx, job.ID); err == nil {
		v.Import = st
		v.Status = importer.StatusRunning
	}
	v.Counts = lv.snapshot().counts
	w.Header().Set("Location", v.Links.Self)
	writeJSON(w, http.StatusAccepted, v)
	return nil
}

// readImportRequest reads the job of a POST /v1/imports: a multipart
// upload ("job" and "file" parts; the file spooled) or a JSON body with a
// server-side path.
func (s *Server) readImportRequest(r *http.Request) (req importRequest, file string, upload bool, err error) {
	ct := r.Header.Get("Content-Type")
	mediaType, params, perr := mime.ParseMediaType(ct)
	if perr == nil && mediaType == "multipart/form-data" {
		req, file, err = s.readImportForm(r, params["boundary"])
		return req, file, true, err
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/") {
		return req, "", false, apperr.New(apperr.Invalid, "malformed_multipart", "upload a file as multipart/form-data with a boundary")
	}
	// A JSON job is small, whatever the upload limit.
	r.Body = http.MaxBytesReader(nil, r.Body, s.opts.MaxBodyBytes)
	if err := decodeStrict(r, &req); err != nil {
		return req, "", false, err
	}
	if strings.TrimSpace(req.Path) == "" {
		return req, "", false, apperr.New(apperr.Invalid, "path_required", "name the file in \"path\" (under a directory the server allows), or upload it as multipart/form-data")
	}
	return req, "", false, nil
}

// readImportForm reads an upload: the "job" part (JSON) and the "file"
// part, written to the spool directory with mode 0600 under a random name
// that keeps the upload's extension (the readers go by it).
func (s *Server) readImportForm(r *http.Request, boundary string) (req importRequest, file string, err error) {
	rn := s.imports
	if boundary == "" {
		return req, "", apperr.New(apperr.Invalid, "malformed_multipart", "the multipart/form-data content type has no boundary")
	}
	if rn.spool == "" {
		return req, "", apperr.New(apperr.Unavailable, "imports_unavailable", "this server has no spool directory for uploads")
	}
	defer func() {
		if err != nil && file != "" {
			_ = os.Remove(file)
			file = ""
		}
	}()
	mr := multipart.NewReader(r.Body, boundary)
	var jobJSON []byte
	for {
		part, perr := mr.NextPart()
		if errors.Is(perr, io.EOF) {
			break
		}
		if perr != nil {
			return req, file, multipartError(perr)
		}
		switch part.FormName() {
		case "job":
			if jobJSON != nil {
				return req, file, apperr.New(apperr.Invalid, "malformed_multipart", "the job part appears twice")
			}
			b, rerr := io.ReadAll(io.LimitReader(part, importJobPartBytes+1))
			if rerr != nil {
				return req, file, multipartError(rerr)
			}
			if len(b) > importJobPartBytes {
				return req, file, apperr.Newf(apperr.TooLarge, "job_too_large", "the job part exceeds %d bytes", importJobPartBytes)
			}
			jobJSON = b
		case "file":
			if file != "" {
				return req, file, apperr.New(apperr.Invalid, "malformed_multipart", "send one file part")
			}
			ext := strings.ToLower(filepath.Ext(part.FileName()))
			if !validFileExt.MatchString(ext) {
				ext = ""
			}
			if file, err = rn.spoolPart(part, ext); err != nil {
				return req, file, err
			}
		default:
			return req, file, apperr.New(apperr.Invalid, "unexpected_part", "the form may hold only a job part and a file part")
		}
		part.Close()
	}
	switch {
	case jobJSON == nil:
		return req, file, apperr.New(apperr.Invalid, "missing_job", "the form has no \"job\" part (the job as JSON)")
	case file == "":
		return req, file, apperr.New(apperr.Invalid, "missing_file", "the form has no \"file\" part")
	}
	if err := decodeBytes(jobJSON, &req); err != nil {
		return req, file, err
	}
	if req.Path != "" {
		return req, file, apperr.New(apperr.Invalid, "path_with_upload", "a job with an uploaded file takes no \"path\"")
	}
	return req, file, nil
}

// spoolPart writes an uploaded file to the spool directory (mode 0600).
func (rn *importRunner) spoolPart(part *multipart.Part, ext string) (string, error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	path := filepath.Join(rn.spool, "upload-"+hex.EncodeToString(b)+ext)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", apperr.Wrap(err, "import spool file")
	}
	src := &readErr{r: part}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case src.err != nil:
		_ = os.Remove(path)
		return "", multipartError(src.err)
	case err != nil:
		_ = os.Remove(path)
		return "", apperr.Wrap(err, "import spool file")
	}
	return path, nil
}

// importJob turns a posted job into the importer's, with a generated id
// when none is given.
func importJob(req importRequest) (importer.Job, error) {
	job := importer.Job{ID: strings.TrimSpace(req.ID), Collection: req.Collection, Purpose: req.Purpose, Source: req.Source,
		SourceKind: req.SourceKind, Holder: req.Holder, LegalBasis: req.LegalBasis, Consent: req.Consent,
		OnDuplicate: importer.OnDuplicate(req.OnDuplicate), DryRun: req.DryRun}
	if job.ID == "" {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		job.ID = "imp_" + hex.EncodeToString(b)
	}
	if m := bytes.TrimSpace(req.Mapping); len(m) > 0 && !bytes.Equal(m, []byte("null")) {
		var err error
		if job.Mapping, err = decodeMapping(m); err != nil {
			return job, err
		}
	}
	return job, nil
}

// decodeMapping reads a mapping given as a string ("Họ tên=name,SĐT=phone")
// or an object ({"Họ tên": "name"}); the object is checked by the same
// rules, through its string form.
func decodeMapping(raw []byte) (importer.Mapping, error) {
	var text string
	if raw[0] == '{' {
		var obj map[string]string
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, apperr.New(apperr.Invalid, "invalid_mapping", "mapping must be a string HEADER=FIELD,... or an object of header to field names")
		}
		text = importer.Mapping(obj).String()
	} else if err := json.Unmarshal(raw, &text); err != nil {
		return nil, apperr.New(apperr.Invalid, "invalid_mapping", "mapping must be a string HEADER=FIELD,... or an object of header to field names")
	}
	m, err := importer.ParseMapping(text)
	if err != nil {
		// ParseMapping's messages name pairs by position, never quote them.
		return nil, apperr.New(apperr.Invalid, "invalid_mapping", err.Error())
	}
	return m, nil
}

// errFirstRow stops reading a file after its header.
var errFirstRow = errors.New("first row read")

// importFields returns the fields a job writes: its mapping's, or those
// proposed for the file's first header. Unknown fields are refused here
// rather than failing the job later.
func importFields(ctx context.Context, c *vault.Collection, m importer.Mapping, file string) ([]string, error) {
	if m == nil {
		var header []string
		err := importer.File(file)(ctx, func(row source.Row) error {
			header = row.Header
			return errFirstRow
		})
		if err != nil && !errors.Is(err, errFirstRow) {
			return nil, apperr.New(apperr.Invalid, "unreadable_file", "the file could not be read as CSV, TSV or XLSX")
		}
		if header == nil {
			return nil, nil // an empty file: the job completes with no row
		}
		m = importer.ProposeMapping(header, nil, c, nil).Mapping
	}
	var fields []string
	for _, f := range m {
		if f == importer.Ignore || slices.Contains(fields, f) {
			continue
		}
		if _, ok := c.Field(f); !ok {
			return nil, apperr.Newf(apperr.Invalid, "unknown_field", "the mapping names a field %q the collection does not have", f)
		}
		fields = append(fields, f)
	}
	slices.Sort(fields)
	return fields, nil
}

// resolvePath checks a server-side path: absolute, under an allowed
// directory both as written and with its symlinks resolved, and a regular
// file. It returns the resolved path.
func (rn *importRunner) resolvePath(p string) (string, error) {
	if len(rn.dirs) == 0 {
		return "", apperr.New(apperr.Forbidden, "import_path_not_allowed", "this server allows no server-side import paths (serve --import-dir); upload the file instead")
	}
	if !filepath.IsAbs(p) {
		return "", apperr.New(apperr.Invalid, "invalid_path", "the path must be absolute")
	}
	clean := filepath.Clean(p)
	inside := func(path string) bool {
		for _, d := range rn.dirs {
			if rel, err := filepath.Rel(d, path); err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	// As written (no ".." escape, resolved by Clean), then resolved.
	lexical := clean
	if dir, err := filepath.EvalSymlinks(filepath.Dir(clean)); err == nil {
		lexical = filepath.Join(dir, filepath.Base(clean))
	}
	if !inside(lexical) && !inside(clean) {
		return "", errImportPathNotAllowed
	}
	real, err := filepath.EvalSymlinks(clean)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", apperr.New(apperr.NotFound, "import_file_not_found", "no file at this path")
		}
		return "", apperr.New(apperr.Invalid, "import_file_unreadable", "the file at this path cannot be read")
	}
	if !inside(real) {
		return "", errImportPathNotAllowed
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", apperr.New(apperr.Invalid, "import_file_unreadable", "the file at this path cannot be read")
	}
	if !st.Mode().IsRegular() {
		return "", apperr.New(apperr.Invalid, "import_path_not_file", "the path is not a regular file")
	}
	return real, nil
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
	ctx := auth.WithPrincipal(rn.ctx, p)
	ctx = audit.WithActor(ctx, p.Actor(), requestID)
	ctx, cancel := context.WithCancel(ctx)
	lv := &liveImport{spec: spec, dryRun: job.DryRun, cancel: cancel, status: "queued"}
	rn.live[job.ID] = lv
	rn.order = slices.DeleteFunc(rn.order, func(id string) bool { return id == job.ID })
	rn.wg.Add(1)
	go rn.run(ctx, lv, job, rows, spool)
	return lv, nil
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

// importView returns a job as stored, merged with this process's live
// state, with its first rejects.
func (s *Server) importView(ctx context.Context, id string) (importView, error) {
	v, err := s.importSummary(ctx, id)
	if err != nil {
		return v, err
	}
	if v.Rejects, err = s.db.ImportRejects(ctx, id, importInlineRejects); err != nil {
		return v, err
	}
	return v, nil
}

// importSummary is importView without the rejects.
func (s *Server) importSummary(ctx context.Context, id string) (importView, error) {
	stored, err := s.db.GetImport(ctx, id)
	if err != nil && !apperr.IsNotFound(err) {
		return importView{}, err
	}
	var lv *liveImport
	if s.imports != nil {
		lv = s.imports.get(id)
	}
	if err != nil && lv == nil {
		return importView{}, err
	}
	v := importView{Import: stored, Links: importLinksOf(id)}
	if lv != nil {
		s.imports.merge(&v, lv, err == nil)
	}
	return v, nil
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
			pr := &importProgress{Rows: v.Counts.Rows, StartedAt: st.started.UTC()}
			if el := time.Since(st.started).Seconds(); el > 0 {
				pr.RowsPerSecond = float64(int(float64(pr.Rows)/el*10)) / 10
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

// getImport returns a job: GET /v1/imports/{id}.
func (s *Server) getImport(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = id })
	v, err := s.importView(r.Context(), id)
	if err != nil {
		return err
	}
	recorder(r).Update(func(e *audit.Entry) { e.Collection, e.Purpose = v.Collection, v.Purpose })
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listImports lists jobs, newest first: GET /v1/imports.
func (s *Server) listImports(w http.ResponseWriter, r *http.Request) error {
	limit, err := rangeParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	ims, err := s.db.ListImports(r.Context(), limit, r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	out := make([]importView, len(ims))
	for i, im := range ims {
		out[i] = importView{Import: im, Links: importLinksOf(im.ID)}
		if s.imports != nil {
			if lv := s.imports.get(im.ID); lv != nil {
				s.imports.merge(&out[i], lv, true)
			}
		}
	}
	resp := map[string]any{"imports": out}
	if len(ims) == limit {
		resp["next"] = ims[len(ims)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// importRejectsCSV returns a job's stored rejects as CSV, values masked:
// GET /v1/imports/{id}/rejects.csv.
func (s *Server) importRejectsCSV(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = id })
	v, err := s.importSummary(r.Context(), id)
	if err != nil {
		return err
	}
	recorder(r).Update(func(e *audit.Entry) { e.Collection, e.Purpose = v.Collection, v.Purpose })
	stored, err := s.db.ImportRejects(r.Context(), id, 0)
	if err != nil {
		return err
	}
	rejects := make([]importer.Reject, len(stored))
	for i, sr := range stored {
		rejects[i] = sr.Reject
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="import-rejects.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return importer.WriteRejects(w, rejects)
}

// cancelImport cancels a running job: DELETE /v1/imports/{id}. The job
// stops after the rows being written and is stored as interrupted;
// posting it again resumes it. A job that is not running is left as it
// is and returned (200).
func (s *Server) cancelImport(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = id })
	var lv *liveImport
	if s.imports != nil {
		lv = s.imports.get(id)
	}
	if lv == nil || !lv.active() {
		v, err := s.importSummary(r.Context(), id)
		if err != nil {
			return err
		}
		recorder(r).Update(func(e *audit.Entry) { e.Collection, e.Purpose = v.Collection, v.Purpose })
		writeJSON(w, http.StatusOK, v)
		return nil
	}
	lv.mu.Lock()
	lv.cancelled = true
	lv.mu.Unlock()
	lv.cancel()
	v, err := s.importSummary(r.Context(), id)
	if err != nil {
		return err
	}
	recorder(r).Update(func(e *audit.Entry) { e.Collection, e.Purpose = v.Collection, v.Purpose })
	writeJSON(w, http.StatusAccepted, v)
	return nil
}

// bodyLimit is a route's request body limit: an import's upload may be
// as large as ImportMaxBytes, and may take up to importUploadDeadline to
// arrive (the server's read timeout is meant for ordinary calls).
func (s *Server) bodyLimit(w http.ResponseWriter, rt route) int64 {
	if rt.Method == http.MethodPost && rt.Pattern == "/v1/imports" {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(importUploadDeadline))
		_ = rc.SetWriteDeadline(time.Now().Add(importUploadDeadline + time.Minute))
		return s.opts.ImportMaxBytes
	}
	return s.opts.MaxBodyBytes
}
