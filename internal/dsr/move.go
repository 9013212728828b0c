package dsr

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/freetext"
)

// MoveInput is the body of POST /v1/requests/{id}/transitions.
type MoveInput struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Move changes a request's state and records who, when and why. Moving to
// extended adds one extension (where the rule allows one and the notice
// deadline has not passed) and moves the due date; completing needs the
// request executed and every task closed or justified.
func (s *Service) Move(ctx context.Context, id string, in MoveInput, by string, e *audit.Entry) (Request, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 2000 {
		return Request{}, bad("reason_required", "a state change needs a reason (1 to 2000 characters)")
	}
	if err := freetext.Check("reason", in.Reason); err != nil {
		return Request{}, err
	}
	if !slices.Contains(States, in.To) {
		return Request{}, bad("invalid_state", "to must be one of "+strings.Join(States, ", "))
	}
	cur, err := s.store.GetRequest(ctx, id)
	if err != nil {
		return Request{}, err
	}
	if !CanMove(cur.State, in.To) || (cur.State == StateExtended && in.To == StateInProgress && !cur.Details.IdentityPending) {
		return Request{}, apperr.Newf(apperr.Conflict, "invalid_transition", "a request in state %s cannot move to %q", cur.State, in.To)
	}
	if in.To == StateCompleted {
		if err := s.checkComplete(ctx, cur); err != nil {
			return Request{}, err
		}
	}
	// A request carried out (a subject erased, a package made) cannot end
	// as rejected: the register would then deny what was done.
	if in.To == StateRejected && cur.Details.ExecutedAt != nil {
		return Request{}, apperr.New(apperr.Conflict, "already_executed", "this request was carried out: complete it, it cannot be rejected")
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	e.RecordID = id
	r, err := s.store.MoveRequest(ctx, id, Transition{From: cur.State, To: in.To, At: now, By: by, Reason: in.Reason}, func(r *Request) error {
		if cur.State == StateReceived && r.Details.AcknowledgedAt == nil {
			r.Details.AcknowledgedAt = &now
		}
		switch {
		case in.To == StateExtended:
			if cur.State == StateVerifying {
				r.Details.IdentityPending = true
			}
			return s.extend(r, now)
		case in.To == StateInProgress && (cur.State == StateVerifying || cur.Details.IdentityPending):
			// Identity verified: from verifying_identity, or from a state
			// an extension during verification led to.
			r.Details.IdentityPending = false
			return s.startClockOnVerify(r, now)
		}
		return nil
	}, e)
	if err != nil {
		return Request{}, err
	}
	return s.withClock(r), nil
}

func (s *Service) extend(r *Request, now time.Time) error {
	if r.Extensions >= r.MaxExtensions {
		return apperr.New(apperr.Conflict, "extension_not_allowed", "the rules allow no further extension of this request")
	}
	if r.ExtendNoticeBy != nil && now.After(*r.ExtendNoticeBy) {
		return apperr.New(apperr.Conflict, "extension_too_late", "the requester had to be told of an extension by "+r.ExtendNoticeBy.Format(time.RFC3339))
	}
	dl, err := s.clock.Deadlines(r.Jurisdiction, r.Type, clockStart(r), r.Extensions+1)
	if err != nil {
		return err
	}
	r.Extensions++
	r.DueAt = dl.Due.Truncate(time.Microsecond)
	return nil
}

// clockStart is when a request's clock started: receipt, or verification
// for rules that run from verified identity.
func clockStart(r *Request) time.Time {
	if r.Details.ClockStart != nil {
		return *r.Details.ClockStart
	}
	return r.ReceivedAt
}

// startClockOnVerify restarts the clock at verification for rules whose
// period runs from verified identity.
func (s *Service) startClockOnVerify(r *Request, now time.Time) error {
	dl, err := s.clock.Deadlines(r.Jurisdiction, r.Type, r.ReceivedAt, 0)
	if err != nil {
		return err
	}
	if !dl.StartOnVerify {
		return nil
	}
	if dl, err = s.clock.Deadlines(r.Jurisdiction, r.Type, now, r.Extensions); err != nil {
		return err
	}
	// The acknowledgement confirms receipt: its deadline still runs from
	// receipt, only the answer's runs from verification.
	ack := r.AcknowledgeBy
	setDeadlines(r, dl)
	r.AcknowledgeBy = ack
	r.Details.ClockStart = &now
	return nil
}

func (s *Service) checkComplete(ctx context.Context, r Request) error {
	if r.Details.ExecutedAt == nil {
		return apperr.New(apperr.Conflict, "not_executed", "carry the request out (POST /v1/requests/{id}/execute) before completing it")
	}
	ts, err := s.store.ListTasks(ctx, r.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.State == TaskOpen {
			return apperr.Newf(apperr.Conflict, "tasks_open", "task %s (%s) is still open; close or justify it first", t.ID, t.System)
		}
	}
	return nil
}
