package dsr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

func ptr[T any](v T) *T { return &v }

func TestCreateValidation(t *testing.T) {
	subj := map[string]string{"subject": "sub_ann"}
	tests := []struct {
		name string
		in   CreateInput
		kind apperr.Kind
		code string
	}{
		{"empty type", CreateInput{SubjectLookup: subj}, apperr.Invalid, "invalid_request_type"},
		{"unknown type", CreateInput{Type: "delete", SubjectLookup: subj}, apperr.Invalid, "invalid_request_type"},
		{"type is case-sensitive", CreateInput{Type: "Erasure", SubjectLookup: subj}, apperr.Invalid, "invalid_request_type"},
		{"unknown jurisdiction from the clock", CreateInput{Type: TypeAccess, Jurisdiction: " zz ", SubjectLookup: subj}, apperr.Invalid, "unknown_jurisdiction"},
		{"no lookup", CreateInput{Type: TypeAccess}, apperr.Invalid, "invalid_subject_lookup"},
		{"empty lookup map", CreateInput{Type: TypeAccess, SubjectLookup: map[string]string{}}, apperr.Invalid, "invalid_subject_lookup"},
		{"two lookups", CreateInput{Type: TypeAccess, SubjectLookup: map[string]string{"subject": "sub_ann", "email": "ann@example.org"}}, apperr.Invalid, "invalid_subject_lookup"},
		{"unknown lookup kind", CreateInput{Type: TypeAccess, SubjectLookup: map[string]string{"name": "Ann"}}, apperr.Invalid, "invalid_subject_lookup"},
		{"blank lookup value", CreateInput{Type: TypeAccess, SubjectLookup: map[string]string{"email": "   "}}, apperr.Invalid, "invalid_subject_lookup"},
		{"lookup value too long", CreateInput{Type: TypeAccess, SubjectLookup: map[string]string{"email": strings.Repeat("a", 321)}}, apperr.Invalid, "invalid_subject_lookup"},
		{"lookup error of kind invalid passes through", CreateInput{Type: TypeAccess, SubjectLookup: map[string]string{"national_id": "invalid"}}, apperr.Invalid, "invalid_national_id"},
		{"received in the future", CreateInput{Type: TypeAccess, SubjectLookup: subj, ReceivedAt: ptr(t0.Add(6 * time.Minute))}, apperr.Invalid, "invalid_received_at"},
		{"received before 2000", CreateInput{Type: TypeAccess, SubjectLookup: subj, ReceivedAt: ptr(time.Date(1999, 12, 31, 23, 0, 0, 0, time.UTC))}, apperr.Invalid, "invalid_received_at"},
		{"channel too long", CreateInput{Type: TypeAccess, SubjectLookup: subj, Channel: strings.Repeat("c", 51)}, apperr.Invalid, "too_long"},
		{"note too long", CreateInput{Type: TypeAccess, SubjectLookup: subj, Note: strings.Repeat("n", 2001)}, apperr.Invalid, "too_long"},
		{"too many purposes", CreateInput{Type: TypeObjection, SubjectLookup: subj, Purposes: make([]string, 51)}, apperr.Invalid, "too_long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			_, err := h.svc.Create(context.Background(), tc.in, "dpo", &audit.Entry{})
			wantCode(t, err, tc.kind, tc.code)
			if n := len(h.store.requests); n != 0 {
				t.Fatalf("a refused request was stored (%d)", n)
			}
		})
	}
}

func TestCreateMatched(t *testing.T) {
	tests := []struct {
		name        string
		in          CreateInput
		wantType    string
		wantJur     string
		wantKind    string
		wantChannel string
		received    time.Time
	}{
		{"by subject id", CreateInput{Type: TypeAccess, Jurisdiction: "fr", SubjectLookup: map[string]string{"subject": "sub_ann"}}, TypeAccess, "FR", "subject", "api", t0},
		{"by e-mail, trimmed and upper-cased", CreateInput{Type: " erasure ", Jurisdiction: " gb ", SubjectLookup: map[string]string{"email": "  Ann@Example.org "}, Channel: " email "}, TypeErasure, "GB", "email", "email", t0},
		{"by phone", CreateInput{Type: TypeRestriction, Jurisdiction: "De", SubjectLookup: map[string]string{"phone": "+442071234567"}}, TypeRestriction, "DE", "phone", "api", t0},
		{"received earlier", CreateInput{Type: TypeAccess, Jurisdiction: "FR", SubjectLookup: map[string]string{"subject": "sub_ann"}, ReceivedAt: ptr(t0.Add(-72 * time.Hour).In(time.FixedZone("X", 3600)))}, TypeAccess, "FR", "subject", "api", t0.Add(-72 * time.Hour)},
		{"received slightly ahead of the server clock", CreateInput{Type: TypeAccess, Jurisdiction: "FR", SubjectLookup: map[string]string{"subject": "sub_ann"}, ReceivedAt: ptr(t0.Add(4 * time.Minute))}, TypeAccess, "FR", "subject", "api", t0.Add(4 * time.Minute)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			e := &audit.Entry{}
			r, err := h.svc.Create(context.Background(), tc.in, "dpo", e)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if r.Type != tc.wantType || r.Jurisdiction != tc.wantJur || r.LookupKind != tc.wantKind || r.Channel != tc.wantChannel {
				t.Fatalf("type %q jurisdiction %q kind %q channel %q, want %q %q %q %q", r.Type, r.Jurisdiction, r.LookupKind, r.Channel, tc.wantType, tc.wantJur, tc.wantKind, tc.wantChannel)
			}
			if r.SubjectID != "sub_ann" || r.State != StateReceived || r.LookupHash != nil || r.ClosedAt != nil || r.Outcome != "" {
				t.Fatalf("subject %q state %q hash %x closed %v outcome %q", r.SubjectID, r.State, r.LookupHash, r.ClosedAt, r.Outcome)
			}
			if !r.ReceivedAt.Equal(tc.received) || r.ReceivedAt.Location() != time.UTC {
				t.Fatalf("received %v, want %v in UTC", r.ReceivedAt, tc.received)
			}
			if got := h.clock.calls[0]; got != (clockCall{tc.wantJur, tc.wantType, tc.received, 0}) {
				t.Fatalf("clock called with %+v", got)
			}
			if !r.DueAt.Equal(tc.received.Add(30*day)) || !r.AcknowledgeBy.Equal(tc.received.Add(10*day)) || !r.ExtendNoticeBy.Equal(tc.received.Add(30*day)) {
				t.Fatalf("deadlines due %v ack %v notice %v", r.DueAt, r.AcknowledgeBy, r.ExtendNoticeBy)
			}
			if r.MaxExtensions != 1 || r.Extensions != 0 || r.RuleSource != "test rule "+tc.wantJur+"/"+tc.wantType {
				t.Fatalf("max %d ext %d source %q", r.MaxExtensions, r.Extensions, r.RuleSource)
			}
			if want := h.clock.DaysLeft(r.DueAt, t0); r.DaysLeft != want || r.Overdue {
				t.Fatalf("days left %d overdue %v, want %d false", r.DaysLeft, r.Overdue, want)
			}
			if e.RecordID != r.ID || !strings.HasPrefix(r.ID, "req_") {
				t.Fatalf("audit record %q, request %q", e.RecordID, r.ID)
			}
			hist := h.store.transitions[r.ID]
			want := []Transition{{Seq: 1, From: "", To: StateReceived, At: t0, By: "dpo", Reason: "filed through " + tc.wantChannel}}
			if !slices.Equal(hist, want) {
				t.Fatalf("history %+v, want %+v", hist, want)
			}
		})
	}
}

func TestCreateIDsAreUnique(t *testing.T) {
	h := newHarness(false)
	seen := map[string]bool{}
	for i := range 50 {
		r := h.create(t, Types[i%len(Types)])
		if seen[r.ID] {
			t.Fatalf("duplicate id %s", r.ID)
		}
		seen[r.ID] = true
	}
}

// TestCreateUnmatched: a lookup that matches no subject, or several, is
// recorded then rejected by the system with the reason; only a keyed hash
// of the lookup is kept, never the value.
func TestCreateUnmatched(t *testing.T) {
	tests := []struct {
		name, kind, value, normalised string
		reason                        string
	}{
		{"unknown e-mail", "email", " Nobody@Example.ORG ", "nobody@example.org", "no subject matches the lookup"},
		{"unknown phone", "phone", "+33612345678", "+33612345678", "no subject matches the lookup"},
		{"unknown national id", "national_id", "1850775123456", "1850775123456", "no subject matches the lookup"},
		{"unknown subject id", "subject", "sub_Ghost", "sub_ghost", "no subject matches the lookup"},
		{"ambiguous e-mail", "email", "twins@example.org", "twins@example.org", "the lookup matches several subjects; file the request by subject id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			e := &audit.Entry{}
			r, err := h.svc.Create(context.Background(), CreateInput{Type: TypeErasure, Jurisdiction: "fr", SubjectLookup: map[string]string{tc.kind: tc.value}, Note: "by post"}, "dpo", e)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			stored := h.store.stored(t, r.ID)
			for _, got := range []Request{r, stored} {
				if got.State != StateRejected || got.Outcome != tc.reason || got.SubjectID != "" || got.LookupKind != tc.kind {
					t.Fatalf("state %q outcome %q subject %q kind %q", got.State, got.Outcome, got.SubjectID, got.LookupKind)
				}
				if got.ClosedAt == nil || !got.ClosedAt.Equal(t0) || got.Overdue {
					t.Fatalf("closed %v overdue %v", got.ClosedAt, got.Overdue)
				}
				want := fakeKey{}.MAC([]byte("request-lookup"), []byte(tc.kind), []byte(tc.normalised))
				if !bytes.Equal(got.LookupHash, want) {
					t.Fatalf("lookup hash %x, want the keyed hash %x", got.LookupHash, want)
				}
			}
			hist := h.store.transitions[r.ID]
			want := []Transition{
				{Seq: 1, From: "", To: StateReceived, At: t0, By: "dpo", Reason: "filed through api"},
				{Seq: 2, From: StateReceived, To: StateRejected, At: t0, By: "system", Reason: tc.reason},
			}
			if !slices.Equal(hist, want) {
				t.Fatalf("history %+v, want %+v", hist, want)
			}
			// The lookup value is nowhere: not in the request (JSON or Go
			// form, including the hash bytes), its history, or the audit entry.
			value := strings.ToLower(strings.TrimSpace(tc.value))
			js, _ := json.Marshal(stored)
			haystacks := map[string]string{
				"returned request": fmt.Sprintf("%#v", r),
				"stored request":   fmt.Sprintf("%#v %s", stored, stored.LookupHash),
				"request JSON":     string(js),
				"history":          fmt.Sprintf("%#v", hist),
				"audit entry":      fmt.Sprintf("%#v", *e),
			}
			for where, s := range haystacks {
				if strings.Contains(strings.ToLower(s), value) {
					t.Errorf("the lookup value appears in the %s: %s", where, s)
				}
			}
			if strings.Contains(string(js), "lookup_hash") || bytes.Contains(js, stored.LookupHash) {
				t.Errorf("the lookup hash is serialised: %s", js)
			}
		})
	}
}

// TestCreateLookupHashFindsDuplicates: the same lookup, however written,
// hashes the same; another value does not.
func TestCreateLookupHashFindsDuplicates(t *testing.T) {
	h := newHarness(false)
	hash := func(v string) []byte {
		r, err := h.svc.Create(context.Background(), CreateInput{Type: TypeAccess, SubjectLookup: map[string]string{"email": v}}, "dpo", &audit.Entry{})
		if err != nil {
			t.Fatal(err)
		}
		return r.LookupHash
	}
	a, b, c := hash("ghost@example.org"), hash("  GHOST@example.org"), hash("ghost2@example.org")
	if !bytes.Equal(a, b) || bytes.Equal(a, c) || len(a) == 0 {
		t.Fatalf("hashes %x %x %x", a, b, c)
	}
}

func TestMoveRefusals(t *testing.T) {
	tests := []struct {
		name   string
		from   []string // moves from received before the refused one
		in     MoveInput
		kind   apperr.Kind
		code   string
		onlyIf func(*harness)
	}{
		{"no reason", nil, MoveInput{To: StateVerifying}, apperr.Invalid, "reason_required", nil},
		{"blank reason", nil, MoveInput{To: StateVerifying, Reason: " \t\n "}, apperr.Invalid, "reason_required", nil},
		{"reason too long", nil, MoveInput{To: StateVerifying, Reason: strings.Repeat("r", 2001)}, apperr.Invalid, "reason_required", nil},
		{"skip verification", nil, MoveInput{To: StateInProgress, Reason: "x"}, apperr.Conflict, "invalid_transition", nil},
		{"complete unverified", []string{StateVerifying}, MoveInput{To: StateCompleted, Reason: "x"}, apperr.Conflict, "invalid_transition", nil},
		{"unknown state", nil, MoveInput{To: "archived", Reason: "x"}, apperr.Invalid, "invalid_state", nil},
		{"reopen rejected", []string{StateRejected}, MoveInput{To: StateVerifying, Reason: "x"}, apperr.Conflict, "invalid_transition", nil},
		{"extend paused", []string{StateVerifying, StateInProgress, StatePaused}, MoveInput{To: StateExtended, Reason: "x"}, apperr.Conflict, "invalid_transition", nil},
		{"complete unexecuted", []string{StateVerifying, StateInProgress}, MoveInput{To: StateCompleted, Reason: "done"}, apperr.Conflict, "not_executed", nil},
		{"second extension", []string{StateVerifying, StateInProgress, StateExtended}, MoveInput{To: StateExtended, Reason: "more time"}, apperr.Conflict, "extension_not_allowed", nil},
		{"extension after the notice deadline", []string{StateVerifying, StateInProgress}, MoveInput{To: StateExtended, Reason: "late"}, apperr.Conflict, "extension_too_late",
			func(h *harness) { h.now = t0.Add(30*day + time.Microsecond) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			r := h.create(t, TypeErasure)
			h.move(t, r.ID, tc.from...)
			if tc.onlyIf != nil {
				tc.onlyIf(h)
			}
			before := h.store.stored(t, r.ID)
			histBefore := len(h.store.transitions[r.ID])
			_, err := h.svc.Move(context.Background(), r.ID, tc.in, "dpo", &audit.Entry{})
			wantCode(t, err, tc.kind, tc.code)
			after := h.store.stored(t, r.ID)
			if after.State != before.State || !after.DueAt.Equal(before.DueAt) || after.Extensions != before.Extensions || len(h.store.transitions[r.ID]) != histBefore {
				t.Fatalf("a refused move changed the request: %+v -> %+v", before, after)
			}
		})
	}
}

func TestMoveUnknownRequest(t *testing.T) {
	h := newHarness(false)
	_, err := h.svc.Move(context.Background(), "req_missing", MoveInput{To: StateVerifying, Reason: "x"}, "dpo", &audit.Entry{})
	wantCode(t, err, apperr.NotFound, "request_not_found")
}

func TestMoveRecordsTransition(t *testing.T) {
	h := newHarness(false)
	r := h.create(t, TypeAccess)
	h.now = t0.Add(time.Hour + 1500*time.Nanosecond) // truncated to the microsecond
	e := &audit.Entry{}
	got, err := h.svc.Move(context.Background(), r.ID, MoveInput{To: StateVerifying, Reason: "  passport checked  "}, "agent_7", e)
	if err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Hour + time.Microsecond)
	if got.State != StateVerifying || !got.UpdatedAt.Equal(at) || e.RecordID != r.ID {
		t.Fatalf("state %q updated %v audit %q", got.State, got.UpdatedAt, e.RecordID)
	}
	last := h.store.transitions[r.ID][1]
	if want := (Transition{Seq: 2, From: StateReceived, To: StateVerifying, At: at, By: "agent_7", Reason: "passport checked"}); last != want {
		t.Fatalf("transition %+v, want %+v", last, want)
	}
}

func TestMoveExtension(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
	}{
		{"well before the notice deadline", t0.Add(3 * day)},
		{"at the notice deadline", t0.Add(30 * day)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			r := h.inProgress(t, TypeErasure)
			h.now = tc.now
			got := h.move(t, r.ID, StateExtended)
			if got.Extensions != 1 || !got.DueAt.Equal(t0.Add(60*day)) || got.State != StateExtended {
				t.Fatalf("extensions %d due %v state %q, want 1 %v extended", got.Extensions, got.DueAt, got.State, t0.Add(60*day))
			}
			if last := h.clock.calls[len(h.clock.calls)-1]; last != (clockCall{"FR", TypeErasure, t0, 1}) {
				t.Fatalf("clock called with %+v, want start at receipt with 1 extension", last)
			}
			stored := h.store.stored(t, r.ID)
			if stored.Extensions != 1 || !stored.DueAt.Equal(t0.Add(60*day)) || !stored.ExtendNoticeBy.Equal(t0.Add(30*day)) {
				t.Fatalf("stored %+v", stored)
			}
			// Pausing and resuming does not give another extension.
			h.move(t, r.ID, StatePaused, StateInProgress)
			_, err := h.svc.Move(context.Background(), r.ID, MoveInput{To: StateExtended, Reason: "again"}, "dpo", &audit.Entry{})
			wantCode(t, err, apperr.Conflict, "extension_not_allowed")
		})
	}
}

func TestMoveStartOnVerify(t *testing.T) {
	verifiedAt := t0.Add(5*day + 2*time.Hour)
	tests := []struct {
		name          string
		startOnVerify bool
		wantStart     time.Time
		wantClock     bool
	}{
		{"clock runs from receipt", false, t0, false},
		{"clock restarts at verification", true, verifiedAt, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(tc.startOnVerify)
			r := h.create(t, TypeAccess)
			if !r.DueAt.Equal(t0.Add(30 * day)) {
				t.Fatalf("due at filing %v", r.DueAt)
			}
			h.move(t, r.ID, StateVerifying)
			h.now = verifiedAt
			got := h.move(t, r.ID, StateInProgress)
			// The answer's deadlines run from the clock's start; the
			// acknowledgement of receipt always from receipt.
			if !got.DueAt.Equal(tc.wantStart.Add(30*day)) || !got.ExtendNoticeBy.Equal(tc.wantStart.Add(30*day)) || !got.AcknowledgeBy.Equal(t0.Add(10*day)) {
				t.Fatalf("due %v notice %v ack %v, want from %v (ack from %v)", got.DueAt, got.ExtendNoticeBy, got.AcknowledgeBy, tc.wantStart, t0)
			}
			if (got.Details.ClockStart != nil) != tc.wantClock || (tc.wantClock && !got.Details.ClockStart.Equal(verifiedAt)) {
				t.Fatalf("clock start %v", got.Details.ClockStart)
			}
			// A pause and resume does not restart the clock again.
			h.now = verifiedAt.Add(2 * day)
			h.move(t, r.ID, StatePaused, StateInProgress)
			// The extension runs from the clock's start.
			got = h.move(t, r.ID, StateExtended)
			if !got.DueAt.Equal(tc.wantStart.Add(60 * day)) {
				t.Fatalf("extended due %v, want %v", got.DueAt, tc.wantStart.Add(60*day))
			}
		})
	}
}

func TestMoveComplete(t *testing.T) {
	tests := []struct {
		name     string
		tasks    []CloseTaskInput // nil entries' tasks are left open
		wantCode string
	}{
		{"no tasks", nil, ""},
		{"one closed, one justified", []CloseTaskInput{{Evidence: "deleted from CRM"}, {State: TaskJustified, Evidence: "tax law: keep 10 years"}}, ""},
		{"one left open", []CloseTaskInput{{Evidence: "deleted from CRM"}, {}}, "tasks_open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			ctx := context.Background()
			r := h.inProgress(t, TypeErasure)
			for i, in := range tc.tasks {
				task, err := h.svc.AddTask(ctx, r.ID, TaskInput{System: fmt.Sprintf("crm-%d", i)}, &audit.Entry{})
				if err != nil {
					t.Fatal(err)
				}
				if in.Evidence != "" {
					if _, err := h.svc.CloseTask(ctx, r.ID, task.ID, in, "dpo", &audit.Entry{}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if _, err := h.svc.Execute(ctx, r.ID, ExecuteInput{}, "dpo", &audit.Entry{}); err != nil {
				t.Fatal(err)
			}
			h.now = t0.Add(day)
			got, err := h.svc.Move(ctx, r.ID, MoveInput{To: StateCompleted, Reason: "erased and confirmed"}, "dpo", &audit.Entry{})
			if tc.wantCode != "" {
				wantCode(t, err, apperr.Conflict, tc.wantCode)
				if s := h.store.stored(t, r.ID).State; s != StateInProgress {
					t.Fatalf("state %q after a refused completion", s)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.State != StateCompleted || got.Outcome != "erased and confirmed" || got.ClosedAt == nil || !got.ClosedAt.Equal(t0.Add(day)) || got.Overdue {
				t.Fatalf("completed %+v", got)
			}
		})
	}
}

// TestMoveExecutedNotRejected: a request carried out can be completed,
// never rejected.
func TestMoveExecutedNotRejected(t *testing.T) {
	h := newHarness(false)
	ctx := context.Background()
	r := h.inProgress(t, TypeErasure)
	if _, err := h.svc.Execute(ctx, r.ID, ExecuteInput{}, "dpo", &audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.Move(ctx, r.ID, MoveInput{To: StateRejected, Reason: "identity could not be verified"}, "dpo", &audit.Entry{})
	wantCode(t, err, apperr.Conflict, "already_executed")
	if s := h.store.stored(t, r.ID).State; s != StateInProgress {
		t.Fatalf("state %q after a refused rejection", s)
	}
	if _, err := h.svc.Move(ctx, r.ID, MoveInput{To: StateCompleted, Reason: "erased"}, "dpo", &audit.Entry{}); err != nil {
		t.Fatalf("complete after execution: %v", err)
	}
}

func TestGetAndList(t *testing.T) {
	h := newHarness(false)
	ctx := context.Background()
	a := h.inProgress(t, TypeAccess)
	if _, err := h.svc.AddTask(ctx, a.ID, TaskInput{System: "crm"}, &audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	v, err := h.svc.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.History) != 3 || len(v.Tasks) != 1 || v.ID != a.ID {
		t.Fatalf("view %+v", v)
	}
	h.now = t0.Add(31 * day)
	tests := []struct {
		name      string
		f         Filter
		overdue   bool
		wantLimit int
		wantDue   time.Time
		wantOpen  bool
	}{
		{"default limit", Filter{}, false, 1000, time.Time{}, false},
		{"limit kept", Filter{Limit: 5}, false, 5, time.Time{}, false},
		{"limit capped", Filter{Limit: 5000}, false, 1000, time.Time{}, false},
		{"overdue", Filter{}, true, 1000, t0.Add(31 * day), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := h.svc.List(ctx, tc.f, tc.overdue)
			if err != nil {
				t.Fatal(err)
			}
			f := h.store.filters[len(h.store.filters)-1]
			if f.Limit != tc.wantLimit || !f.DueBefore.Equal(tc.wantDue) || f.OpenOnly != tc.wantOpen {
				t.Fatalf("filter %+v", f)
			}
			if len(rs) != 1 || !rs[0].Overdue || rs[0].DaysLeft != -1 {
				t.Fatalf("listed %+v", rs)
			}
		})
	}
}

// TestAcknowledgementDeadline: a request left in received past its
// acknowledgement deadline is listed as overdue and alerted once; moving it
// on acknowledges it (acknowledged_at) and clears that.
func TestAcknowledgementDeadline(t *testing.T) {
	h := newHarness(false)
	ctx := context.Background()
	r := h.create(t, TypeAccess)
	if r.AcknowledgeBy == nil || !r.AcknowledgeBy.Equal(t0.Add(10*day)) {
		t.Fatalf("acknowledge_by %v", r.AcknowledgeBy)
	}
	h.now = t0.Add(11 * day)
	rs, err := h.svc.List(ctx, Filter{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != r.ID || !rs[0].AcknowledgementOverdue || rs[0].Overdue {
		t.Fatalf("overdue list past the acknowledgement deadline: %+v", rs)
	}
	var raised []string
	for range 2 {
		if err := h.svc.AlertUnacknowledged(ctx, func(x Request) { raised = append(raised, x.ID) }); err != nil {
			t.Fatal(err)
		}
	}
	if len(raised) != 1 || raised[0] != r.ID {
		t.Fatalf("alerts %v, want one for %s", raised, r.ID)
	}
	got := h.move(t, r.ID, StateVerifying)
	if got.Details.AcknowledgedAt == nil || !got.Details.AcknowledgedAt.Equal(h.now) || got.AcknowledgementOverdue {
		t.Fatalf("after moving on: acknowledged %v, overdue %v", got.Details.AcknowledgedAt, got.AcknowledgementOverdue)
	}
	if rs, _ := h.svc.List(ctx, Filter{}, true); len(rs) != 0 {
		t.Fatalf("overdue list after the acknowledgement: %+v", rs)
	}
}
