package dsr

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/datamap"
)

// ---- in-memory dsr.Store ----

// memStore is an in-memory Store with the PostgreSQL store's semantics:
// MoveRequest checks the request is still in t.From, applies update, sets
// the state and, for a final state, ClosedAt and Outcome; ClaimOverdue
// claims each overdue open request once (again after its due date moves).
type memStore struct {
	mu          sync.Mutex
	requests    map[string]Request
	transitions map[string][]Transition
	tasks       map[string][]Task // by request id
	alerted     map[string]time.Time
	ackAlerted  map[string]time.Time
	audits      []audit.Entry
	filters     []Filter
}

func newMemStore() *memStore {
	return &memStore{requests: map[string]Request{}, transitions: map[string][]Transition{}, tasks: map[string][]Task{}, alerted: map[string]time.Time{}}
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func cloneRequest(r Request) Request {
	r.AcknowledgeBy, r.ExtendNoticeBy, r.ClosedAt = cloneTime(r.AcknowledgeBy), cloneTime(r.ExtendNoticeBy), cloneTime(r.ClosedAt)
	r.Details.ExecutedAt, r.Details.ClockStart = cloneTime(r.Details.ExecutedAt), cloneTime(r.Details.ClockStart)
	r.Details.Purposes = slices.Clone(r.Details.Purposes)
	r.LookupHash = slices.Clone(r.LookupHash)
	return r
}

func notFound(code string) error { return apperr.New(apperr.NotFound, code, "not found") }

func (m *memStore) note(e *audit.Entry) {
	if e != nil {
		m.audits = append(m.audits, *e)
	}
}

func (m *memStore) CreateRequest(_ context.Context, r Request, ts []Transition, _ Rewrite, e *audit.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.requests[r.ID]; ok {
		return apperr.New(apperr.Conflict, "duplicate_id", "duplicate request id")
	}
	m.requests[r.ID] = cloneRequest(r)
	m.transitions[r.ID] = slices.Clone(ts)
	m.note(e)
	return nil
}

func (m *memStore) GetRequest(_ context.Context, id string) (Request, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.requests[id]
	if !ok {
		return Request{}, notFound("request_not_found")
	}
	return cloneRequest(r), nil
}

func (m *memStore) ListRequests(_ context.Context, f Filter) ([]Request, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.filters = append(m.filters, f)
	out := []Request{}
	for _, r := range m.requests {
		switch {
		case f.OpenOnly && !Open(r.State),
			!f.DueBefore.IsZero() && !r.DueAt.Before(f.DueBefore),
			f.State != "" && r.State != f.State,
			f.Type != "" && r.Type != f.Type,
			f.SubjectID != "" && r.SubjectID != f.SubjectID:
			continue
		}
		out = append(out, cloneRequest(r))
	}
	slices.SortFunc(out, func(a, b Request) int { return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID)) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (m *memStore) MoveRequest(_ context.Context, id string, t Transition, update func(*Request) error, e *audit.Entry) (Request, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	stored, ok := m.requests[id]
	if !ok {
		return Request{}, notFound("request_not_found")
	}
	r := cloneRequest(stored)
	if r.State != t.From {
		return Request{}, apperr.Newf(apperr.Conflict, "state_changed", "the request is %s, not %s", r.State, t.From)
	}
	if err := update(&r); err != nil {
		return Request{}, err
	}
	r.State, r.UpdatedAt = t.To, t.At
	if !Open(t.To) {
		at := t.At
		r.ClosedAt, r.Outcome = &at, t.Reason
	}
	if !r.DueAt.Equal(stored.DueAt) {
		delete(m.alerted, id) // a new due date may be overdue again later
	}
	t.Seq = int64(len(m.transitions[id]) + 1)
	m.transitions[id] = append(m.transitions[id], t)
	m.requests[id] = cloneRequest(r)
	m.note(e)
	return r, nil
}

func (m *memStore) RequestTransitions(_ context.Context, id string) ([]Transition, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Transition{}, m.transitions[id]...), nil
}

func (m *memStore) AddTask(_ context.Context, t Task, e *audit.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tasks[t.RequestID] = append(m.tasks[t.RequestID], t)
	m.note(e)
	return nil
}

func (m *memStore) ListTasks(_ context.Context, requestID string) ([]Task, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Task{}
	for _, t := range m.tasks[requestID] {
		t.ClosedAt = cloneTime(t.ClosedAt)
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Task) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

func (m *memStore) CloseTask(_ context.Context, t Task, e *audit.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := m.tasks[t.RequestID]
	for i := range ts {
		if ts[i].ID == t.ID && ts[i].State == TaskOpen {
			ts[i].State, ts[i].Evidence, ts[i].AttachmentHash = t.State, t.Evidence, t.AttachmentHash
			ts[i].ClosedAt, ts[i].ClosedBy = cloneTime(t.ClosedAt), t.ClosedBy
			m.note(e)
			return nil
		}
	}
	return notFound("task_not_found")
}

func (m *memStore) ClaimOverdue(_ context.Context, now time.Time) ([]Request, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Request
	for id, r := range m.requests {
		if _, done := m.alerted[id]; done || !Open(r.State) || !r.DueAt.Before(now) {
			continue
		}
		m.alerted[id] = now
		out = append(out, cloneRequest(r))
	}
	slices.SortFunc(out, func(a, b Request) int { return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

func (m *memStore) ClaimUnacknowledged(_ context.Context, now time.Time) ([]Request, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Request
	for id, r := range m.requests {
		if _, done := m.ackAlerted[id]; done || r.State != StateReceived || r.AcknowledgeBy == nil || !r.AcknowledgeBy.Before(now) {
			continue
		}
		if m.ackAlerted == nil {
			m.ackAlerted = map[string]time.Time{}
		}
		m.ackAlerted[id] = now
		out = append(out, cloneRequest(r))
	}
	return out, nil
}

// put seeds a request directly.
func (m *memStore) put(r Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[r.ID] = cloneRequest(r)
}

func (m *memStore) stored(t *testing.T, id string) Request {
	t.Helper()
	r, err := m.GetRequest(context.Background(), id)
	if err != nil {
		t.Fatalf("stored request %s: %v", id, err)
	}
	return r
}

// ---- fake Clock ----

const day = 24 * time.Hour

// fakeClock: due 30 days after the start, one extension of 30 more days,
// notice of an extension due by start + 30 days, acknowledgement by start
// + 10 days. Jurisdiction "ZZ" is unknown.
type fakeClock struct {
	startOnVerify bool
	mu            sync.Mutex
	calls         []clockCall
}

type clockCall struct {
	Jurisdiction, Type string
	Start              time.Time
	Extensions         int
}

func (c *fakeClock) Deadlines(jurisdiction, typ string, start time.Time, extensions int) (Deadlines, error) {
	c.mu.Lock()
	c.calls = append(c.calls, clockCall{jurisdiction, typ, start, extensions})
	c.mu.Unlock()
	if jurisdiction == "ZZ" {
		return Deadlines{}, apperr.New(apperr.Invalid, "unknown_jurisdiction", "no rules for this jurisdiction")
	}
	return Deadlines{
		Due:            start.Add(time.Duration(30*(1+extensions)) * day),
		AcknowledgeBy:  start.Add(10 * day),
		ExtendNoticeBy: start.Add(30 * day),
		MaxExtensions:  1,
		Source:         "test rule " + jurisdiction + "/" + typ,
		StartOnVerify:  c.startOnVerify,
	}, nil
}

func (c *fakeClock) DaysLeft(due, now time.Time) int { return int(due.Sub(now) / day) }

func (c *fakeClock) Location() *time.Location { return time.UTC }

// ---- fake Actions ----

type actionCall struct {
	Method    string
	Kind      string // lookups: the field type
	Subject   string
	Purposes  []string
	RequestID string
	By        string
	Rect      *Rectification
}

type fakeActions struct {
	mu       sync.Mutex
	byEmail  map[string][]string // lower-cased e-mail or phone -> subject ids
	subjects map[string]bool
	fail     error // returned by the carrying-out actions when set
	calls    []actionCall
	outside  []datamap.Holding // what OutsideSystems answers
}

func (a *fakeActions) CheckErase(context.Context, string) error { return nil }

func (a *fakeActions) OutsideSystems(context.Context, string) ([]datamap.Holding, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.outside, nil
}

func (a *fakeActions) record(c actionCall) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, c)
	return a.fail
}

func (a *fakeActions) FindSubjects(_ context.Context, fieldType, value string) ([]string, error) {
	if fieldType == "national_id" && value == "invalid" {
		return nil, apperr.New(apperr.Invalid, "invalid_national_id", "not a national id")
	}
	_ = a.record(actionCall{Method: "FindSubjects", Kind: fieldType})
	return slices.Clone(a.byEmail[strings.ToLower(value)]), nil
}

func (a *fakeActions) SubjectExists(_ context.Context, subjectID string) (bool, error) {
	return a.subjects[subjectID], nil
}

func (a *fakeActions) Erase(_ context.Context, subjectID string) error {
	return a.record(actionCall{Method: "Erase", Subject: subjectID})
}

func (a *fakeActions) Restrict(_ context.Context, subjectID string, allowed []string, requestID string) error {
	return a.record(actionCall{Method: "Restrict", Subject: subjectID, Purposes: slices.Clone(allowed), RequestID: requestID})
}

func (a *fakeActions) Object(_ context.Context, subjectID string, purposes []string, requestID string) error {
	return a.record(actionCall{Method: "Object", Subject: subjectID, Purposes: slices.Clone(purposes), RequestID: requestID})
}

func (a *fakeActions) WithdrawConsent(_ context.Context, subjectID string, purposes []string, requestID, by string) ([]string, error) {
	if err := a.record(actionCall{Method: "WithdrawConsent", Subject: subjectID, Purposes: slices.Clone(purposes), RequestID: requestID, By: by}); err != nil {
		return nil, err
	}
	if len(purposes) == 0 {
		return []string{"analytics", "marketing"}, nil
	}
	return purposes, nil
}

func (a *fakeActions) Rectify(_ context.Context, subjectID string, in Rectification) error {
	return a.record(actionCall{Method: "Rectify", Subject: subjectID, Rect: &in})
}

// carried returns the calls other than lookups.
func (a *fakeActions) carried() []actionCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []actionCall
	for _, c := range a.calls {
		if c.Method != "FindSubjects" {
			out = append(out, c)
		}
	}
	return out
}

// ---- fake key ----

type fakeKey struct{}

var fakeKeyBytes = []byte("dsr-test-key-0123456789abcdef")

func (fakeKey) MAC(parts ...[]byte) []byte {
	m := hmac.New(sha256.New, fakeKeyBytes)
	for _, p := range parts {
		m.Write(p)
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// ---- harness ----

// t0 is the test's "now" unless a test moves it.
var t0 = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

type harness struct {
	svc     *Service
	store   *memStore
	clock   *fakeClock
	actions *fakeActions
	now     time.Time
}

func newHarness(startOnVerify bool) *harness {
	h := &harness{
		store: newMemStore(),
		clock: &fakeClock{startOnVerify: startOnVerify},
		actions: &fakeActions{
			byEmail: map[string][]string{
				"ann@example.org":   {"sub_ann"},
				"+442071234567":     {"sub_ann"},
				"twins@example.org": {"sub_a", "sub_b"},
			},
			subjects: map[string]bool{"sub_ann": true, "sub_bob": true},
		},
		now: t0,
	}
	h.svc = NewService(h.store, h.clock, h.actions, fakeKey{})
	h.svc.Now = func() time.Time { return h.now }
	return h
}

// create files a request for sub_ann of type typ.
func (h *harness) create(t *testing.T, typ string, purposes ...string) Request {
	t.Helper()
	r, err := h.svc.Create(context.Background(), CreateInput{Type: typ, Jurisdiction: "fr", SubjectLookup: map[string]string{"subject": "sub_ann"}, Purposes: purposes}, "dpo", &audit.Entry{})
	if err != nil {
		t.Fatalf("create %s: %v", typ, err)
	}
	return r
}

// move moves a request along states, failing the test on error.
func (h *harness) move(t *testing.T, id string, states ...string) Request {
	t.Helper()
	var r Request
	for _, s := range states {
		var err error
		r, err = h.svc.Move(context.Background(), id, MoveInput{To: s, Reason: "test: to " + s}, "dpo", &audit.Entry{})
		if err != nil {
			t.Fatalf("move %s to %s: %v", id, s, err)
		}
	}
	return r
}

// inProgress files a request for sub_ann and verifies it.
func (h *harness) inProgress(t *testing.T, typ string, purposes ...string) Request {
	t.Helper()
	r := h.create(t, typ, purposes...)
	return h.move(t, r.ID, StateVerifying, StateInProgress)
}

// wantCode fails unless err carries the code (and kind).
func wantCode(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
	if got := apperr.KindOf(err); got != kind {
		t.Fatalf("error kind %v, want %v (%v)", got, kind, err)
	}
}
