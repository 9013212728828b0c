package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/importer"
	"custodia/internal/scan/source"
	"custodia/internal/store"
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

// importLinks are a job's URLs.
type importLinks struct {
	Self    string `json:"self"`
	Rejects string `json:"rejects"`
}

// importProgress is a running job's progress.
type importProgress struct {
	// Rows are the rows read and decided; Done those whose outcome is
	// final (created or updated, which are written, skipped, rejected or
	// imported before), which trails Rows by the batches in flight.
	Rows          int       `json:"rows"`
	Done          int       `json:"done"`
	RowsPerSecond float64   `json:"rows_per_second"` // of Done
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
	// AlreadyCompleted answers a POST whose id names a job completed
	// before: nothing was imported now.
	AlreadyCompleted bool `json:"already_completed,omitempty"`
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
	// The path of a server-side file.
	if !upload {
		if file, err = rn.resolvePath(req.Path); err != nil {
			return err
		}
	}
	stored, err := s.db.GetImport(ctx, job.ID)
	switch {
	case err == nil && !job.DryRun:
		// The same id names the same import only for the same input,
		// mapping and evidence: another file under a completed job's id
		// must not get that job's result back.
		if job.InputDigest, err = importer.FileDigest(ctx, file); err != nil {
			return err
		}
		if err := job.CheckReuse(stored); err != nil {
			return err
		}
		if stored.Status == importer.StatusCompleted {
			v, err := s.importView(ctx, job.ID)
			if err != nil {
				return err
			}
			v.AlreadyCompleted = true
			w.Header().Set("Location", v.Links.Self)
			writeJSON(w, http.StatusOK, v)
			return nil
		}
	case err == nil:
		// A dry run's rejects would replace the stored job's.
		return apperr.New(apperr.Conflict, "import_key_reused", "this job id belongs to a stored import; give a dry run a new \"id\" of its own, or omit it")
	case !apperr.IsNotFound(err):
		return err
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
	// A job on the consent basis records a grant for every person it
	// imports: only a caller who may record consent may run one.
	if p != nil && job.Consent != nil && !p.Can(auth.PermConsentsWrite) {
		return apperr.New(apperr.Forbidden, "consents_write_required",
			"an import on the consent basis records consent grants: the caller's role needs consents:write")
	}
	// The importer's own checks (job fields, consent evidence, collection
	// kind, purpose, source), by a dry run over no rows: it writes nothing.
	check := job
	check.DryRun, check.OnReject, check.Progress = true, nil, nil
	if _, err := rn.im.Run(ctx, check, func(context.Context, func(source.Row) error) error { return nil }); err != nil {
		return err
	}
	// A file without data rows, or whose header the mapping does not
	// fit, is refused now, not by a job that fails after the 202.
	if err := rn.im.CheckFirstRows(ctx, job, importer.File(file)); err != nil {
		return err
	}
	fields, mapping, err := importFields(ctx, c, job.Mapping, file, rn.im.Scanner)
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
	onDuplicate := job.OnDuplicate
	if onDuplicate == "" {
		onDuplicate = importer.Skip // the importer's default, shown as such
	}
	started := time.Now().UTC()
	spec := importer.Import{ID: job.ID, Collection: job.Collection, Purpose: job.Purpose, Source: job.Source, LegalBasis: job.LegalBasis,
		Consent: job.Consent, OnDuplicate: onDuplicate, Status: importer.StatusRunning, StartedAt: started, UpdatedAt: started, Mapping: mapping}
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

// errFirstRow stops reading a file after its header.
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
	} else {
		s.orphaned(ctx, &v)
	}
	return v, nil
}

// orphaned shows as interrupted a job stored as running that no process
// runs (this one has no live state for it, and its lock is free): the
// process that ran it stopped without storing its state, a crash. Posting
// the job again resumes it.
func (s *Server) orphaned(ctx context.Context, v *importView) {
	if v.Status != importer.StatusRunning {
		return
	}
	release, ok, err := s.db.TryLock(ctx, importLockKey(v.ID))
	if err != nil || !ok {
		return // running elsewhere, or unknown: as stored
	}
	release()
	v.Status = importer.StatusInterrupted
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
				continue
			}
		}
		s.orphaned(r.Context(), &out[i])
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
