package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/cleanup"
	"custodia/internal/consent"
	"custodia/internal/importer"
	"custodia/internal/keys"
	"custodia/internal/store"
	"custodia/internal/vault"
)

// importOffline runs the import on the data directory or database itself.
func importOffline(cmd *cobra.Command, path string, job importer.Job, fl *importCmdFlags) error {
	ctx := cmd.Context()
	// The import has the store to itself: larger commits (see
	// importer.OfflineBatchSize).
	o, err := openOffline(ctx, fl.st, false, func(c *store.Config) { c.WriterCacheMiB = importer.OfflineWriterCacheMiB })
	if errors.Is(err, keys.ErrLocked) {
		return fmt.Errorf("a server is using this data directory: pass --token (and --url) to import through it")
	}
	if err != nil {
		return err
	}
	defer o.close()
	if err := o.db.SeedPurposes(ctx, access.DefaultPurposes(), time.Now().UTC()); err != nil {
		return err
	}
	registered := func(ctx context.Context, name string) (bool, error) {
		ps, err := o.db.ListPurposes(ctx)
		return slices.ContainsFunc(ps, func(p access.Purpose) bool { return p.Name == name }), err
	}
	v := vault.New(o.db, o.keys, vault.Options{DefaultRegion: strings.ToUpper(fl.region)})
	job.PhoneRegion = fl.region
	v.PurposeRegistered = registered
	c, err := v.Collection(ctx, job.Collection)
	if err != nil {
		return fmt.Errorf("collection %q: %w", job.Collection, err)
	}
	if job.Mapping, err = fl.readMapping(); err != nil {
		return err
	}
	if job.Mapping == nil {
		if job.Mapping, err = proposeMapping(cmd, path, c, fl); err != nil {
			return err
		}
	}
	warnNoMatch(cmd, job.Mapping, c)
	fl.setJobID(&job)
	im := importer.New(v, o.db, consent.NewLedger(o.db, o.keys.Derived().Token, registered))
	im.Trail = cleanup.NewTrail(o.db)
	im.BatchSize = importer.OfflineBatchSize

	rejects := &rejectsFile{path: fl.rejectsPath(path)}
	job.OnReject = rejects.write
	bar := newImportBar(cmd.ErrOrStderr(), fl.progress)
	job.Progress = bar.update
	res, runErr := im.Run(audit.WithActor(ctx, "cli:import", job.ID), job, importer.File(path))
	bar.finish()
	if err := rejects.close(res.Counts.Rejected > 0); err != nil && runErr == nil {
		runErr = err
	}
	if rejects.n == 0 && res.Counts.Rejected > 0 && rejects.exists() {
		// A job that completed before: this run read no row, and the
		// rejects file of the run that did stays as it was (QA: it was
		// removed as stale).
		rejects.n = res.Counts.Rejected
	}
	if res.Status == "" && runErr != nil {
		// Refused before the job started: only the error is printed.
		return runErr
	}
	var redacted *importer.RedactStats
	if fl.redact != "" && res.Status == importer.StatusCompleted && !job.DryRun {
		st, err := importer.Redact(context.WithoutCancel(ctx), path, fl.redact, job.Mapping, c, nil)
		if err != nil {
			return fmt.Errorf("the import completed, but the redacted copy failed: %w", err)
		}
		redacted = &st
	}
	if err := printImport(cmd.OutOrStdout(), fl, res, rejects, redacted, runErr); err != nil {
		return err
	}
	return importOutcome(res, runErr, job.ID)
}

// warnNoMatch warns, on stderr, that no mapped field can match a row to a
// person already in the vault (none is indexed or unique): each row then
// becomes a new person, and importing the file twice doubles them (QA).
func warnNoMatch(cmd *cobra.Command, m importer.Mapping, c *vault.Collection) {
	if len(m) > 0 && len(importer.MatchFields(m, c)) == 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: no mapped field of %s is indexed or unique (an e-mail or phone field with indexed: true), so rows are not matched to people already in the vault: each becomes a new person\n", c.Name)
	}
}

// importOutcome turns a run's status into the command's error.
func importOutcome(res importer.Result, runErr error, jobID string) error {
	switch {
	case res.Status == importer.StatusInterrupted:
		return &exitError{code: exitFailed, err: fmt.Errorf("import interrupted: run the same command again (job %s) to import the rest", jobID)}
	case res.Status == importer.StatusFailed && apperr.CodeOf(runErr) == "duplicate_row":
		// --on-duplicate fail did what it says: the job failed (1), its
		// input was not refused (2).
		return &exitError{code: exitFailed, err: runErr}
	case runErr != nil:
		return runErr
	case res.Status == importer.StatusFailed:
		return &exitError{code: exitFailed, err: fmt.Errorf("import %s failed", jobID)}
	}
	return nil
}

// jobError is why a job did not complete, in --json: the code and the
// message of the error (they name rows and fields, never values).
type jobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorMessage is an error's message for a user: an apperr's own message,
// else the error's text.
func errorMessage(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Message
	}
	return err.Error()
}

// printImport prints the result: JSON with --json (with runErr, when the
// job did not complete, as "error"), else a summary.
func printImport(w io.Writer, fl *importCmdFlags, res importer.Result, rejects *rejectsFile, redacted *importer.RedactStats, runErr error) error {
	if fl.jsonOut {
		out := struct {
			importer.Result
			RejectsFile string                `json:"rejects_file,omitempty"`
			Redacted    *importer.RedactStats `json:"redacted,omitempty"`
			RedactedTo  string                `json:"redacted_copy,omitempty"`
			Error       *jobError             `json:"error,omitempty"`
		}{Result: res, Redacted: redacted}
		switch {
		case runErr != nil && res.Status == importer.StatusInterrupted && errors.Is(runErr, context.Canceled):
			// Ctrl-C or SIGTERM: an interruption, not a fault, named as
			// the server names it.
			out.Error = &jobError{Code: "import_interrupted", Message: "the import was stopped; run the same command again to resume it"}
		case runErr != nil && res.Status != importer.StatusCompleted:
			out.Error = &jobError{Code: apperr.CodeOf(runErr), Message: errorMessage(runErr)}
		}
		out.Rejects = nil
		if rejects.n > 0 {
			out.RejectsFile = rejects.path
		}
		if redacted != nil {
			out.RedactedTo = fl.redact
		}
		return printJSON(w, out)
	}
	mode := ""
	if res.DryRun {
		mode = " (dry run: nothing was written to the vault or the data map)"
	}
	if res.AlreadyCompleted {
		fmt.Fprintf(w, "import %s: completed earlier, at %s: nothing was imported now, and the counts below are that run's.\n", res.JobID, res.FinishedAt.Local().Format(time.DateTime))
		fmt.Fprintf(w, "  the same file with the same options is the same job; to import the file again as a new job, pass --job with a new key\n")
	} else {
		fmt.Fprintf(w, "import %s: %s%s\n", res.JobID, res.Status, mode)
	}
	fmt.Fprintf(w, "  rows %d: created %d, updated %d, skipped %d (already in the vault), already imported %d, rejected %d\n",
		res.Rows, res.Created, res.Updated, res.Skipped, res.AlreadyImported, res.Rejected)
	if rejects.n > 0 {
		fmt.Fprintf(w, "  rejected rows, with reasons and masked values: %s\n", rejects.path)
	}
	if res.OtherTableRows > 0 {
		fmt.Fprintf(w, "  left out: %d rows of worksheets none of whose headers the mapping names (another table)\n", res.OtherTableRows)
	}
	if res.ConsentSuperseded > 0 {
		fmt.Fprintf(w, "  consent grants left out: %d people withdrew after the evidence's date\n", res.ConsentSuperseded)
	}
	if res.SystemID != "" {
		fmt.Fprintf(w, "  source in the data map: %s\n", res.SystemID)
	}
	if wh := res.CleanupWithheld; wh != nil && !res.DryRun {
		fmt.Fprintf(w, "  the source is not marked migrated and gets no task to destroy its copy: %s\n", wh.Reason)
	}
	if res.CleanupTaskID != "" {
		fmt.Fprintf(w, "  the source is marked \"migrated, copy to destroy\"; clean-up task %s goes to its holders, else its owner (with neither, it is unassigned: the DPO sees it in GET /v1/cleanup-tasks)\n", res.CleanupTaskID)
	}
	if redacted != nil {
		fmt.Fprintf(w, "  redacted copy (%d cells redacted): %s\n", redacted.Redacted, fl.redact)
	}
	return nil
}

// rejectsFile writes rejected rows to a CSV file made at the first one.
type rejectsFile struct {
	path string
	f    *os.File
	w    *importer.RejectsWriter
	n    int
	err  error
}

func (r *rejectsFile) write(rj importer.Reject) {
	if r.err != nil {
		return
	}
	if r.f == nil {
		if r.f, r.err = os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640); r.err != nil {
			return
		}
		if r.w, r.err = importer.NewRejectsWriter(r.f); r.err != nil {
			return
		}
	}
	r.err = r.w.Write(rj)
	r.n++
}

// close closes the file; when no row was rejected in this run it removes a
// rejects file an earlier run left, unless keep says the job has rejects
// (a job that completed before, whose rows this run did not read again).
func (r *rejectsFile) close(keep bool) error {
	if r.f == nil {
		if r.err != nil {
			return fmt.Errorf("rejects file %s: %w", r.path, r.err)
		}
		if keep {
			return nil
		}
		return r.removeStale()
	}
	err := errors.Join(r.err, r.w.Flush(), r.f.Close())
	if err != nil {
		return fmt.Errorf("rejects file %s: %w", r.path, err)
	}
	return nil
}

// removeStale removes the rejects file an earlier run left at the path,
// after a run with no rejects: left in place it would describe rows this
// run imported. Only a file that starts as a rejects file does is
// removed.
func (r *rejectsFile) removeStale() error {
	f, err := os.Open(r.path)
	if err != nil {
		return nil // none
	}
	head := make([]byte, len(rejectsHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || string(head) != rejectsHeader {
		return nil
	}
	if err := os.Remove(r.path); err != nil {
		return fmt.Errorf("rejects file %s of an earlier run: %w", r.path, err)
	}
	return nil
}

// exists reports whether a rejects file is at the path.
func (r *rejectsFile) exists() bool {
	_, err := os.Stat(r.path)
	return err == nil
}

// rejectsHeader is the first line of a rejects file.
const rejectsHeader = "row,code,reason,values\n"

// importBar draws the import's progress on a terminal: rows, their
// outcomes and the rate.
type importBar struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	start time.Time
}

func newImportBar(w io.Writer, mode string) *importBar {
	if mode == "never" || (mode == "auto" && !isTerminalWriter(w)) {
		return &importBar{}
	}
	// The rate is the bar's own: rows done over the time since the start.
	// The library's rate averages its last updates, and the writer's
	// batches arrive in bursts, so it read far below the true rate (QA).
	return &importBar{start: time.Now(), bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("importing"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// rowsPerSecond is the average rate of done rows since start.
func rowsPerSecond(done int64, elapsed time.Duration) int64 {
	if elapsed < 100*time.Millisecond {
		return 0
	}
	return int64(float64(done) / elapsed.Seconds())
}

func (b *importBar) update(c importer.Counts) {
	if b.bar == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// The count and its rate are the rows done (written, skipped or
	// rejected), not the rows read ahead of the writer.
	done := int64(c.Created + c.Updated + c.Skipped + c.AlreadyImported + c.Rejected)
	b.bar.Describe(fmt.Sprintf("importing, %d rows/s: %d created, %d updated, %d skipped, %d rejected",
		rowsPerSecond(done, time.Since(b.start)), c.Created, c.Updated, c.Skipped, c.Rejected))
	_ = b.bar.Set64(done)
}

func (b *importBar) finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}

// isTerminalWriter reports whether w is a terminal.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}
