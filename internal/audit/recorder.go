package audit

import (
	"context"
	"sync"
)

// Recorder collects what one API call did, so the call's audit entry can be
// written either atomically with its write (by the store) or, for reads and
// failures, by the HTTP layer before the response is sent.
type Recorder struct {
	mu      sync.Mutex
	base    Entry
	reads   []read // the subjects read, one entry each
	written bool
	vetted  bool // the reads were approved by a second person (see MarkVetted)
	// undo are run when the call's answer is withheld after its handler
	// succeeded (see OnWithheld).
	undo []func()
}

// OnWithheld registers fn to run if the handler's answer is withheld
// after it succeeded (the bulk-read detector blocks the caller, or its
// audit entries cannot be written): a handler that recorded a delivery
// (an export marked produced) takes it back, as nothing was delivered.
func (r *Recorder) OnWithheld(fn func()) {
	r.mu.Lock()
	r.undo = append(r.undo, fn)
	r.mu.Unlock()
}

// Withheld runs the functions OnWithheld registered, once.
func (r *Recorder) Withheld() {
	r.mu.Lock()
	undo := r.undo
	r.undo = nil
	r.mu.Unlock()
	for _, fn := range undo {
		fn()
	}
}

// MarkVetted records that the call's reads were approved beforehand by a
// second person (an export approved under four-eyes): the bulk-read
// detector does not count them.
func (r *Recorder) MarkVetted() {
	r.mu.Lock()
	r.vetted = true
	r.mu.Unlock()
}

// Vetted reports whether MarkVetted was called.
func (r *Recorder) Vetted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.vetted
}

// NewRecorder starts the record of one call.
func NewRecorder(actor, action, requestID string) *Recorder {
	return &Recorder{base: Entry{Actor: actor, Action: action, RequestID: requestID}}
}

type recorderKey struct{}

// SetSuccessStatus sets the status an entry written inside the
// operation's transaction records: the status the call answers when it
// succeeds (201 for a create), since the answer is not sent yet.
func (r *Recorder) SetSuccessStatus(status int) {
	r.mu.Lock()
	r.base.Status = status
	r.mu.Unlock()
}

// WithRecorder returns ctx carrying r.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// RecorderFrom returns the recorder in ctx, or nil.
func RecorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

// Update changes the call's entry.
func (r *Recorder) Update(fn func(*Entry)) {
	r.mu.Lock()
	fn(&r.base)
	r.mu.Unlock()
}

// read is one subject read by the call; collection and recordID, when
// set, override the call's own for that read's entry.
type read struct{ subject, decision, collection, recordID string }

// AddRead records a subject (by pseudonym) whose data the call read, and
// the access decision for it ("allow", or "mask"/"partial"/"deny" with
// fields and reasons).
func (r *Recorder) AddRead(pseudonym, decision string) {
	r.mu.Lock()
	r.reads = append(r.reads, read{subject: pseudonym, decision: decision})
	r.mu.Unlock()
}

// AddRecordRead is AddRead for a call that reads records of several
// collections: the read's entry names its own collection and record.
func (r *Recorder) AddRecordRead(collection, recordID, pseudonym, decision string) {
	r.mu.Lock()
	r.reads = append(r.reads, read{subject: pseudonym, decision: decision, collection: collection, recordID: recordID})
	r.mu.Unlock()
}

// Snapshot returns a copy of the entry to hand to a store write.
func (r *Recorder) Snapshot() *Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.base
	return &e
}

// Committed marks the call audited when e, a snapshot handed to a store
// write, was committed (the store sets its sequence number).
func (r *Recorder) Committed(e *Entry) {
	if e == nil || e.Seq == 0 {
		return
	}
	r.mu.Lock()
	r.written = true
	r.mu.Unlock()
}

// Pending returns the entries still to write: none when the store already
// wrote one, otherwise one per subject read (or one without a subject).
func (r *Recorder) Pending(status int, outcome, detail string) []*Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written {
		return nil
	}
	e := r.base
	e.Status, e.Outcome, e.Detail = status, outcome, detail
	if len(r.reads) == 0 {
		return []*Entry{&e}
	}
	out := make([]*Entry, len(r.reads))
	for i, rd := range r.reads {
		x := e
		x.Subject, x.Decision = rd.subject, rd.decision
		if rd.collection != "" {
			x.Collection, x.RecordID = rd.collection, rd.recordID
		}
		out[i] = &x
	}
	return out
}
