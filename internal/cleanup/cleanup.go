// Package cleanup is the clean-up trail of imports. An import states the
// system of the data map its rows come from (or registers a shadow system
// for a copy the map does not list yet); once the rows are in the vault the
// system is marked "migrated, copy to destroy" and a task asks the people
// who hold the original copy (the spreadsheet, the chat, the mailbox) to
// destroy it and close the task with evidence, after which the system is
// marked destroyed.
package cleanup

import (
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
)

// States of a task.
const (
	StateOpen   = "open"
	StateClosed = "closed"
)

// IDPrefix starts every task id.
const IDPrefix = "cln_"

// Task asks the holders of a migrated system's copy to destroy it.
type Task struct {
	ID       string `json:"id"`
	SystemID string `json:"system_id"`
	ImportID string `json:"import_id"`
	Title    string `json:"title"`
	// Assignees are the system's holders, else its owner (e-mail addresses
	// or names); empty when it names neither, and the DPO sees to it.
	Assignees      []string   `json:"assignees"`
	State          string     `json:"state"`
	Evidence       string     `json:"evidence,omitempty"`
	EvidenceSHA256 string     `json:"evidence_sha256,omitempty"`
	ClosedBy       string     `json:"closed_by,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// Filter selects tasks; empty fields select all.
type Filter struct {
	State    string
	SystemID string
	ImportID string
}

// maxEvidence bounds a task's evidence text.
const maxEvidence = 4000

// Close closes the task with evidence of the copy's destruction: a text
// (where the copy was, how and when it was deleted) and, optionally, the
// SHA-256 of a document that proves it. A closed task is a conflict.
func (t *Task) Close(evidence, sha, by string, at time.Time) error {
	evidence = strings.TrimSpace(evidence)
	sha = strings.ToLower(strings.TrimSpace(sha))
	switch {
	case t.State == StateClosed:
		return apperr.New(apperr.Conflict, "task_closed", "this clean-up task is closed already")
	case evidence == "" || !utf8.ValidString(evidence) || utf8.RuneCountInString(evidence) > maxEvidence:
		return apperr.New(apperr.Invalid, "evidence_required", "closing a clean-up task needs the evidence that the copy was destroyed (1 to 4000 characters)")
	case sha != "" && !isSHA256(sha):
		return apperr.New(apperr.Invalid, "invalid_evidence_sha256", "evidence_sha256 must be 64 hexadecimal characters")
	}
	at = at.UTC()
	t.State, t.Evidence, t.EvidenceSHA256, t.ClosedBy, t.ClosedAt = StateClosed, evidence, sha, by, &at
	return nil
}

// AssignedTo reports whether one of the task's assignees names the person
// with this e-mail address or display name (case-insensitive).
func (t *Task) AssignedTo(email, displayName string) bool {
	email, displayName = strings.ToLower(strings.TrimSpace(email)), strings.ToLower(strings.TrimSpace(displayName))
	for _, a := range t.Assignees {
		a = strings.ToLower(strings.TrimSpace(a))
		if a != "" && (a == email || a == displayName) {
			return true
		}
	}
	return false
}

// HandOver replaces the assignees that name the person with this e-mail
// address or display name by to (once), and reports whether any did. A
// leaving person's open tasks go to their successor this way: the
// successor sees the task and closes it once the copy is destroyed.
func (t *Task) HandOver(email, displayName, to string) bool {
	if !t.AssignedTo(email, displayName) {
		return false
	}
	email, displayName = strings.ToLower(strings.TrimSpace(email)), strings.ToLower(strings.TrimSpace(displayName))
	out := make([]string, 0, len(t.Assignees)+1)
	seen := map[string]bool{}
	add := func(a string) {
		if k := strings.ToLower(strings.TrimSpace(a)); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	for _, a := range t.Assignees {
		if k := strings.ToLower(strings.TrimSpace(a)); k == email || (displayName != "" && k == displayName) {
			add(to)
			continue
		}
		add(a)
	}
	t.Assignees = out
	return true
}

// isSHA256 reports whether s is a hex SHA-256 digest.
func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}
