package dsr

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/freetext"
	"custodia/internal/legalclock"
)

// Rewrite returns the request, and its transitions, to store instead of
// a duplicate of the open request open.
type Rewrite func(open string) (Request, []Transition)

// Store is the storage requests need.
type Store interface {
	// CreateRequest stores r; an open request of its type for its subject
	// makes it a duplicate: refused, or, when onDuplicate is not nil,
	// stored as onDuplicate rewrites it (given the open request's id),
	// in the same transaction.
	CreateRequest(ctx context.Context, r Request, ts []Transition, onDuplicate Rewrite, e *audit.Entry) error
	GetRequest(ctx context.Context, id string) (Request, error)
	ListRequests(ctx context.Context, f Filter) ([]Request, error)
	MoveRequest(ctx context.Context, id string, t Transition, update func(*Request) error, e *audit.Entry) (Request, error)
	RequestTransitions(ctx context.Context, id string) ([]Transition, error)
	AddTask(ctx context.Context, t Task, e *audit.Entry) error
	ListTasks(ctx context.Context, requestID string) ([]Task, error)
	CloseTask(ctx context.Context, t Task, e *audit.Entry) error
	ClaimOverdue(ctx context.Context, now time.Time) ([]Request, error)
	// ClaimUnacknowledged is ClaimOverdue for the acknowledgement of
	// receipt: requests still received past their acknowledge_by.
	ClaimUnacknowledged(ctx context.Context, now time.Time) ([]Request, error)
}

// Deadlines are a request's legal dates.
type Deadlines struct {
	Due            time.Time
	AcknowledgeBy  time.Time // zero: no acknowledgement deadline
	ExtendNoticeBy time.Time // zero: no extension possible
	MaxExtensions  int
	Source         string // the legal source of the rule
	StartOnVerify  bool   // the clock starts when identity is verified
}

// Clock computes deadlines from the rules table.
type Clock interface {
	// Deadlines returns the dates of a request of type typ under
	// jurisdiction started at start, with extensions granted.
	Deadlines(jurisdiction, typ string, start time.Time, extensions int) (Deadlines, error)
	// DaysLeft is the number of calendar days until due (negative when
	// overdue), in the server's time zone.
	DaysLeft(due, now time.Time) int
	// Location is the server's time zone, in which deadlines are shown.
	Location() *time.Location
}

// Actions carry requests out on the vault and the ledger.
// AlreadyErased is Actions.Erase's answer for a subject erased before,
// by another request or call: what an erasure request asks is done, and
// the request can be completed (with its tasks for other systems).
type AlreadyErased struct{ At time.Time }

func (a AlreadyErased) Error() string {
	return "the subject was already erased at " + a.At.Format(time.RFC3339)
}

type Actions interface {
	// FindSubjects resolves an e-mail or phone to subject ids.
	FindSubjects(ctx context.Context, fieldType, value string) ([]string, error)
	SubjectExists(ctx context.Context, subjectID string) (bool, error)
	// CheckErase refuses an erasure the subject's data may not undergo
	// (a legal hold), before anything is done.
	CheckErase(ctx context.Context, subjectID string) error
	// Erase crypto-shreds the subject; for a subject erased before (by
	// another request, or DELETE /v1/subjects) it answers AlreadyErased.
	Erase(ctx context.Context, subjectID string) error
	Restrict(ctx context.Context, subjectID string, allowedPurposes []string, requestID string) error
	Object(ctx context.Context, subjectID string, purposes []string, requestID string) error
	// WithdrawConsent withdraws the subject's active consents for purposes
	// (all active ones when empty) and returns the purposes withdrawn.
	WithdrawConsent(ctx context.Context, subjectID string, purposes []string, requestID, by string) ([]string, error)
	// Rectify applies new values to one of the subject's records through
	// the normal write path.
	Rectify(ctx context.Context, subjectID string, in Rectification) error
	// OutsideSystems lists the systems of the data map outside the vault
	// that may hold copies of the subject's data (datamap.Holdings).
	OutsideSystems(ctx context.Context, subjectID string) ([]datamap.Holding, error)
}

// Service runs requests.
type Service struct {
	store   Store
	clock   Clock
	actions Actions
	key     interface{ MAC(parts ...[]byte) []byte }
	Now     func() time.Time

	// executing holds the ids of requests being carried out in this
	// process, so two concurrent calls cannot both act.
	executing sync.Map
}

// NewService returns the request service; key hashes unmatched lookups.
func NewService(store Store, clock Clock, actions Actions, key interface{ MAC(parts ...[]byte) []byte }) *Service {
	return &Service{store: store, clock: clock, actions: actions, key: key, Now: time.Now}
}

// CreateInput is the body of POST /v1/requests.
type CreateInput struct {
	Type          string            `json:"type"`
	SubjectLookup map[string]string `json:"subject_lookup"`
	Jurisdiction  string            `json:"jurisdiction"`
	ReceivedAt    *time.Time        `json:"received_at"`
	Channel       string            `json:"channel"`
	Purposes      []string          `json:"purposes"`
	Note          string            `json:"note"`
	// RecordDuplicate files a request that duplicates an open one as
	// rejected, with the reason, instead of refusing it: for a caller who
	// must not learn from a refusal that the person was found.
	RecordDuplicate bool `json:"-"`
}

func bad(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }

// Create files a request. The lookup value is used to find the subject and
// then dropped. A request whose lookup matches no subject is still
// recorded, then rejected by the system with the reason, so the requester
// can be answered without learning whether a person exists.
func (s *Service) Create(ctx context.Context, in CreateInput, by string, e *audit.Entry) (Request, error) {
	in.Type = strings.TrimSpace(in.Type)
	in.Jurisdiction = strings.ToUpper(strings.TrimSpace(in.Jurisdiction))
	if !slices.Contains(Types, in.Type) {
		return Request{}, bad("invalid_request_type", "type must be one of access, portability, rectification, erasure, restriction, objection, withdraw_consent")
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	received := now
	if in.ReceivedAt != nil {
		received = in.ReceivedAt.UTC().Truncate(time.Microsecond)
		switch {
		case received.After(now.Add(5 * time.Minute)):
			return Request{}, bad("invalid_received_at", "received_at is in the future")
		case received.Year() < 2000:
			return Request{}, bad("invalid_received_at", "received_at is before 2000: give the date the request was received")
		}
	}
	dl, err := s.clock.Deadlines(in.Jurisdiction, in.Type, received, 0)
	if err != nil {
		return Request{}, err
	}
	if len(in.SubjectLookup) != 1 {
		return Request{}, bad("invalid_subject_lookup", `subject_lookup needs exactly one of {"email":…}, {"phone":…}, {"national_id":…} or {"subject":…}`)
	}
	in.Channel = strings.TrimSpace(in.Channel)
	if in.Channel == "" {
		in.Channel = "api"
	}
	if utf8.RuneCountInString(in.Channel) > 50 || utf8.RuneCountInString(in.Note) > 2000 || len(in.Purposes) > 50 {
		return Request{}, bad("too_long", "channel (50 characters), note (2000 characters) or purposes (50) is too long")
	}
	if !legalclock.ValidText(in.Channel, 50) || in.Note != "" && !legalclock.ValidText(in.Note, 2000) {
		return Request{}, bad("invalid_text", "channel and note must be text without control characters")
	}
	if err := freetext.Check("note", in.Note); err != nil {
		return Request{}, err
	}
	r := Request{ID: auth.NewID("req_"), Type: in.Type, Jurisdiction: in.Jurisdiction, State: StateReceived, Channel: in.Channel,
		ReceivedAt: received, MaxExtensions: dl.MaxExtensions, RuleSource: dl.Source, CreatedBy: by, CreatedAt: now, UpdatedAt: now,
		Details: Details{Purposes: in.Purposes, Note: strings.TrimSpace(in.Note)}}
	setDeadlines(&r, dl)
	var unmatched string
	for kind, value := range in.SubjectLookup {
		r.LookupKind = kind
		value = strings.TrimSpace(value)
		if value == "" || len(value) > 320 {
			return Request{}, bad("invalid_subject_lookup", "the subject lookup value is empty or too long")
		}
		switch kind {
		case "subject":
			ok, err := s.actions.SubjectExists(ctx, value)
			if err != nil {
				return Request{}, err
			}
			if ok {
				r.SubjectID = value
			} else {
				unmatched = "no subject matches the lookup"
			}
		case "email", "phone", "national_id":
			ids, err := s.actions.FindSubjects(ctx, kind, value)
			if err != nil {
				return Request{}, err
			}
			switch len(ids) {
			case 1:
				r.SubjectID = ids[0]
			case 0:
				unmatched = "no subject matches the lookup"
			default:
				unmatched = "the lookup matches several subjects; file the request by subject id"
			}
		default:
			return Request{}, bad("invalid_subject_lookup", "subject_lookup takes email, phone, national_id or subject")
		}
		if r.SubjectID == "" {
			r.LookupHash = s.key.MAC([]byte("request-lookup"), []byte(kind), []byte(strings.ToLower(value)))
		}
	}
	ts := []Transition{{Seq: 1, From: "", To: StateReceived, At: now, By: by, Reason: "filed through " + r.Channel}}
	if unmatched != "" {
		r.State, r.Outcome = StateRejected, unmatched
		r.ClosedAt = &now
		ts = append(ts, Transition{Seq: 2, From: StateReceived, To: StateRejected, At: now, By: "system", Reason: unmatched})
	}
	e.RecordID = r.ID
	stored := r
	var rejectDuplicate Rewrite
	if in.RecordDuplicate {
		rejectDuplicate = func(open string) (Request, []Transition) {
			reason := "a duplicate of the open request " + open
			stored.State, stored.Outcome, stored.ClosedAt = StateRejected, reason, &now
			return stored, append(slices.Clone(ts), Transition{Seq: 2, From: StateReceived, To: StateRejected, At: now, By: "system", Reason: reason})
		}
	}
	if err := s.store.CreateRequest(ctx, r, ts, rejectDuplicate, e); err != nil {
		return Request{}, err
	}
	return s.withClock(stored), nil
}

// setDeadlines sets r's deadlines from dl, to the microsecond the store
// keeps: the answer that creates a request shows what a later read does.
func setDeadlines(r *Request, dl Deadlines) {
	r.DueAt = dl.Due.Truncate(time.Microsecond)
	r.AcknowledgeBy, r.ExtendNoticeBy = nil, nil
	if !dl.AcknowledgeBy.IsZero() {
		a := dl.AcknowledgeBy.Truncate(time.Microsecond)
		r.AcknowledgeBy = &a
	}
	if !dl.ExtendNoticeBy.IsZero() {
		n := dl.ExtendNoticeBy.Truncate(time.Microsecond)
		r.ExtendNoticeBy = &n
	}
	r.MaxExtensions, r.RuleSource = dl.MaxExtensions, dl.Source
}

// withClock fills the computed fields.
func (s *Service) withClock(r Request) Request {
	now := s.Now()
	// Deadlines read back from storage are UTC instants: shown, like
	// those just computed, in the server's time zone.
	if loc := s.clock.Location(); loc != nil {
		r.DueAt = r.DueAt.In(loc)
		if r.AcknowledgeBy != nil {
			a := r.AcknowledgeBy.In(loc)
			r.AcknowledgeBy = &a
		}
		if r.ExtendNoticeBy != nil {
			n := r.ExtendNoticeBy.In(loc)
			r.ExtendNoticeBy = &n
		}
	}
	r.DaysLeft = s.clock.DaysLeft(r.DueAt, now)
	r.Overdue = Open(r.State) && now.After(r.DueAt)
	r.AcknowledgementOverdue = r.State == StateReceived && r.AcknowledgeBy != nil && now.After(*r.AcknowledgeBy)
	return r
}

// View is a request with its history and tasks.
type View struct {
	Request
	History []Transition `json:"history"`
	Tasks   []Task       `json:"tasks"`
}

// Get returns a request with its history and tasks.
func (s *Service) Get(ctx context.Context, id string) (View, error) {
	r, err := s.store.GetRequest(ctx, id)
	if err != nil {
		return View{}, err
	}
	h, err := s.store.RequestTransitions(ctx, id)
	if err != nil {
		return View{}, err
	}
	ts, err := s.store.ListTasks(ctx, id)
	if err != nil {
		return View{}, err
	}
	return View{Request: s.withClock(r), History: h, Tasks: ts}, nil
}

// List lists requests by due date; overdue selects open ones past due.
func (s *Service) List(ctx context.Context, f Filter, overdue bool) ([]Request, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	var unacked []Request
	if overdue {
		// Past the answer's due date, or still unacknowledged past the
		// acknowledgement's: both are deadlines the law sets.
		if f.State == "" || f.State == StateReceived {
			g := f
			g.State = StateReceived
			rs, err := s.store.ListRequests(ctx, g)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				if r = s.withClock(r); r.AcknowledgementOverdue && !r.Overdue {
					unacked = append(unacked, r)
				}
			}
		}
		f.OpenOnly, f.DueBefore = true, s.Now()
	}
	rs, err := s.store.ListRequests(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		rs[i] = s.withClock(rs[i])
	}
	return append(rs, unacked...), nil
}
