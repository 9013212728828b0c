package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"custodia/internal/apperr"
	"custodia/internal/importer"
	"custodia/internal/vault"
)

// remoteImport is a job as the server shows it.
type remoteImport struct {
	importer.Import
	DryRun           bool `json:"dry_run"`
	AlreadyCompleted bool `json:"already_completed"`
	Error            *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// importRemote uploads the file to a running server (POST /v1/imports),
// follows the job to its end and fetches its rejects.
func importRemote(cmd *cobra.Command, path string, job importer.Job, fl *importCmdFlags) error {
	c, err := newAPIClient(fl.rf)
	if err != nil {
		return err
	}
	mapping, err := fl.readMapping()
	if err != nil {
		return err
	}
	var col vault.Collection
	_, colErr := c.call("GET", "/v1/collections/"+url.PathEscape(job.Collection), nil, &col)
	if mapping == nil {
		if colErr != nil {
			return colErr
		}
		if mapping, err = proposeMapping(cmd, path, &col, fl); err != nil {
			return err
		}
	}
	if colErr == nil { // else the server refuses the job with the reason
		warnNoMatch(cmd, mapping, &col)
	}
	job.Mapping = mapping
	fl.setJobID(&job)
	body := map[string]any{"id": job.ID, "collection": job.Collection, "purpose": job.Purpose, "source": job.Source,
		"source_kind": job.SourceKind, "holder": job.Holder, "legal_basis": job.LegalBasis, "on_duplicate": string(job.OnDuplicate),
		"dry_run": job.DryRun, "mapping": mapping.String()}
	if job.Consent != nil {
		body["consent"] = job.Consent
	}
	var view remoteImport
	if err := c.upload(path, body, &view); err != nil {
		return err
	}
	job.ID = view.ID // the server's, when it chose one (a dry run)
	bar := newImportBar(cmd.ErrOrStderr(), fl.progress)
	for view.Status == importer.StatusRunning {
		bar.update(view.Counts)
		select {
		case <-cmd.Context().Done():
			bar.finish()
			return &exitError{code: exitFailed, err: fmt.Errorf("stopped following job %s; it goes on on the server (GET /v1/imports/%s)", job.ID, job.ID)}
		case <-time.After(500 * time.Millisecond):
		}
		if _, err := c.call("GET", "/v1/imports/"+url.PathEscape(job.ID), nil, &view); err != nil {
			bar.finish()
			var pe *problemError
			if !errors.As(err, &pe) {
				// No answer: the server stopped, or the network failed.
				return &exitError{code: exitRuntime, err: fmt.Errorf("lost the server while following job %s (%w): a job a server stops is interrupted, and the same command resumes it once the server is back", job.ID, err)}
			}
			return err
		}
	}
	bar.finish()
	rejects := &rejectsFile{path: fl.rejectsPath(path)}
	if view.Counts.Rejected > 0 {
		raw, err := c.raw("GET", "/v1/imports/"+url.PathEscape(job.ID)+"/rejects.csv")
		if err != nil {
			return err
		}
		if err := os.WriteFile(rejects.path, raw, 0o640); err != nil {
			return fmt.Errorf("rejects file: %w", err)
		}
		rejects.n = view.Counts.Rejected
	} else if err := rejects.removeStale(); err != nil {
		return err
	}
	res := importer.Result{JobID: view.ID, Status: view.Status, DryRun: view.DryRun, Counts: view.Counts,
		SystemID: view.SystemID, CleanupTaskID: view.CleanupTaskID, Mapping: view.Mapping,
		AlreadyCompleted: view.AlreadyCompleted, FinishedAt: view.FinishedAt}
	if res.SystemID != "" && res.CleanupTaskID == "" && !res.DryRun {
		res.CleanupWithheld = importer.Withheld(res.Status, res.Counts)
	}
	if fl.redact != "" && res.Status == importer.StatusCompleted && !res.DryRun {
		var col vault.Collection
		if _, err := c.call("GET", "/v1/collections/"+url.PathEscape(job.Collection), nil, &col); err != nil {
			return err
		}
		st, err := importer.Redact(cmd.Context(), path, fl.redact, mapping, &col, nil)
		if err != nil {
			return fmt.Errorf("the import completed, but the redacted copy failed: %w", err)
		}
		if err := printImport(cmd.OutOrStdout(), fl, res, rejects, &st, nil); err != nil {
			return err
		}
		return nil
	}
	var runErr error
	if view.Error != nil {
		runErr = apperr.New(apperr.Unprocessable, view.Error.Code, view.Error.Message)
	}
	if err := printImport(cmd.OutOrStdout(), fl, res, rejects, nil, runErr); err != nil {
		return err
	}
	if runErr != nil {
		// The job's own refusal of its input (no data rows, a header the
		// mapping names missing) exits as bad input, as it does offline;
		// a duplicate row with --on-duplicate fail as a failed job; the
		// server's failure as a runtime error.
		code := exitUsage
		switch view.Error.Code {
		case "internal":
			code = exitRuntime
		case "duplicate_row":
			code = exitFailed
		}
		runErr = &exitError{code: code, err: fmt.Errorf("import %s: %s (%s)", job.ID, view.Error.Message, view.Error.Code)}
	}
	return importOutcome(res, runErr, job.ID)
}

// upload posts a job and its file as multipart/form-data, streaming the
// file, and decodes the answer into out.
func (c *apiClient) upload(path string, job any, out any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	jobJSON, err := json.Marshal(job)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			if err := mw.WriteField("job", string(jobJSON)); err != nil {
				return err
			}
			part, err := mw.CreateFormFile("file", filepath.Base(path))
			if err != nil {
				return err
			}
			if _, err := io.Copy(part, f); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", c.base+"/v1/imports", pr)
	if err != nil {
		return usageErr(fmt.Errorf("bad --url: %w", err))
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("POST /v1/imports: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode >= 400 {
		return newProblemError("POST", "/v1/imports", resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}
