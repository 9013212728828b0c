package dsr

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

func TestExecuteByType(t *testing.T) {
	rect := &Rectification{Collection: "customers", RecordID: "rec_1", Purpose: "support", Data: map[string]any{"name": "Ann Smith"}}
	tests := []struct {
		name       string
		typ        string
		purposes   []string
		in         ExecuteInput
		extended   bool
		want       []actionCall // RequestID "ID" stands for the request's id
		wantResult string
	}{
		{"access makes a package", TypeAccess, nil, ExecuteInput{}, false, nil, "package available at /v1/requests/ID/package"},
		{"portability makes a package", TypePortability, nil, ExecuteInput{}, false, nil, "package available at /v1/requests/ID/package"},
		{"erasure crypto-shreds", TypeErasure, nil, ExecuteInput{}, false, []actionCall{{Method: "Erase", Subject: "sub_ann"}}, "subject crypto-shredded"},
		{"erasure while extended", TypeErasure, nil, ExecuteInput{}, true, []actionCall{{Method: "Erase", Subject: "sub_ann"}}, "subject crypto-shredded"},
		{"restriction defaults to legal", TypeRestriction, nil, ExecuteInput{}, false, []actionCall{{Method: "Restrict", Subject: "sub_ann", Purposes: []string{"legal"}, RequestID: "ID"}}, "processing restricted to: legal"},
		{"restriction keeps the purposes asked", TypeRestriction, []string{"legal", "billing"}, ExecuteInput{}, false, []actionCall{{Method: "Restrict", Subject: "sub_ann", Purposes: []string{"legal", "billing"}, RequestID: "ID"}}, "processing restricted to: legal, billing"},
		{"objection defaults to marketing", TypeObjection, nil, ExecuteInput{}, false, []actionCall{{Method: "Object", Subject: "sub_ann", Purposes: []string{"marketing"}, RequestID: "ID"}}, "objection recorded for: marketing"},
		{"objection to profiling", TypeObjection, []string{"profiling"}, ExecuteInput{}, false, []actionCall{{Method: "Object", Subject: "sub_ann", Purposes: []string{"profiling"}, RequestID: "ID"}}, "objection recorded for: profiling"},
		{"withdraw all consents", TypeWithdrawConsent, nil, ExecuteInput{}, false, []actionCall{{Method: "WithdrawConsent", Subject: "sub_ann", RequestID: "ID", By: "agent"}}, "consent withdrawn for: analytics, marketing"},
		{"withdraw one consent", TypeWithdrawConsent, []string{"newsletter"}, ExecuteInput{}, false, []actionCall{{Method: "WithdrawConsent", Subject: "sub_ann", Purposes: []string{"newsletter"}, RequestID: "ID", By: "agent"}}, "consent withdrawn for: newsletter"},
		{"rectification", TypeRectification, nil, ExecuteInput{Rectification: rect}, false, []actionCall{{Method: "Rectify", Subject: "sub_ann", Rect: rect}}, "record rec_1 rectified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			r := h.inProgress(t, tc.typ, tc.purposes...)
			state := StateInProgress
			if tc.extended {
				h.move(t, r.ID, StateExtended)
				state = StateExtended
			}
			h.now = t0.Add(2 * day)
			e := &audit.Entry{}
			got, err := h.svc.Execute(context.Background(), r.ID, tc.in, "agent", e)
			if err != nil {
				t.Fatalf("execute: %v", err)
			}
			want := make([]actionCall, len(tc.want))
			for i, c := range tc.want {
				if c.RequestID == "ID" {
					c.RequestID = r.ID
				}
				want[i] = c
			}
			if calls := h.actions.carried(); !reflect.DeepEqual(calls, want) && (len(calls) != 0 || len(want) != 0) {
				t.Fatalf("actions %+v, want %+v", calls, want)
			}
			result := strings.ReplaceAll(tc.wantResult, "ID", r.ID)
			if got.Details.ExecutedAt == nil || !got.Details.ExecutedAt.Equal(t0.Add(2*day)) || got.Details.Result != result || got.State != state {
				t.Fatalf("executed %v result %q state %q, want %q", got.Details.ExecutedAt, got.Details.Result, got.State, result)
			}
			hist := h.store.transitions[r.ID]
			last := hist[len(hist)-1]
			if last.From != state || last.To != state || last.By != "agent" || last.Reason != "executed: "+result || e.RecordID != r.ID {
				t.Fatalf("transition %+v audit %q", last, e.RecordID)
			}
		})
	}
}

func TestExecuteRefusals(t *testing.T) {
	tests := []struct {
		name  string
		typ   string
		moves []string
		prep  func(*testing.T, *harness, string)
		in    ExecuteInput
		kind  apperr.Kind
		code  string
	}{
		{"received", TypeErasure, nil, nil, ExecuteInput{}, apperr.Conflict, "not_in_progress"},
		{"verifying", TypeErasure, []string{StateVerifying}, nil, ExecuteInput{}, apperr.Conflict, "not_in_progress"},
		{"paused", TypeErasure, []string{StateVerifying, StateInProgress, StatePaused}, nil, ExecuteInput{}, apperr.Conflict, "not_in_progress"},
		{"rejected", TypeErasure, []string{StateRejected}, nil, ExecuteInput{}, apperr.Conflict, "not_in_progress"},
		{"completed", TypeAccess, []string{StateVerifying, StateInProgress}, func(t *testing.T, h *harness, id string) {
			execute(t, h, id, ExecuteInput{})
			h.move(t, id, StateCompleted)
		}, ExecuteInput{}, apperr.Conflict, "not_in_progress"},
		{"already executed", TypeErasure, []string{StateVerifying, StateInProgress}, func(t *testing.T, h *harness, id string) {
			execute(t, h, id, ExecuteInput{})
		}, ExecuteInput{}, apperr.Conflict, "already_executed"},
		{"rectification without values", TypeRectification, []string{StateVerifying, StateInProgress}, nil, ExecuteInput{}, apperr.Invalid, "rectification_required"},
		{"extended before the identity was verified", TypeErasure, []string{StateVerifying, StateExtended}, nil, ExecuteInput{}, apperr.Conflict, "identity_unverified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			r := h.create(t, tc.typ)
			h.move(t, r.ID, tc.moves...)
			if tc.prep != nil {
				tc.prep(t, h, r.ID)
			}
			calls, hist := len(h.actions.carried()), len(h.store.transitions[r.ID])
			_, err := h.svc.Execute(context.Background(), r.ID, tc.in, "agent", &audit.Entry{})
			wantCode(t, err, tc.kind, tc.code)
			if len(h.actions.carried()) != calls || len(h.store.transitions[r.ID]) != hist {
				t.Fatalf("a refused execution acted: calls %d -> %d", calls, len(h.actions.carried()))
			}
		})
	}
}

// TestExecuteRefusalSaysWhatToDo: the refusal names the step that is
// missing, per state.
func TestExecuteRefusalSaysWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		moves []string
		want  string
	}{
		{[]string{StateVerifying}, "identity is verified"},
		{[]string{StateVerifying, StateInProgress, StatePaused}, "resume it"},
		{[]string{StateRejected}, "closed"},
	} {
		h := newHarness(false)
		r := h.create(t, TypeErasure)
		h.move(t, r.ID, tc.moves...)
		_, err := h.svc.Execute(context.Background(), r.ID, ExecuteInput{}, "agent", &audit.Entry{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("after %v: %v, want it to say %q", tc.moves, err, tc.want)
		}
	}
}

// TestExtendWhileVerifying: a request may be extended while the
// requester's identity is checked (the clock runs meanwhile); it is
// carried out only once moved to in_progress, which records the
// verification and keeps the extension.
func TestExtendWhileVerifying(t *testing.T) {
	h := newHarness(false)
	r := h.create(t, TypeErasure)
	h.move(t, r.ID, StateVerifying)
	h.now = t0.Add(20 * day)
	got := h.move(t, r.ID, StateExtended)
	if got.State != StateExtended || got.Extensions != 1 || !got.Details.IdentityPending || !got.DueAt.Equal(t0.Add(60*day)) {
		t.Fatalf("extended while verifying: state %s, %d extensions, pending %v, due %v", got.State, got.Extensions, got.Details.IdentityPending, got.DueAt)
	}
	h.now = t0.Add(25 * day)
	got = h.move(t, r.ID, StateInProgress)
	if got.State != StateInProgress || got.Details.IdentityPending || got.Extensions != 1 || !got.DueAt.Equal(t0.Add(60*day)) {
		t.Fatalf("verified: state %s, pending %v, %d extensions, due %v", got.State, got.Details.IdentityPending, got.Extensions, got.DueAt)
	}
	execute(t, h, r.ID, ExecuteInput{})

	// An ordinary extension (identity verified first) is not undone.
	o := h.inProgress(t, TypeErasure)
	h.move(t, o.ID, StateExtended)
	_, err := h.svc.Move(context.Background(), o.ID, MoveInput{To: StateInProgress, Reason: "x"}, "dpo", &audit.Entry{})
	wantCode(t, err, apperr.Conflict, "invalid_transition")
}

func execute(t *testing.T, h *harness, id string, in ExecuteInput) Request {
	t.Helper()
	r, err := h.svc.Execute(context.Background(), id, in, "agent", &audit.Entry{})
	if err != nil {
		t.Fatalf("execute: %v", err)
	}
	return r
}

func TestExecuteRectificationRepeats(t *testing.T) {
	h := newHarness(false)
	r := h.inProgress(t, TypeRectification)
	for i, rec := range []string{"rec_1", "rec_2"} {
		got := execute(t, h, r.ID, ExecuteInput{Rectification: &Rectification{Collection: "customers", RecordID: rec, Data: map[string]any{"name": "Ann"}}})
		if got.Details.Result != "record "+rec+" rectified" || len(h.actions.carried()) != i+1 {
			t.Fatalf("run %d: %q", i, got.Details.Result)
		}
	}
}

func TestExecuteActionFailure(t *testing.T) {
	h := newHarness(false)
	r := h.inProgress(t, TypeErasure)
	boom := errors.New("key store down")
	h.actions.fail = boom
	if _, err := h.svc.Execute(context.Background(), r.ID, ExecuteInput{}, "agent", &audit.Entry{}); !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	if s := h.store.stored(t, r.ID); s.Details.ExecutedAt != nil {
		t.Fatal("a failed execution was marked executed")
	}
	h.actions.fail = nil
	execute(t, h, r.ID, ExecuteInput{}) // can be retried
}

func TestAddTask(t *testing.T) {
	tests := []struct {
		name string
		in   TaskInput
		code string
	}{
		{"ok", TaskInput{System: " crm ", Description: " delete the contact "}, ""},
		{"no system", TaskInput{System: "  "}, "invalid_task"},
		{"system too long", TaskInput{System: strings.Repeat("s", 201)}, "invalid_task"},
		{"description too long", TaskInput{System: "crm", Description: strings.Repeat("d", 2001)}, "invalid_task"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			r := h.inProgress(t, TypeErasure)
			e := &audit.Entry{}
			task, err := h.svc.AddTask(context.Background(), r.ID, tc.in, e)
			if tc.code != "" {
				wantCode(t, err, apperr.Invalid, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if task.System != "crm" || task.Description != "delete the contact" || task.State != TaskOpen || task.RequestID != r.ID || !strings.HasPrefix(task.ID, "tsk_") || e.RecordID != r.ID {
				t.Fatalf("task %+v", task)
			}
		})
	}
	t.Run("closed request", func(t *testing.T) {
		h := newHarness(false)
		r := h.create(t, TypeErasure)
		h.move(t, r.ID, StateRejected)
		_, err := h.svc.AddTask(context.Background(), r.ID, TaskInput{System: "crm"}, &audit.Entry{})
		wantCode(t, err, apperr.Conflict, "request_closed")
	})
}

func TestCloseTask(t *testing.T) {
	const helloSHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	tests := []struct {
		name      string
		in        CloseTaskInput
		closeReq  bool   // reject the request first
		taskID    string // "" means the task added
		kind      apperr.Kind
		code      string
		wantState string
		wantHash  string
	}{
		{"closed with evidence", CloseTaskInput{Evidence: " removed from CRM, ticket 42 "}, false, "", 0, "", TaskClosed, ""},
		{"closed with attachment", CloseTaskInput{State: TaskClosed, Evidence: "screenshot", Attachment: "aGVsbG8="}, false, "", 0, "", TaskClosed, helloSHA256},
		{"one-byte attachment", CloseTaskInput{State: TaskClosed, Evidence: "screenshot", Attachment: "YQ=="}, false, "", 0, "", TaskClosed, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
		{"justified", CloseTaskInput{State: TaskJustified, Evidence: "tax law: keep invoices 10 years"}, false, "", 0, "", TaskJustified, ""},
		{"no evidence", CloseTaskInput{}, false, "", apperr.Invalid, "evidence_required", "", ""},
		{"blank evidence", CloseTaskInput{Evidence: " \n "}, false, "", apperr.Invalid, "evidence_required", "", ""},
		{"evidence too long", CloseTaskInput{Evidence: strings.Repeat("e", 5001)}, false, "", apperr.Invalid, "evidence_too_long", "", ""},
		{"reopen", CloseTaskInput{State: TaskOpen, Evidence: "x"}, false, "", apperr.Invalid, "invalid_task_state", "", ""},
		{"unknown state", CloseTaskInput{State: "done", Evidence: "x"}, false, "", apperr.Invalid, "invalid_task_state", "", ""},
		{"attachment not base64", CloseTaskInput{Evidence: "x", Attachment: "not base64!"}, false, "", apperr.Invalid, "invalid_attachment", "", ""},
		{"attachment url-safe base64", CloseTaskInput{Evidence: "x", Attachment: "-_-_"}, false, "", apperr.Invalid, "invalid_attachment", "", ""},
		{"closed request", CloseTaskInput{Evidence: "x"}, true, "", apperr.Conflict, "request_closed", "", ""},
		{"unknown task", CloseTaskInput{Evidence: "x"}, false, "tsk_missing", apperr.NotFound, "task_not_found", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			ctx := context.Background()
			r := h.inProgress(t, TypeErasure)
			task, err := h.svc.AddTask(ctx, r.ID, TaskInput{System: "crm"}, &audit.Entry{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.closeReq {
				h.move(t, r.ID, StateRejected)
			}
			id := task.ID
			if tc.taskID != "" {
				id = tc.taskID
			}
			h.now = t0.Add(time.Hour)
			e := &audit.Entry{}
			got, err := h.svc.CloseTask(ctx, r.ID, id, tc.in, "dpo", e)
			if tc.code != "" {
				wantCode(t, err, tc.kind, tc.code)
				if ts, _ := h.store.ListTasks(ctx, r.ID); ts[0].State != TaskOpen {
					t.Fatalf("a refused close changed the task: %+v", ts[0])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tc.wantState || got.AttachmentHash != tc.wantHash || got.Evidence != strings.TrimSpace(tc.in.Evidence) ||
				got.ClosedBy != "dpo" || got.ClosedAt == nil || !got.ClosedAt.Equal(t0.Add(time.Hour)) || got.System != "crm" || e.RecordID != r.ID {
				t.Fatalf("task %+v", got)
			}
			// A closed task cannot be closed again.
			_, err = h.svc.CloseTask(ctx, r.ID, id, CloseTaskInput{Evidence: "again"}, "dpo", &audit.Entry{})
			wantCode(t, err, apperr.NotFound, "task_not_found")
		})
	}
}

func TestAlertOverdue(t *testing.T) {
	h := newHarness(false)
	seed := []Request{
		{ID: "req_late", State: StateInProgress, DueAt: t0.Add(-day)},
		{ID: "req_paused_late", State: StatePaused, DueAt: t0.Add(-2 * time.Hour)},
		{ID: "req_soon", State: StateExtended, DueAt: t0.Add(day)},
		{ID: "req_rejected", State: StateRejected, DueAt: t0.Add(-5 * day)},
		{ID: "req_done", State: StateCompleted, DueAt: t0.Add(-5 * day)},
	}
	for _, r := range seed {
		h.store.put(r)
	}
	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"first run raises the overdue open ones", t0, []string{"req_late", "req_paused_late"}},
		{"second run raises nothing again", t0.Add(time.Hour), nil},
		{"a request falling due later is raised then", t0.Add(2 * day), []string{"req_soon"}},
		{"and only once", t0.Add(3 * day), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.now = tc.now
			var got []string
			err := h.svc.AlertOverdue(context.Background(), func(r Request) {
				if !r.Overdue || r.DaysLeft > 0 {
					t.Errorf("raised %s with overdue %v, days left %d", r.ID, r.Overdue, r.DaysLeft)
				}
				got = append(got, r.ID)
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("raised %v, want %v", got, tc.want)
			}
		})
	}
}

// TestExecuteConcurrently: calls racing to carry out one request act once;
// the others are told it is being, or was, carried out.
func TestExecuteConcurrently(t *testing.T) {
	h := newHarness(false)
	r := h.inProgress(t, TypeErasure)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := h.svc.Execute(context.Background(), r.ID, ExecuteInput{}, "agent", &audit.Entry{})
			errs <- err
		}()
	}
	ok := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case apperr.CodeOf(err) == "execution_in_progress", apperr.CodeOf(err) == "already_executed":
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 || len(h.actions.carried()) != 1 {
		t.Fatalf("%d calls succeeded and %d actions ran, want 1 and 1", ok, len(h.actions.carried()))
	}
}
