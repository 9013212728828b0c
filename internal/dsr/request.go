// Package dsr runs data-subject requests: access, portability,
// rectification, erasure, restriction, objection and consent withdrawal,
// each with its legal clock, its state history and its execution.
//
// A request names its subject by e-mail, phone or subject id; the lookup
// value itself is never stored, only the subject it resolved to (or, when
// none matched, a keyed hash used to spot duplicates). Every state change
// records who made it, when and why.
package dsr

import (
	"slices"
	"time"
)

// Request types.
const (
	TypeAccess          = "access"
	TypePortability     = "portability"
	TypeRectification   = "rectification"
	TypeErasure         = "erasure"
	TypeRestriction     = "restriction"
	TypeObjection       = "objection"
	TypeWithdrawConsent = "withdraw_consent"
)

// Types lists the request types.
var Types = []string{TypeAccess, TypePortability, TypeRectification, TypeErasure, TypeRestriction, TypeObjection, TypeWithdrawConsent}

// States of a request.
const (
	StateReceived   = "received"
	StateVerifying  = "verifying_identity"
	StateInProgress = "in_progress"
	StateExtended   = "extended"
	StatePaused     = "paused"
	StateCompleted  = "completed"
	StateRejected   = "rejected"
)

// States lists every state of a request.
var States = []string{StateReceived, StateVerifying, StateInProgress, StateExtended, StatePaused, StateCompleted, StateRejected}

// transitions lists the states each state may move to.
var transitions = map[string][]string{
	StateReceived: {StateVerifying, StateRejected},
	// A request may be extended while identity is verified (its clock runs
	// meanwhile under some laws); it then moves to in_progress once the
	// identity is verified (Details.IdentityPending).
	StateVerifying:  {StateInProgress, StateRejected, StateExtended},
	StateInProgress: {StateCompleted, StateRejected, StateExtended, StatePaused},
	StateExtended:   {StateCompleted, StateRejected, StatePaused, StateExtended, StateInProgress},
	StatePaused:     {StateInProgress, StateRejected},
}

// CanMove reports whether a request may move from one state to another.
func CanMove(from, to string) bool { return slices.Contains(transitions[from], to) }

// Open reports whether a request in state s is still open.
func Open(s string) bool { return s != StateCompleted && s != StateRejected }

// Request is one data-subject request.
type Request struct {
	ID           string    `json:"id"`
	Type         string    `json:"type"`
	Jurisdiction string    `json:"jurisdiction"`
	State        string    `json:"state"`
	SubjectID    string    `json:"subject,omitempty"` // empty when no subject matched
	LookupKind   string    `json:"lookup_kind"`       // email, phone or subject
	Channel      string    `json:"channel"`
	ReceivedAt   time.Time `json:"received_at"`
	// Deadlines from the rules table, in the server's time zone.
	DueAt          time.Time  `json:"due_at"`
	AcknowledgeBy  *time.Time `json:"acknowledge_by,omitempty"`
	ExtendNoticeBy *time.Time `json:"extend_notice_by,omitempty"`
	Extensions     int        `json:"extensions"`
	MaxExtensions  int        `json:"max_extensions"`
	RuleSource     string     `json:"rule_source"`
	// DaysLeft is computed when the request is read (negative: overdue).
	DaysLeft int  `json:"days_left"`
	Overdue  bool `json:"overdue"`
	// AcknowledgementOverdue: still received (not acknowledged: moving a
	// request on acknowledges it) past AcknowledgeBy.
	AcknowledgementOverdue bool       `json:"acknowledgement_overdue,omitempty"`
	Details                Details    `json:"details"`
	CreatedBy              string     `json:"created_by"`
	CreatedAt              time.Time  `json:"created_at"`
	UpdatedAt              time.Time  `json:"updated_at"`
	ClosedAt               *time.Time `json:"closed_at,omitempty"`
	Outcome                string     `json:"outcome,omitempty"` // the reason of the final transition
	// LookupHash is a keyed hash of the lookup value, to find duplicates of
	// requests whose subject did not match; never the value.
	LookupHash []byte `json:"-"`
}

// Details carries what some request types need to be carried out. It
// holds no personal data of the subject's: rectifications send their new
// values when executed, not when filed.
type Details struct {
	// Purposes: for withdraw_consent the purposes withdrawn; for objection
	// the purposes objected to (default marketing); for restriction the
	// purposes still allowed (default legal).
	Purposes []string `json:"purposes,omitempty"`
	Note     string   `json:"note,omitempty"`
	// ExecutedAt is when the request was carried out, Result what it did.
	ExecutedAt *time.Time `json:"executed_at,omitempty"`
	// AcknowledgedAt is when the request first moved on from received:
	// its receipt was acknowledged then.
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	// IdentityPending: the request was extended before the requester's
	// identity was verified; moving it to in_progress records the
	// verification. It cannot be carried out until then.
	IdentityPending bool `json:"identity_pending,omitempty"`
	// ClockStart is set when the rule's clock starts at verification.
	ClockStart *time.Time `json:"clock_start,omitempty"`
	Result     string     `json:"result,omitempty"`
}

// Transition is one state change.
type Transition struct {
	Seq    int64     `json:"seq"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
}

// Task states.
const (
	TaskOpen      = "open"
	TaskClosed    = "closed"
	TaskJustified = "justified" // not done, with a reason (e.g. a legal duty to keep)
)

// Task is work outside the vault that a request needs, such as deleting a
// copy from a CRM or a chat export.
type Task struct {
	ID             string     `json:"id"`
	RequestID      string     `json:"request_id"`
	System         string     `json:"system"`
	Description    string     `json:"description"`
	Assignee       string     `json:"assignee,omitempty"` // the e-mail address of the person doing it
	State          string     `json:"state"`
	Evidence       string     `json:"evidence,omitempty"`
	AttachmentHash string     `json:"attachment_sha256,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	ClosedBy       string     `json:"closed_by,omitempty"`
}

// Filter selects requests to list.
type Filter struct {
	OpenOnly  bool
	DueBefore time.Time // open requests due before this instant: overdue ones
	State     string
	Type      string
	SubjectID string
	Limit     int
}
