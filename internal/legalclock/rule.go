package legalclock

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"custodia/internal/apperr"
)

// StartEvent names the event a rule's period runs from.
type StartEvent string

// The start events a rule may name.
const (
	Received StartEvent = "received" // the request reached the organisation
	Verified StartEvent = "verified" // the requester's identity was verified
)

// Extension says how a rule's period may be extended.
type Extension struct {
	Period       Period // added by each extension
	MaxTimes     int    // how many extensions at most; 0 means none allowed
	NotifyWithin Period // the requester must be told within this, from the start; zero if the law sets no limit
}

// Rule is one entry of the rules table: the deadline of one request type
// under one jurisdiction.
type Rule struct {
	Jurisdiction     string     // one of Jurisdictions()
	RequestType      string     // one of RequestTypes(), or AnyType
	Start            StartEvent // the event the periods run from
	Period           Period     // the time to complete the request
	RollToWorkingDay bool       // a period ending on a weekend or holiday ends on the next working day
	Acknowledge      Period     // the time to acknowledge receipt; zero if none
	Extension        Extension  // zero MaxTimes if the period cannot be extended
	Calendar         string     // the holiday calendar the rule counts with
	Source           string     // the provision the figures come from
	Notes            string     // caveats: secondary sources, choices made, what to verify

	cal *Calendar
}

// Limits on a rule's free text.
const (
	maxSourceLen = 1000
	maxNotesLen  = 8000
	maxExtTimes  = 5
)

// Validate reports whether the rule is well-formed: known jurisdiction,
// request type, start event and units; positive periods within bounds; a
// non-empty source. It does not check that the calendar exists: a Table
// does that when it resolves the rule.
func (r Rule) Validate() error {
	if err := r.validate(); err != nil {
		return apperr.Newf(apperr.Invalid, CodeInvalidRules, "%s", err)
	}
	return nil
}

func (r Rule) validate() error {
	if j, ok := normJurisdiction(r.Jurisdiction); !ok || j != r.Jurisdiction {
		return errors.New("jurisdiction must be one of " + strings.Join(jurisdictions, ", "))
	}
	if t, ok := normRequestType(r.RequestType, true); !ok || t != r.RequestType {
		return errors.New(`request_type must be one of ` + strings.Join(requestTypes, ", ") + ` or "*"`)
	}
	if r.Start != Received && r.Start != Verified {
		return errors.New("start must be received or verified")
	}
	if err := r.Period.validate("period"); err != nil {
		return err
	}
	if !r.Acknowledge.IsZero() {
		if err := r.Acknowledge.validate("acknowledge"); err != nil {
			return err
		}
	}
	if err := r.Extension.validate(); err != nil {
		return err
	}
	if !ValidText(r.Source, maxSourceLen) || strings.TrimSpace(r.Source) == "" {
		return fmt.Errorf("source is required (at most %d bytes of text)", maxSourceLen)
	}
	if !ValidText(r.Notes, maxNotesLen) {
		return fmt.Errorf("notes must be at most %d bytes of text", maxNotesLen)
	}
	if r.Calendar == "" {
		return errors.New("no calendar")
	}
	return nil
}

func (e Extension) validate() error {
	if e == (Extension{}) {
		return nil
	}
	if e.MaxTimes < 1 || e.MaxTimes > maxExtTimes {
		return fmt.Errorf("extension: max_times must be 1 to %d", maxExtTimes)
	}
	if err := e.Period.validate("extension period"); err != nil {
		return err
	}
	if !e.NotifyWithin.IsZero() {
		return e.NotifyWithin.validate("extension notify_within")
	}
	return nil
}

// ValidText accepts valid UTF-8 of at most max characters (not bytes: a
// Vietnamese letter such as "ệ" is three bytes) with no control characters
// other than newline and tab.
func ValidText(s string, max int) bool {
	if len(s) > utf8.UTFMax*max || !utf8.ValidString(s) {
		return false
	}
	n := 0
	for _, r := range s {
		if n++; n > max {
			return false
		}
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}
