package console

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"custodia/internal/dsr"
)

// maxEvidenceFile bounds an evidence file read into memory; the API's body
// limit (1 MiB by default) decides what it accepts.
const maxEvidenceFile = 16 << 20

// requestCloseTask closes a task with evidence, or justifies leaving it
// undone (POST /v1/requests/{id}/tasks/{task}/close). An uploaded file is
// sent as base64, the way the API takes it; the API keeps only its
// SHA-256, which the page then shows.
func (c *Console) requestCloseTask(rc *reqCtx) error {
	return closeRequestTask(rc, "/console/requests/"+seg(rc.r.PathValue("id"))+"#tasks")
}

// myCloseTask closes a task assigned to the signed-in person from their
// dashboard, whatever their role: the API lets the assignee close it.
func (c *Console) myCloseTask(rc *reqCtx) error {
	return closeRequestTask(rc, "/console/#my-request-tasks")
}

// closeRequestTask closes the task of the form's path and returns to back.
func closeRequestTask(rc *reqCtx, back string) error {
	id, task := rc.r.PathValue("id"), rc.r.PathValue("task")
	in := dsr.CloseTaskInput{State: rc.r.PostFormValue("state"), Evidence: rc.r.PostFormValue("evidence")}
	if mf := rc.r.MultipartForm; mf != nil && len(mf.File["attachment"]) > 0 {
		fh := mf.File["attachment"][0]
		if fh.Size > maxEvidenceFile {
			return &APIError{Status: http.StatusRequestEntityTooLarge, Code: "file_too_large", Detail: rc.L.T("The evidence file is too large.")}
		}
		if fh.Size > 0 {
			file, err := fh.Open()
			if err != nil {
				return err
			}
			raw, err := io.ReadAll(io.LimitReader(file, maxEvidenceFile+1))
			_ = file.Close()
			if err != nil {
				return err
			}
			in.Attachment = base64.StdEncoding.EncodeToString(raw)
		}
	}
	var out dsr.Task
	if err := rc.call(http.MethodPost, "/v1/requests/"+seg(id)+"/tasks/"+seg(task)+"/close", in, &out); err != nil {
		return err
	}
	msg := rc.L.T("Task closed.")
	if out.AttachmentHash != "" {
		msg = rc.L.T("Task closed. Evidence file SHA-256: %s", out.AttachmentHash)
	}
	return rc.done(back, msg)
}

// requestPackage streams the access package of an access or portability
// request (GET /v1/requests/{id}/package): a zip the API builds on demand
// and registers as an export. A package holding sensitive data waits for
// a second person's approval: the request page then says so and names
// the export to approve.
func (c *Console) requestPackage(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	return rc.proxyOr("/v1/requests/"+seg(id)+"/package", func(body []byte) error {
		var x struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &x); err != nil {
			return fmt.Errorf("read the package's register entry: %w", err)
		}
		return rc.done("/console/requests/"+seg(id), rc.L.T("The package holds sensitive data and waits for a second person's approval (export %s). Download it again once it is approved.", x.ID))
	})
}
