// Package retention deletes personal data on schedule: rules per
// collection (optionally per field) say how long data is kept after an
// anchor, then whether it is deleted or anonymised; legal holds block
// deletion; every deletion leaves a deletion record.
package retention

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/freetext"
)

// Anchors a retention period runs from.
const (
	AnchorCreated          = "created"           // the record's creation
	AnchorLastActivity     = "last_activity"     // the record's last change
	AnchorConsentWithdrawn = "consent_withdrawn" // the subject's withdrawal of consent for the rule's purpose
	AnchorContractEnd      = "contract_end"      // a date field of the record (anchor_field)
	AnchorRequestResolved  = "request_resolved"  // a date field of the record (anchor_field)
)

// Anchors lists the anchors.
var Anchors = []string{AnchorCreated, AnchorLastActivity, AnchorConsentWithdrawn, AnchorContractEnd, AnchorRequestResolved}

// Actions at the end of a period.
const (
	ActionDelete    = "delete"
	ActionAnonymise = "anonymise"
)

// Keep is a retention period.
type Keep struct {
	N    int    `json:"n"`
	Unit string `json:"unit"` // days, months or years
}

// After returns t plus the period. Where the day does not exist in the
// target month (31 April, 29 February of a common year) the period ends on
// that month's last day.
func (k Keep) After(t time.Time) time.Time { return k.shift(t, 1) }

// Before returns t minus the period: data anchored before it has expired,
// that is, has been kept the whole period (After(anchor) <= t).
func (k Keep) Before(t time.Time) time.Time { return k.shift(t, -1) }

// shift moves t by the period in direction sign (1 or -1), clamping the
// day to the end of the target month.
func (k Keep) shift(t time.Time, sign int) time.Time {
	var months int
	switch k.Unit {
	case "years":
		months = 12 * k.N
	case "months":
		months = k.N
	default:
		return t.AddDate(0, 0, sign*k.N)
	}
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(sign*months), 1, 0, 0, 0, 0, t.Location())
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// approxDays compares periods of different units.
func (k Keep) approxDays() float64 {
	switch k.Unit {
	case "years":
		return float64(k.N) * 365.25
	case "months":
		return float64(k.N) * 30.44
	}
	return float64(k.N)
}

// Rule is one retention rule.
type Rule struct {
	ID         string   `json:"id"`
	Collection string   `json:"collection"`
	Fields     []string `json:"fields"` // empty: whole records
	// Purpose, with no Fields, limits the rule to the data collected only
	// for this purpose (whole records when every field is); it is also the
	// purpose whose consent the consent_withdrawn anchor watches.
	Purpose     string    `json:"purpose,omitempty"`
	Anchor      string    `json:"anchor"`
	AnchorField string    `json:"anchor_field,omitempty"`
	Keep        Keep      `json:"keep"`
	Action      string    `json:"action"`
	Description string    `json:"description"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

var name = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,62}$`)

func bad(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }

// Normalize validates r's syntax; the engine checks it against the schema.
func (r *Rule) Normalize() error {
	if !name.MatchString(r.Collection) {
		return bad("invalid_collection", "a rule names a collection")
	}
	if r.Fields == nil {
		r.Fields = []string{}
	}
	for _, f := range r.Fields {
		if !name.MatchString(f) {
			return bad("invalid_fields", "fields must be field names")
		}
	}
	slices.Sort(r.Fields)
	r.Fields = slices.Compact(r.Fields)
	if !slices.Contains(Anchors, r.Anchor) {
		return bad("invalid_anchor", "anchor must be one of "+strings.Join(Anchors, ", "))
	}
	switch r.Anchor {
	case AnchorContractEnd, AnchorRequestResolved:
		if !name.MatchString(r.AnchorField) {
			return bad("anchor_field_required", "anchors contract_end and request_resolved read a date field: set anchor_field")
		}
	case AnchorConsentWithdrawn:
		if r.Purpose == "" {
			return bad("purpose_required", "the consent_withdrawn anchor needs the purpose whose consent is withdrawn")
		}
	}
	if r.Keep.N < 0 || r.Keep.N > 1200 || !slices.Contains([]string{"days", "months", "years"}, r.Keep.Unit) {
		return bad("invalid_keep", `keep is {"n": 0 to 1200, "unit": "days"|"months"|"years"}`)
	}
	if r.Action == "" {
		r.Action = ActionDelete
	}
	if r.Action != ActionDelete && r.Action != ActionAnonymise {
		return bad("invalid_action", `action must be "delete" or "anonymise"`)
	}
	if utf8.RuneCountInString(r.Description) > 1000 {
		return bad("invalid_description", "a description has at most 1000 characters")
	}
	if err := freetext.Check("description", r.Description); err != nil {
		return err
	}
	return nil
}

// Hold is a legal hold: it blocks deletion of a subject's data, or of a
// collection's, until released or expired.
type Hold struct {
	ID         string     `json:"id"`
	SubjectID  string     `json:"subject,omitempty"`
	Collection string     `json:"collection,omitempty"`
	Reason     string     `json:"reason"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
	ReleasedBy string     `json:"released_by,omitempty"`
	// ReleaseReason is why it was released ("" for a hold released
	// before a reason was asked).
	ReleaseReason string `json:"release_reason,omitempty"`
}

// Active reports whether the hold blocks deletion at now.
func (h *Hold) Active(now time.Time) bool {
	return h.ReleasedAt == nil && (h.ExpiresAt == nil || now.Before(*h.ExpiresAt))
}

// Covers reports whether the hold covers a subject's record in collection.
func (h *Hold) Covers(subjectID, collection string) bool {
	return (h.SubjectID != "" && h.SubjectID == subjectID) || (h.Collection != "" && h.Collection == collection)
}

// Summary says the rule in words, for a person reading their access
// package: "customers: deleted 7 years after created", with the fields or
// purpose it is limited to and its description.
func (r Rule) Summary() string {
	what := r.Collection
	switch {
	case len(r.Fields) > 0:
		what += " (" + strings.Join(r.Fields, ", ") + ")"
	case r.Purpose != "":
		what += " (data collected for " + r.Purpose + ")"
	}
	done := "deleted"
	if r.Action == ActionAnonymise {
		done = "anonymised"
	}
	anchor := strings.ReplaceAll(r.Anchor, "_", " ")
	if r.AnchorField != "" {
		anchor += " (" + r.AnchorField + ")"
	}
	s := fmt.Sprintf("%s: %s %d %s after %s", what, done, r.Keep.N, r.Keep.Unit, anchor)
	if r.Description != "" {
		s += ": " + r.Description
	}
	return s
}

// Candidate is a record a rule may act on.
type Candidate struct {
	RecordID  string
	SubjectID string
	// Whole marks a record a field rule would leave with no field: it is
	// deleted whole, and reported and registered so.
	Whole bool
}
