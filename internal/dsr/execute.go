package dsr

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/freetext"
)

// Rectification is the body of executing a rectification: new values for
// one record of the subject, applied through the normal write path.
type Rectification struct {
	Collection string         `json:"collection"`
	RecordID   string         `json:"record"`
	Purpose    string         `json:"purpose"`
	Data       map[string]any `json:"data"`
}

// ExecuteInput is the body of POST /v1/requests/{id}/execute.
type ExecuteInput struct {
	Rectification *Rectification `json:"rectification,omitempty"`
}

// Execute carries a request out: erasure crypto-shreds the subject;
// restriction and objection set the subject's flags, which the access
// engine honours; withdraw_consent writes the ledger; rectification writes
// through the normal path; access and portability are then downloadable as
// a package. The request must be in progress (or extended).
func (s *Service) Execute(ctx context.Context, id string, in ExecuteInput, by string, e *audit.Entry) (Request, error) {
	if _, busy := s.executing.LoadOrStore(id, struct{}{}); busy {
		return Request{}, apperr.New(apperr.Conflict, "execution_in_progress", "this request is being carried out by another call")
	}
	defer s.executing.Delete(id)
	r, err := s.store.GetRequest(ctx, id)
	if err != nil {
		return Request{}, err
	}
	if r.State != StateInProgress && r.State != StateExtended {
		return Request{}, apperr.New(apperr.Conflict, "not_in_progress", notInProgress(r.State))
	}
	if r.Details.IdentityPending {
		return Request{}, apperr.New(apperr.Conflict, "identity_unverified", "the request was extended before the requester's identity was verified: move it to in_progress once the identity is verified, then carry it out")
	}
	if r.Details.ExecutedAt != nil && r.Type != TypeRectification {
		return Request{}, apperr.New(apperr.Conflict, "already_executed", "this request was already carried out")
	}
	var result string
	switch r.Type {
	case TypeAccess, TypePortability:
		result = "package available at /v1/requests/" + r.ID + "/package"
	case TypeErasure:
		// A held subject opens no task to delete its copies elsewhere.
		if err := s.actions.CheckErase(ctx, r.SubjectID); err != nil {
			return Request{}, err
		}
		// The tasks first, while the subject's collections are known; a
		// retried execution finds them and opens none twice.
		opened, err := s.openErasureTasks(ctx, r, e)
		if err != nil {
			return Request{}, err
		}
		result = "subject crypto-shredded"
		if err := s.actions.Erase(ctx, r.SubjectID); err != nil {
			// Erased meanwhile by another request or a DELETE of the
			// subject: done, not stuck (QA: only "rejected" was left).
			var done AlreadyErased
			if !errors.As(err, &done) {
				return Request{}, err
			}
			result = "subject already crypto-shredded at " + done.At.Format(time.RFC3339) + " by another erasure"
		}
		if opened > 0 {
			result += fmt.Sprintf("; %d task(s) opened for systems outside the vault that may hold copies", opened)
		}
	case TypeRestriction:
		ps := r.Details.Purposes
		if len(ps) == 0 {
			ps = []string{"legal"} // storage and legal claims only (GDPR Art. 18(2))
		}
		if err := s.actions.Restrict(ctx, r.SubjectID, ps, r.ID); err != nil {
			return Request{}, err
		}
		result = "processing restricted to: " + strings.Join(ps, ", ")
	case TypeObjection:
		ps := r.Details.Purposes
		if len(ps) == 0 {
			ps = []string{"marketing"} // GDPR Art. 21(2)-(3): direct marketing stops
		}
		if err := s.actions.Object(ctx, r.SubjectID, ps, r.ID); err != nil {
			return Request{}, err
		}
		result = "objection recorded for: " + strings.Join(ps, ", ")
	case TypeWithdrawConsent:
		ps, err := s.actions.WithdrawConsent(ctx, r.SubjectID, r.Details.Purposes, r.ID, by)
		if err != nil {
			return Request{}, err
		}
		if len(ps) == 0 {
			result = "no active consent to withdraw"
		} else {
			result = "consent withdrawn for: " + strings.Join(ps, ", ")
		}
	case TypeRectification:
		if in.Rectification == nil {
			return Request{}, bad("rectification_required", `executing a rectification needs {"rectification":{"collection":…,"record":…,"purpose":…,"data":{…}}}`)
		}
		if err := s.actions.Rectify(ctx, r.SubjectID, *in.Rectification); err != nil {
			return Request{}, err
		}
		result = "record " + in.Rectification.RecordID + " rectified"
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	e.RecordID = id
	out, err := s.store.MoveRequest(ctx, id, Transition{From: r.State, To: r.State, At: now, By: by, Reason: "executed: " + result}, func(r *Request) error {
		// Another replica may have carried it out meanwhile: record it once.
		if r.Details.ExecutedAt != nil && r.Type != TypeRectification {
			return apperr.New(apperr.Conflict, "already_executed", "this request was already carried out")
		}
		r.Details.ExecutedAt, r.Details.Result = &now, result
		return nil
	}, e)
	if err != nil {
		return Request{}, err
	}
	return s.withClock(out), nil
}

// openErasureTasks opens a task for each system outside the vault that may
// hold copies of the subject's data (Actions.OutsideSystems), unless the
// request has a task for it already, and returns how many it opened.
// Each is assigned to the system's owner when that is an e-mail address.
func (s *Service) openErasureTasks(ctx context.Context, r Request, e *audit.Entry) (int, error) {
	systems, err := s.actions.OutsideSystems(ctx, r.SubjectID)
	if err != nil {
		return 0, err
	}
	if len(systems) == 0 {
		return 0, nil
	}
	have, err := s.store.ListTasks(ctx, r.ID)
	if err != nil {
		return 0, err
	}
	opened := 0
	for _, h := range systems {
		name := truncateRunes(h.Name, 200)
		if slices.ContainsFunc(have, func(t Task) bool { return t.System == name }) {
			continue
		}
		desc := "Erase this person's data from " + h.Name + " (" + h.Kind + ", data map " + h.ID + "), which holds " + strings.Join(h.Categories, ", ")
		if len(h.Holders) > 0 {
			desc += "; copies held by " + strings.Join(h.Holders, ", ")
		}
		desc += ". Close this task with evidence of the deletion, or justify keeping the data."
		owner := auth.NormalizeEmail(h.Owner)
		if len(owner) > 254 || !strings.Contains(owner, "@") {
			owner = ""
		}
		t := Task{ID: auth.NewID("tsk_"), RequestID: r.ID, System: name, Description: truncateRunes(desc, 2000), Assignee: owner, State: TaskOpen,
			CreatedAt: s.Now().UTC().Truncate(time.Microsecond)}
		te := &audit.Entry{Actor: e.Actor, Action: "request.task.add", RequestID: e.RequestID, RecordID: r.ID, Detail: "opened by the erasure for system " + h.ID}
		if err := s.store.AddTask(ctx, t, te); err != nil {
			return opened, err
		}
		have = append(have, t)
		opened++
	}
	return opened, nil
}

// truncateRunes cuts s to at most n bytes without splitting a character.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// TaskInput is the body of POST /v1/requests/{id}/tasks.
type TaskInput struct {
	System      string `json:"system"`
	Description string `json:"description"`
	Assignee    string `json:"assignee"` // optional: the e-mail address of the person doing it
}

// AddTask opens a task for a system outside the vault.
func (s *Service) AddTask(ctx context.Context, id string, in TaskInput, e *audit.Entry) (Task, error) {
	r, err := s.store.GetRequest(ctx, id)
	if err != nil {
		return Task{}, err
	}
	if !Open(r.State) {
		return Task{}, apperr.New(apperr.Conflict, "request_closed", "the request is closed")
	}
	in.System, in.Description = strings.TrimSpace(in.System), strings.TrimSpace(in.Description)
	if in.System == "" || utf8.RuneCountInString(in.System) > 200 || utf8.RuneCountInString(in.Description) > 2000 {
		return Task{}, bad("invalid_task", "a task names its system (1 to 200 characters) and may describe the work")
	}
	if err := freetext.Check("description", in.Description); err != nil {
		return Task{}, err
	}
	in.Assignee = auth.NormalizeEmail(in.Assignee)
	if len(in.Assignee) > 254 || in.Assignee != "" && !strings.Contains(in.Assignee, "@") {
		return Task{}, bad("invalid_assignee", "assignee must be an e-mail address")
	}
	t := Task{ID: auth.NewID("tsk_"), RequestID: id, System: in.System, Description: in.Description, Assignee: in.Assignee, State: TaskOpen,
		CreatedAt: s.Now().UTC().Truncate(time.Microsecond)}
	e.RecordID = id
	if err := s.store.AddTask(ctx, t, e); err != nil {
		return Task{}, err
	}
	return t, nil
}

// CloseTaskInput is the body of POST /v1/requests/{id}/tasks/{task}/close.
type CloseTaskInput struct {
	State    string `json:"state"` // closed or justified
	Evidence string `json:"evidence"`
	// Attachment is evidence as base64; only its SHA-256 is kept.
	Attachment string `json:"attachment"`
}

// CloseTask closes a task with evidence, or justifies leaving it undone.
func (s *Service) CloseTask(ctx context.Context, id, taskID string, in CloseTaskInput, by string, e *audit.Entry) (Task, error) {
	if in.State == "" {
		in.State = TaskClosed
	}
	if in.State != TaskClosed && in.State != TaskJustified {
		return Task{}, bad("invalid_task_state", `state must be "closed" or "justified"`)
	}
	in.Evidence = strings.TrimSpace(in.Evidence)
	if in.Evidence == "" {
		return Task{}, bad("evidence_required", "closing a task needs evidence text (what was done, or why not)")
	}
	if utf8.RuneCountInString(in.Evidence) > 5000 {
		return Task{}, bad("evidence_too_long", "the evidence may be at most 5000 characters")
	}
	if err := freetext.Check("evidence", in.Evidence); err != nil {
		return Task{}, err
	}
	r, err := s.store.GetRequest(ctx, id)
	if err != nil {
		return Task{}, err
	}
	if !Open(r.State) {
		return Task{}, apperr.New(apperr.Conflict, "request_closed", "the request is closed")
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	t := Task{ID: taskID, RequestID: id, State: in.State, Evidence: in.Evidence, ClosedAt: &now, ClosedBy: by}
	if in.Attachment != "" {
		raw, err := base64.StdEncoding.DecodeString(in.Attachment)
		if err != nil {
			return Task{}, bad("invalid_attachment", "attachment must be base64")
		}
		sum := sha256.Sum256(raw)
		t.AttachmentHash = hex.EncodeToString(sum[:])
	}
	e.RecordID = id
	if err := s.store.CloseTask(ctx, t, e); err != nil {
		return Task{}, err
	}
	ts, err := s.store.ListTasks(ctx, id)
	if err != nil {
		return Task{}, err
	}
	for _, x := range ts {
		if x.ID == taskID {
			return x, nil
		}
	}
	return t, nil
}

// AlertOverdue claims open requests that passed their due date and have
// not been alerted, and calls raise for each, once.
func (s *Service) AlertOverdue(ctx context.Context, raise func(Request)) error {
	rs, err := s.store.ClaimOverdue(ctx, s.Now().UTC())
	if err != nil {
		return err
	}
	for _, r := range rs {
		raise(s.withClock(r))
	}
	return nil
}

// AlertUnacknowledged calls raise once for each request whose receipt was
// not acknowledged (it is still received) by its acknowledgement deadline.
func (s *Service) AlertUnacknowledged(ctx context.Context, raise func(Request)) error {
	rs, err := s.store.ClaimUnacknowledged(ctx, s.Now().UTC())
	if err != nil {
		return err
	}
	for _, r := range rs {
		raise(s.withClock(r))
	}
	return nil
}

// notInProgress says why a request in state cannot be carried out yet, and
// what to do.
func notInProgress(state string) string {
	switch state {
	case StateReceived, StateVerifying:
		return "a request is carried out once the requester's identity is verified: move it to in_progress first (it is " + state + ")"
	case StatePaused:
		return "the request is paused: resume it (move it to in_progress), then carry it out"
	default:
		return "the request is closed (" + state + "); it can no longer be carried out"
	}
}
