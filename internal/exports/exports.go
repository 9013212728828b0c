// Package exports is the export register: every bulk read or export of
// personal data out of the vault (a CSV export, an access package, a bulk
// read the detector caught), with who, when, which categories and how
// many subjects, under a watermark id that the exported file carries. An
// export over a size threshold, or holding sensitive categories, waits for
// a second person's approval (four-eyes) before it is produced.
package exports

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kinds of register entry.
const (
	KindCSV           = "csv_export"
	KindAccessPackage = "access_package"
	KindBulkRead      = "bulk_read"
	// KindAuditLog is a download of the audit log (GET /v1/audit.csv),
	// produced at once for the caller who asked for it.
	KindAuditLog = "audit_log"
)

// States of a CSV export; other kinds are registered as they happen.
const (
	StatusPending    = "pending_approval"
	StatusApproved   = "approved"
	StatusRejected   = "rejected"
	StatusProduced   = "produced"
	StatusRegistered = "registered"
	// StatusSuperseded is an approved access package never produced: the
	// person's data gained categories the approval did not cover, and a
	// new entry waits for approval in its place.
	StatusSuperseded = "superseded"
)

// DefaultApprovalRecords is the size from which a CSV export needs a
// second person's approval.
const DefaultApprovalRecords = 500

// Export is one entry of the register.
type Export struct {
	ID         string `json:"id"` // the watermark id
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	Collection string `json:"collection,omitempty"`
	// Request is the data-subject request whose access package this is.
	Request     string     `json:"request,omitempty"`
	Fields      []string   `json:"fields"`
	Purpose     string     `json:"purpose,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	Categories  []string   `json:"categories"`
	Sensitive   bool       `json:"sensitive"`
	Records     int        `json:"records"`
	Subjects    int        `json:"subjects"`
	Approval    string     `json:"approval"` // why approval is needed, "" when it is not
	RequestedBy string     `json:"requested_by"`
	Requester   string     `json:"requester_key"` // the principal's key (user:… or token:…), for the four-eyes check
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Decision    string     `json:"decision_reason,omitempty"`
	ProducedAt  *time.Time `json:"produced_at,omitempty"`
	// From and Until bound a bulk read: its principal's reads from the
	// start of the detector's window until its alert was cleared (Until
	// nil: still counting). Records and Subjects are counted from the
	// audit log over that span.
	From  *time.Time `json:"from,omitempty"`
	Until *time.Time `json:"until,omitempty"`
}

// sensitivePrefixes are the fideslang categories whose export always needs
// approval: government ids, financial, health, biometric and genetic
// data, children's data and criminal history.
var sensitivePrefixes = []string{"user.government_id", "user.financial", "user.health_and_medical", "user.biometric",
	"user.authorization.biometric", "user.childrens", "user.criminal_history"}

// Sensitive reports whether a category is a sensitive one.
func Sensitive(category string) bool {
	return slices.ContainsFunc(sensitivePrefixes, func(p string) bool { return category == p || strings.HasPrefix(category, p+".") })
}

// Approval says why an export of records holding categories needs a
// second person's approval, "" when it does not.
func Approval(records, threshold int, categories []string) string {
	var sens []string
	for _, c := range categories {
		if Sensitive(c) {
			sens = append(sens, c)
		}
	}
	switch {
	case len(sens) > 0:
		return "holds sensitive categories: " + strings.Join(sens, ", ")
	case threshold > 0 && records >= threshold:
		return "holds " + strconv.Itoa(records) + " records, the approval threshold is " + strconv.Itoa(threshold)
	}
	return ""
}
