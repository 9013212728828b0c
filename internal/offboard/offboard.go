// Package offboard is the review of a person who leaves: their access is
// revoked at once, and a checklist gathers what they took or hold (the
// exports they asked for, the shadow systems they own or hold copies in)
// for the DPO to close item by item, with evidence.
package offboard

import (
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
)

// States of an offboarding and of its items.
const (
	StateOpen   = "open"
	StateClosed = "closed"
)

// Offboarding is the review of one person's departure.
type Offboarding struct {
	ID        string   `json:"id"`
	UserID    string   `json:"user_id"`
	Email     string   `json:"email"`
	Reason    string   `json:"reason"`
	Successor string   `json:"successor,omitempty"` // the e-mail address systems they owned now name
	State     string   `json:"state"`
	Revoked   Revoked  `json:"revoked"`
	Exports   []string `json:"exports"` // ids in the export register
	Systems   []string `json:"systems"` // ids in the data map
	// ReassignedTasks counts the open request tasks handed to the
	// successor.
	ReassignedTasks int `json:"reassigned_tasks"`
	// HandedOverCleanupTasks are the ids of the open clean-up tasks of
	// imports (copies to destroy) handed to the successor.
	HandedOverCleanupTasks []string   `json:"handed_over_cleanup_tasks,omitempty"`
	Items                  []Item     `json:"items"`
	CreatedBy              string     `json:"created_by"`
	CreatedAt              time.Time  `json:"created_at"`
	ClosedAt               *time.Time `json:"closed_at,omitempty"`
}

// Revoked is what was revoked at once.
type Revoked struct {
	Disabled bool     `json:"account_disabled"`
	Sessions bool     `json:"sessions_ended"`
	Tokens   []string `json:"tokens"` // ids of the API tokens the person created
}

// Item is one entry of the checklist.
type Item struct {
	ID             string     `json:"id"`
	Title          string     `json:"title"`
	State          string     `json:"state"`
	Evidence       string     `json:"evidence,omitempty"`
	EvidenceSHA256 string     `json:"evidence_sha256,omitempty"`
	ClosedBy       string     `json:"closed_by,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
}

// Close closes item id with evidence; the offboarding closes with its
// last item.
func (o *Offboarding) Close(id, evidence, sha, by string, at time.Time) error {
	evidence = strings.TrimSpace(evidence)
	switch {
	case evidence == "" || utf8.RuneCountInString(evidence) > 4000:
		return apperr.New(apperr.Invalid, "evidence_required", "closing an item needs its evidence (1 to 4000 characters)")
	case sha != "" && !isSHA256(sha):
		return apperr.New(apperr.Invalid, "invalid_evidence_sha256", "evidence_sha256 must be 64 hexadecimal characters")
	}
	for i := range o.Items {
		it := &o.Items[i]
		if it.ID != id {
			continue
		}
		if it.State == StateClosed {
			return apperr.New(apperr.Conflict, "item_closed", "this item is closed already")
		}
		it.State, it.Evidence, it.EvidenceSHA256, it.ClosedBy, it.ClosedAt = StateClosed, evidence, strings.ToLower(sha), by, &at
		o.settle(at)
		return nil
	}
	return apperr.New(apperr.NotFound, "item_not_found", "no such checklist item")
}

// settle closes the offboarding when every item is closed.
func (o *Offboarding) settle(at time.Time) {
	for _, it := range o.Items {
		if it.State != StateClosed {
			return
		}
	}
	o.State, o.ClosedAt = StateClosed, &at
}

// Settle is settle for a new offboarding whose items may all be closed.
func (o *Offboarding) Settle(at time.Time) { o.settle(at) }

// Names reports whether a system's owner or holder entry names the person.
func Names(entry, email, displayName string) bool {
	e := strings.ToLower(strings.TrimSpace(entry))
	return e != "" && (e == strings.ToLower(email) || e == strings.ToLower(strings.TrimSpace(displayName)))
}

// isSHA256 reports whether s is a hex SHA-256 digest.
func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}
