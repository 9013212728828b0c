package incidents

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/freetext"
	"custodia/internal/legalclock"
)

// CloseTaskInput is the body of POST /v1/incidents/{id}/tasks/{task}/close.
type CloseTaskInput struct {
	State          string `json:"state"` // closed (default) or justified
	Evidence       string `json:"evidence"`
	EvidenceSHA256 string `json:"evidence_sha256,omitempty"`
}

// NotificationInput is the body of POST /v1/incidents/{id}/notifications:
// a notification was sent, which meets the clock of its regime and
// recipient.
type NotificationInput struct {
	Regime    string     `json:"regime"`
	Recipient string     `json:"recipient"`
	SentAt    *time.Time `json:"sent_at,omitempty"`   // default now
	Reference string     `json:"reference,omitempty"` // the authority's case number, the mailing's id
}

// EvidenceInput is the body of POST /v1/incidents/{id}/evidence.
type EvidenceInput struct {
	Description string `json:"description"`
	SHA256      string `json:"sha256"`
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// CloseTask closes a task with evidence, or justifies leaving it undone.
// Justifying a notification task waives its audience's open clocks;
// closing one needs them all met or waived. The incident closes with its
// last open task. It returns the timeline events to append.
func (r *Record) CloseTask(name string, in CloseTaskInput, by string, now time.Time) ([]Event, error) {
	if in.State == "" {
		in.State = TaskClosed
	}
	if in.State != TaskClosed && in.State != TaskJustified {
		return nil, bad("invalid_task_state", `state must be "closed" or "justified"`)
	}
	in.Evidence = strings.TrimSpace(in.Evidence)
	if in.Evidence == "" || !legalclock.ValidText(in.Evidence, 5000) {
		return nil, bad("evidence_required", "closing a task needs evidence text (what was done, or why not), at most 5000 characters")
	}
	if err := freetext.Check("evidence", in.Evidence); err != nil {
		return nil, err
	}
	in.EvidenceSHA256 = strings.ToLower(strings.TrimSpace(in.EvidenceSHA256))
	if in.EvidenceSHA256 != "" && !sha256Hex.MatchString(in.EvidenceSHA256) {
		return nil, bad("invalid_evidence_sha256", "evidence_sha256 must be 64 hexadecimal digits")
	}
	i := slices.IndexFunc(r.Tasks, func(t Task) bool { return t.Name == name })
	if i < 0 {
		return nil, apperr.New(apperr.NotFound, "task_not_found", "no such task on this incident")
	}
	if r.Tasks[i].State != TaskOpen {
		return nil, apperr.New(apperr.Conflict, "task_closed", "the task is closed already")
	}
	var events []Event
	if aud := taskAudience(name); aud != "" {
		for j := range r.Clocks {
			c := &r.Clocks[j]
			if c.Audience != aud || c.State != ClockOpen {
				continue
			}
			if in.State == TaskClosed {
				return nil, apperr.Newf(apperr.Conflict, "clocks_open", "the %s %s clock is still open: record the notification first, or justify the task", c.Regime, c.Recipient)
			}
			c.State = ClockWaived
			events = append(events, Event{At: now, Kind: "clock_waived", Actor: by, Detail: c.Regime + " " + c.Recipient})
		}
		// A clock that follows a waived one (the Attorney General after
		// the residents) has nothing to follow.
		for j := range r.Clocks {
			c := &r.Clocks[j]
			if c.State == ClockOpen && c.After != "" && slices.ContainsFunc(r.Clocks, func(x Clock) bool {
				return x.Regime == c.Regime && x.Recipient == c.After && x.State == ClockWaived
			}) {
				c.State = ClockWaived
				events = append(events, Event{At: now, Kind: "clock_waived", Actor: by, Detail: c.Regime + " " + c.Recipient})
			}
		}
	}
	t := &r.Tasks[i]
	t.State, t.Evidence, t.EvidenceSHA256, t.ClosedAt, t.ClosedBy = in.State, in.Evidence, in.EvidenceSHA256, &now, by
	events = append(events, Event{At: now, Kind: "task_" + in.State, Actor: by, Detail: name})
	r.UpdatedAt = now
	if !slices.ContainsFunc(r.Tasks, func(t Task) bool { return t.State == TaskOpen }) {
		r.Status, r.ClosedAt = StatusClosed, &now
		events = append(events, Event{At: now, Kind: "closed", Actor: by})
	}
	return events, nil
}

// taskAudience returns the clock audience a notification task covers.
func taskAudience(task string) string {
	switch task {
	case TaskNotifyAuthority:
		return AudienceAuthority
	case TaskNotifyIndividuals:
		return AudienceIndividuals
	}
	return ""
}

// Notify records that the notification of a clock was sent: the clock is
// met (late if after its due time) and the clocks that follow it move. It
// returns the timeline events to append.
func (r *Record) Notify(t *Table, in NotificationInput, by string, now time.Time) ([]Event, error) {
	regime, recipient := strings.ToUpper(strings.TrimSpace(in.Regime)), strings.TrimSpace(in.Recipient)
	sent := now
	if in.SentAt != nil {
		sent = in.SentAt.UTC()
	}
	switch {
	case sent.After(now.Add(clockSkew)):
		return nil, bad("sent_at_in_future", "sent_at is in the future")
	case sent.Before(r.DetectedAt):
		return nil, bad("invalid_sent_at", "sent_at is before the breach was detected")
	case !legalclock.ValidText(in.Reference, 500):
		return nil, bad("invalid_reference", "reference must be at most 500 characters of text")
	}
	if err := freetext.CheckWho("reference", in.Reference); err != nil { // an authority's address may be the reference
		return nil, err
	}
	i := slices.IndexFunc(r.Clocks, func(c Clock) bool { return c.Regime == regime && c.Recipient == recipient })
	if i < 0 {
		return nil, apperr.New(apperr.NotFound, "clock_not_found", "this incident has no clock for that regime and recipient")
	}
	c := &r.Clocks[i]
	if c.State != ClockOpen {
		return nil, apperr.Newf(apperr.Conflict, "clock_closed", "the clock is %s already", c.State)
	}
	c.State, c.MetAt, c.Reference = ClockMet, &sent, strings.TrimSpace(in.Reference)
	detail := fmt.Sprintf("%s %s", regime, recipient)
	if sent.After(c.DueAt) && !c.Immediate() {
		detail += " (after its due time)"
	}
	events := []Event{{At: sent, Kind: "notification_sent", Actor: by, Detail: detail}}
	before := slices.Clone(r.Clocks)
	if _, err := t.Rebase(r.Clocks); err != nil {
		return nil, err
	}
	for j, c := range r.Clocks {
		if !c.DueAt.Equal(before[j].DueAt) {
			events = append(events, Event{At: now, Kind: "clock_moved", Actor: by,
				Detail: fmt.Sprintf("%s %s: due %s", c.Regime, c.Recipient, c.DueAt.UTC().Format(time.RFC3339))})
		}
	}
	r.UpdatedAt = now
	return events, nil
}

// AddEvidence adds evidence, kept by its hash.
func (r *Record) AddEvidence(in EvidenceInput, by string, now time.Time) (Evidence, []Event, error) {
	in.Description = strings.TrimSpace(in.Description)
	in.SHA256 = strings.ToLower(strings.TrimSpace(in.SHA256))
	if in.Description == "" || !legalclock.ValidText(in.Description, 5000) {
		return Evidence{}, nil, bad("invalid_description", "description must be 1 to 5000 characters of text")
	}
	if err := freetext.Check("description", in.Description); err != nil {
		return Evidence{}, nil, err
	}
	if !sha256Hex.MatchString(in.SHA256) {
		return Evidence{}, nil, bad("invalid_sha256", "sha256 must be 64 hexadecimal digits")
	}
	if slices.ContainsFunc(r.Evidence, func(e Evidence) bool { return e.SHA256 == in.SHA256 }) {
		return Evidence{}, nil, apperr.New(apperr.Conflict, "evidence_exists", "evidence with this hash is recorded already")
	}
	ev := Evidence{SHA256: in.SHA256, Description: in.Description, AddedAt: now, AddedBy: by}
	r.Evidence = append(r.Evidence, ev)
	r.UpdatedAt = now
	return ev, []Event{{At: now, Kind: "evidence_added", Actor: by, Detail: "sha256 " + in.SHA256}}, nil
}
